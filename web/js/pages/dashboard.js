import { get } from "../api.js";
import { h, $, clear, showMessage, table } from "../dom.js";
import { date } from "../format.js";
import { initPage, setCompany } from "../layout.js";
import { may } from "../me.js";
import { feesDueCell, pendingByPermit, permitLink } from "../permit-links.js";
import { rulesOrNull } from "../rules.js";

await initPage({ page: "dashboard", title: "My Dashboard" });
const message = $("#page-message");
$("#pay-hint").hidden = !may("payments"); // FEES DUE is a plain amount for a role that may not pay

function count(id, total) {
  $(`#${id}-count`).textContent = `${total} total record(s)`;
}

function fill(id, headers, rows, emptyText) {
  const box = clear($(`#${id}`));
  if (!rows.length) {
    box.append(h("p", { class: "portal-empty" }, emptyText));
    return;
  }
  box.append(table({ headers, rows, labelledBy: `${id}-heading`, id: `${id}-table` }));
}

// The later sections stay out of the layout until the data is in (aria-busy on main), so a long
// permits table does not push them down while the person reads (Lighthouse's layout shift).
function loaded() {
  $("#main-content").removeAttribute("aria-busy");
}

async function load() {
  let data;
  try {
    data = await get("/dashboard");
  } catch (error) {
    showMessage(message, "error", "Your dashboard could not be loaded", error.detail || error.message);
    for (const id of ["active-permits", "active-inspections", "expired-permits"]) clear($(`#${id}`));
    loaded();
    return;
  }
  const active = data.active_permits || { total: 0, items: [] };
  const expired = data.expired_permits || { total: 0, items: [] };
  // A payment in progress is shown on its permits' FEES DUE, in the county's clock;
  // everything is drawn at once after it, so the page never shows the greeting without its tables.
  // (The cart and the rules are fetched only then: a dashboard without one costs no extra request.)
  const rows = [...active.items, ...expired.items];
  const held = rows.some((p) => p.payment_pending_until);
  const [pending, all] = await Promise.all([pendingByPermit(rows), held ? rulesOrNull() : null]);
  const fees = { timeZone: all?.county?.time_zone, pending };
  const company = data.contractor?.company_name || "";
  setCompany(company);
  const greeting = clear($("#greeting"));
  greeting.append(`Hello ${company}.`, h("br"), "Below is a Dashboard of your current activities.");

  count("active-permits", active.total ?? active.items.length);
  fill(
    "active-permits",
    ["PERMIT NO.", "ADDRESS", "TYPE", "STATUS", "INSPECTION", "FEES DUE"],
    active.items.map((p) => [
      permitLink(p.permit_no),
      p.address || "",
      p.type || "",
      p.status || "",
      p.inspection_request
        ? h("a", { class: "usa-link", href: `permit.html?permit_no=${encodeURIComponent(p.permit_no)}#request-inspection`, "aria-label": `Request an inspection for ${p.permit_no}` }, "Request")
        : "",
      feesDueCell(p, message, fees),
    ]),
    "You have no active permits.",
  );

  const inspections = data.active_inspections || { total: 0, items: [] };
  count("active-inspections", inspections.total ?? inspections.items.length);
  fill(
    "active-inspections",
    ["REC NO", "REC TYPE", "REC STATUS", "ADDRESS", "INSPECTION", "DATE"],
    inspections.items.map((i) => [permitLink(i.rec_no), i.rec_type || "", i.rec_status || "", i.address || "", i.inspection || "", date(i.date)]),
    "You have no active inspections.",
  );

  count("expired-permits", expired.total ?? expired.items.length);
  fill(
    "expired-permits",
    ["PERMIT NO.", "ADDRESS", "TYPE", "STATUS", "EXPIRED", "FEES DUE"],
    expired.items.map((p) => [permitLink(p.permit_no), p.address || "", p.type || "", p.status || "", date(p.expired), feesDueCell(p, message, fees)]),
    "You have no expired permits.",
  );
  loaded();
}
load();
