// The audit trail (supervisors): GET /staff/audit?subject=&cursor=, newest first, a page at a time.
import { get } from "../../api.js";
import { h, $, clear, params, showMessage } from "../../dom.js";
import { busy, showErrors } from "../../forms.js";
import { rulesOrNull } from "../../rules.js";
import { auditTable } from "../audit-view.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "audit", duty: "audit", title: "Audit trail" });
const message = $("#page-message");
const box = $("#entries");
const zone = (await rulesOrNull())?.county?.time_zone;
const subject = (params().get("subject") || "").trim();
if (subject) $("#subject").value = subject; // (never clears what a quick hand typed before this ran)
if (subject) $("#entries-heading").textContent = `Entries for ${subject}`;

const entries = [];
let cursor = null;

function draw() {
  clear(box);
  if (!entries.length) {
    box.append(h("p", { class: "portal-empty" }, subject ? `Nothing is recorded for ${subject}.` : "Nothing is recorded yet."));
    return;
  }
  box.append(auditTable(entries, { caption: `${subject ? `What staff did to ${subject}` : "What staff did"}, newest first`, zone, id: "audit-table" }));
  if (cursor) {
    const more = h("button", { type: "button", class: "usa-button usa-button--outline staff-more" }, "Show older entries");
    more.addEventListener("click", () => busy(more, load, "Loading older…"));
    box.append(more);
  }
}

async function load() {
  try {
    const query = new URLSearchParams();
    if (subject) query.set("subject", subject);
    if (cursor) query.set("cursor", cursor);
    const page = await get(`/staff/audit${query.toString() ? `?${query}` : ""}`);
    entries.push(...(page.items || []));
    cursor = page.next_cursor || null;
    draw();
  } catch (error) {
    if (!entries.length) clear(box);
    if (error.errors?.length) showErrors($("#audit-form"), error, { fieldMap: { subject: "subject" } });
    else showMessage(message, "error", "The audit trail could not be loaded", error.detail || error.message);
  }
}
load();
