import { get } from "../api.js";
import { h, $, clear, showMessage, table } from "../dom.js";
import { date, timeWindow } from "../format.js";
import { cancelButton } from "../inspections.js";
import { initPage } from "../layout.js";
import { fillFigures } from "../rules.js";
import { permitLink } from "../permit-links.js";

await initPage({ page: "inspections", duty: "inspections", title: "Scheduled Inspections" });
const message = $("#page-message");
fillFigures();

/** View on Map (the guide's Inspections ▶ View on Map): the inspection's place, highlighted. */
function mapLink(i) {
  const href = `map.html?inspection=${encodeURIComponent(i.inspection_id)}&permit=${encodeURIComponent(i.permit_no)}`;
  // The accessible name starts with the visible words (WCAG 2.5.3) and says which inspection.
  return h("a", { class: "usa-link", href, "aria-label": `View on Map: the ${i.inspection_type} inspection of ${i.permit_no}` }, "View on Map");
}

async function load() {
  const box = clear($("#inspections"));
  try {
    const list = await get("/inspections/scheduled");
    const items = list.items || [];
    $("#scheduled-count").textContent = `${list.total ?? items.length} total record(s)`;
    if (!items.length) {
      box.append(h("p", { class: "portal-empty" }, "You have no scheduled inspections."));
      return;
    }
    box.append(
      table({
        headers: ["PERMIT NO.", "ADDRESS", "INSPECTION", "DATE", "TIME", "STATUS", "NOTES", "MAP", "ACTION"],
        rows: items.map((i) => [permitLink(i.permit_no), i.address || "", i.inspection_type, date(i.date), timeWindow(i.time_window), i.status, i.notes || "", mapLink(i), cancelButton(i, message, load)]),
        labelledBy: "scheduled-heading",
        id: "scheduled-table",
      }),
    );
  } catch (error) {
    showMessage(message, "error", "Your inspections could not be loaded", error.detail || error.message);
  }
}
load();
