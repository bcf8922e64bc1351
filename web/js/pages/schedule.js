import { get } from "../api.js";
import { h, $, clear, showMessage, table } from "../dom.js";
import { initPage } from "../layout.js";

initPage({ page: "schedule", title: "Schedule an Inspection" });

async function load() {
  const box = clear($("#permits"));
  try {
    const data = await get("/dashboard");
    const rows = (data.active_permits?.items || []).filter((p) => p.inspection_request);
    if (!rows.length) {
      box.append(h("p", { class: "portal-empty" }, "None of your permits can have an inspection requested now."));
      return;
    }
    box.append(
      table({
        headers: ["PERMIT NO.", "ADDRESS", "TYPE", "STATUS", "INSPECTION"],
        rows: rows.map((p) => [p.permit_no, p.address || "", p.type || "", p.status || "", h("a", { class: "usa-link", href: `permit.html?permit_no=${encodeURIComponent(p.permit_no)}#request-inspection`, "aria-label": `Request an inspection for ${p.permit_no}` }, "Request")]),
        labelledBy: "schedule-heading",
      }),
    );
  } catch (error) {
    showMessage($("#page-message"), "error", "Your permits could not be loaded", error.detail || error.message);
  }
}
load();
