import { get } from "../api.js";
import { h, $, clear, showMessage, table } from "../dom.js";
import { initPage } from "../layout.js";

await initPage({ page: "schedule", duty: "inspections", title: "Schedule an Inspection" });

/** A Request link where the API allows a request now; otherwise the API's reason (what a request would get). */
function requestCell(p) {
  const eligibility = p.inspection_request_detail || { allowed: Boolean(p.inspection_request), reason: "" };
  if (eligibility.allowed) {
    return h("a", { class: "usa-link", href: `permit.html?permit_no=${encodeURIComponent(p.permit_no)}#request-inspection`, "aria-label": `Request an inspection for ${p.permit_no}` }, "Request");
  }
  // The reason repeats "An inspection cannot be requested on <no>." — the row already names the permit.
  return h("span", { class: "portal-reason" }, (eligibility.reason || "Not open for requests now.").replace(/^An inspection cannot be requested on \S+\. /, ""));
}

async function load() {
  const box = clear($("#permits"));
  try {
    const data = await get("/dashboard");
    const rows = data.active_permits?.items || [];
    if (!rows.length) {
      box.append(h("p", { class: "portal-empty" }, "You have no active permits."));
      return;
    }
    if (!rows.some((p) => p.inspection_request)) {
      box.append(h("p", { class: "portal-empty" }, "None of your permits can have an inspection requested now; each row says why."));
    }
    box.append(
      table({
        headers: ["PERMIT NO.", "ADDRESS", "TYPE", "STATUS", "INSPECTION"],
        rows: rows.map((p) => [p.permit_no, p.address || "", p.type || "", p.status || "", requestCell(p)]),
        labelledBy: "schedule-heading",
        id: "schedule-table",
      }),
    );
  } catch (error) {
    showMessage($("#page-message"), "error", "Your permits could not be loaded", error.detail || error.message);
  }
}
load();
