// A project (project.html?project_no=): its details, its permits, the fees due on them with Pay Fees
// (POST /cart/projects/{no}, for a role with the payments duty) and View on Map. Another company's
// project is a 404, said as "not found among your projects".
import { get, problemIs, seg } from "../api.js";
import { h, $, clear, params, showMessage } from "../dom.js";
import { money } from "../format.js";
import { initPage } from "../layout.js";
import { may } from "../me.js";
import { permitTable, summaryList } from "../permit-table.js";
import { payProjectButton } from "../project-pay.js";

await initPage({ page: "project", duty: "permits", title: "Project" });
const projectNo = params().get("project_no") || "";
const message = $("#page-message");

function propertyLink(parcelNo) {
  return parcelNo ? h("a", { class: "usa-link", href: `property.html?parcel_no=${encodeURIComponent(parcelNo)}` }, parcelNo) : "";
}

async function load() {
  if (!projectNo) {
    clear($("#project-summary"));
    showMessage(message, "error", "No project chosen", "Open a project from Search Projects.");
    return;
  }
  try {
    const p = await get(`/projects/${seg(projectNo)}`);
    document.title = `Project ${p.project_no} | Contractor Permit Portal`;
    $("#project-heading").textContent = `Project ${p.project_no}`;
    clear($("#project-summary")).append(summaryList([
      ["Name", p.name],
      ["Status", h("strong", {}, p.status || "")],
      ["Property", propertyLink(p.parcel_no)],
      ["Permits", String((p.permits || []).length)],
      ["Fees due", h("span", { class: "portal-money", id: "project-fees-due" }, money(p.fees_due))],
    ]));
    const actions = clear($("#project-actions"));
    if (may("payments")) actions.append(payProjectButton(p));
    actions.append(h("a", { class: "usa-button usa-button--outline", href: `map.html?project=${encodeURIComponent(p.project_no)}` }, "View on Map"));
    clear($("#permits")).append(await permitTable(p.permits, { labelledBy: "permits-heading", id: "project-permits", message, empty: "This project has no permits yet." }));
  } catch (error) {
    clear($("#project-summary"));
    clear($("#permits"));
    const text = problemIs(error, "not-found") || error.status === 404 ? `Project ${projectNo} was not found among your projects.` : error.detail || error.message;
    showMessage(message, "error", "The project could not be loaded", text);
  }
}
load();
