// Notices for staff (GET /staff/notices?unread=true): what contractors did, newest first, each marked
// read by whoever dealt with it (POST /staff/notices/{id}/read).
import { get, post, seg } from "../../api.js";
import { h, $, clear, params, showMessage, table } from "../../dom.js";
import { busy } from "../../forms.js";
import { countyTimestamp } from "../../format.js";
import { rulesOrNull } from "../../rules.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "notices", duty: "view-permits", title: "Notices" });
const message = $("#page-message");
const box = $("#notices");
const zone = (await rulesOrNull())?.county?.time_zone;
const unreadOnly = params().get("show") !== "all";
$(unreadOnly ? "#show-unread" : "#show-all").checked = true;

// Words for the API's notice kinds (docs/back-office.md); an unknown kind is shown as it is.
const KINDS = {
  "inspection-requested": "Inspection requested",
  "inspection-cancelled": "Inspection cancelled",
  payment: "Payment",
  "application-submitted": "Application submitted",
};

const shown = [];
let cursor = null;

function readButton(notice, cell) {
  const button = h("button", { type: "button", class: "usa-button usa-button--outline usa-button--small portal-small-button",
    "aria-label": `Mark read: ${notice.summary}` }, "Mark read");
  button.addEventListener("click", () => busy(button, async () => {
    try {
      const answer = await post(`/staff/notices/${seg(notice.notice_id)}/read`);
      Object.assign(notice, answer || { read: true });
      clear(cell).append(h("span", { role: "status" }, "Read"));
    } catch (error) {
      const area = cell.querySelector(".staff-row-message") || cell.appendChild(h("div", { class: "staff-row-message", "aria-live": "polite" }));
      showMessage(area, "error", null, error.detail || error.message);
    }
  }, "Marking…"));
  return button;
}

function draw() {
  clear(box);
  $("#notices-count").textContent = `${shown.length}${cursor ? "+" : ""} ${unreadOnly ? "unread " : ""}notice${shown.length === 1 ? "" : "s"}`;
  if (!shown.length) {
    box.append(h("p", { class: "portal-empty" }, unreadOnly ? "No unread notices." : "No notices."));
    return;
  }
  box.append(table({
    caption: unreadOnly ? "Unread notices, newest first" : "Notices, newest first",
    headers: ["WHEN", "WHAT", "SUMMARY", "PERMIT", "ACTION"],
    rows: shown.map((n) => {
      const cell = h("div", {});
      if (n.read) cell.append("Read");
      else cell.append(readButton(n, cell));
      return [countyTimestamp(n.at, zone), KINDS[n.kind] || n.kind, n.summary,
        n.permit_no ? h("a", { class: "usa-link", href: `permit.html?permit_no=${encodeURIComponent(n.permit_no)}` }, n.permit_no) : "",
        cell];
    }),
    id: "notices-table",
  }));
  if (cursor) {
    const more = h("button", { type: "button", class: "usa-button usa-button--outline staff-more" }, "Show more notices");
    more.addEventListener("click", () => busy(more, load, "Loading more…"));
    box.append(more);
  }
}

async function load() {
  try {
    const query = new URLSearchParams();
    if (unreadOnly) query.set("unread", "true");
    if (cursor) query.set("cursor", cursor);
    const page = await get(`/staff/notices?${query}`);
    shown.push(...(page.items || []));
    cursor = page.next_cursor || null;
    draw();
  } catch (error) {
    if (!shown.length) clear(box);
    showMessage(message, "error", "The notices could not be loaded", error.detail || error.message);
  }
}
load();
