import { get, post, problemIs, seg } from "../api.js";
import { alertBox, h, $, clear, params, showMessage, table } from "../dom.js";
import { busy, requireFields, showErrors, values } from "../forms.js";
import { date, isPositive, money, timeWindow, timestamp } from "../format.js";
import { cancelButton } from "../inspections.js";
import { initPage } from "../layout.js";
import { may } from "../me.js";
import { addToCartAndCheckout, pendingByPermit, pendingNote } from "../permit-links.js";
import { fillFigures, rulesOrNull } from "../rules.js";

await initPage({ page: "permit", duty: "permits", title: "Permit" });
const permitNo = params().get("permit_no") || "";
const message = $("#page-message");
const form = $("#inspection-form");
const dateInput = $("#inspection_date");
let requestDates = null; // the dates the county's calendar offers a request made now (GET /meta/rules)

/** The request form offers only the calendar's dates: min/max on the picker, the list checked on send. */
async function applyCalendar() {
  const rules = await fillFigures();
  const calendar = rules?.inspections;
  if (!calendar?.request_dates) return;
  requestDates = new Set(calendar.request_dates);
  if (calendar.earliest_date) dateInput.min = calendar.earliest_date;
  if (calendar.latest_date) dateInput.max = calendar.latest_date;
  if (calendar.earliest_date && calendar.latest_date) {
    $("#inspection_date-range").textContent = ` Dates open now: ${date(calendar.earliest_date)} to ${date(calendar.latest_date)}.`;
  }
}

/** Why the calendar does not offer this date, or null when it does (or the calendar is not known). */
function dateProblem(value) {
  if (!requestDates || requestDates.has(value)) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return "Enter the date as month, day and year.";
  if (dateInput.min && value < dateInput.min) return `The earliest date you can request now is ${date(dateInput.min)}.`;
  if (dateInput.max && value > dateInput.max) return `The latest date you can request now is ${date(dateInput.max)}.`;
  return `${date(value)} is not a business day: choose a weekday that is not a county holiday.`;
}
applyCalendar();

function summaryList(rows) {
  const dl = h("dl", { class: "portal-summary" });
  for (const [term, value] of rows) {
    dl.append(h("div", { class: "portal-summary__row" }, h("dt", {}, term), h("dd", {}, value === "" || value == null ? "—" : value)));
  }
  return dl;
}

function renderPermit(p, pending = {}) {
  document.title = `Permit ${p.permit_no} | Contractor Permit Portal`;
  $("#permit-heading").textContent = `Permit ${p.permit_no}`;
  const summary = clear($("#permit-summary"));
  const feesDue = isPositive(p.fees_due) && may("payments")
    ? h("span", {}, money(p.fees_due), " ", payButton(p))
    : money(p.fees_due);
  // Fees held by a payment in progress are neither due nor paid: say so, with the payment's page.
  const note = pendingNote(p, pending);
  const feesCell = note ? h("span", { class: "portal-fees-cell" }, feesDue, note) : feesDue;
  summary.append(
    summaryList([
      ["Status", h("strong", {}, p.status || "")],
      ["Address", p.address],
      ["Property", p.parcel_no ? h("a", { class: "usa-link", href: `property.html?parcel_no=${encodeURIComponent(p.parcel_no)}` }, p.parcel_no) : ""],
      ["Project", p.project_no ? h("a", { class: "usa-link", href: `project.html?project_no=${encodeURIComponent(p.project_no)}` }, p.project_no) : ""],
      ["Type", p.type],
      ["Description", p.description],
      ["Applied", date(p.applied_date)],
      ["Issued", date(p.issued_date)],
      ["Expires", date(p.expires_date)],
      ["Expired", p.expired ? "Yes" : "No"],
      ["Fees due", feesCell],
    ]),
  );
  // View on Map (the guide's Permits ▶ View on Map) once the permit has a place: its parcel's.
  if (Number.isFinite(p.lat) && Number.isFinite(p.lon)) {
    summary.append(h("p", { class: "portal-actions" },
      h("a", { class: "usa-button usa-button--outline", id: "view-on-map", href: `map.html?permit=${encodeURIComponent(p.permit_no)}` }, "View on Map")));
  }

  const fees = clear($("#fees"));
  fees.append(
    p.fees?.length
      ? table({ headers: ["FEE", "AMOUNT", "STATUS"], rows: p.fees.map((f) => [f.description, h("span", { class: "portal-money" }, money(f.amount)), feeStatus(f, p.fees)]), labelledBy: "fees-heading" })
      : h("p", { class: "portal-empty" }, "No fees."),
  );

  renderInspections(p.inspections || []);

  const attachments = clear($("#attachments"));
  attachments.append(
    p.attachments?.length
      ? table({ headers: ["NAME", "UPLOADED"], rows: p.attachments.map((a) => [a.name, timestamp(a.uploaded_at) || date(a.uploaded_at)]), labelledBy: "attachments-heading" })
      : h("p", { class: "portal-empty" }, "No attachments."),
  );
  const reviews = clear($("#reviews"));
  reviews.append(
    p.reviews?.length
      ? table({ headers: ["DEPARTMENT", "STATUS", "DATE", "COMMENTS"], rows: p.reviews.map((r) => [r.department, r.status, date(r.date), r.comments || ""]), labelledBy: "reviews-heading" })
      : h("p", { class: "portal-empty" }, "No reviews yet."),
  );

  const select = $("#inspection_type");
  clear(select);
  select.append(h("option", { value: "" }, p.inspection_types?.length ? "- Select -" : "No inspection types for this permit"));
  for (const type of p.inspection_types || []) select.append(h("option", { value: type }, type));
  showRequestForm(p.inspection_request_detail || { allowed: Boolean(p.inspection_request), reason: "" });
  if (location.hash === "#request-inspection") $("#request-inspection").focus();
}

/**
 * The form only where the API says a request is possible now; elsewhere the API's own reason (the
 * 409 the request would get), so the page never offers what the server will refuse.
 */
function showRequestForm(eligibility) {
  const note = clear($("#request-note"));
  form.hidden = !eligibility.allowed;
  if (eligibility.allowed) {
    note.append(h("p", { class: "usa-hint" }, "You may request an inspection on this permit."));
  } else {
    note.append(alertBox("info", null, eligibility.reason || "This permit does not allow an inspection request now."));
  }
}

function payButton(p) {
  const button = h("button", { type: "button", class: "usa-button usa-button--small portal-small-button" }, "PAY FEES");
  // The accessible name starts with the visible words (WCAG 2.5.3, axe label-content-name-mismatch).
  button.setAttribute("aria-label", `Pay fees of ${money(p.fees_due)} due for ${p.permit_no}`);
  button.addEventListener("click", () => busy(button, () => addToCartAndCheckout(p.permit_no, message)));
  return button;
}

function renderInspections(list) {
  const box = clear($("#inspections"));
  if (!list.length) {
    box.append(h("p", { class: "portal-empty" }, "No inspections."));
    return;
  }
  box.append(
    table({
      headers: ["INSPECTION", "DATE", "TIME", "STATUS", "NOTES", "ACTION"],
      rows: list.map((i) => [
        i.inspection_type,
        date(i.date),
        timeWindow(i.time_window),
        i.status,
        i.notes || "",
        i.status === "SCHEDULED" ? cancelButton(i, $("#inspection-message"), load) : "",
      ]),
      labelledBy: "inspections-heading",
      id: "inspections-table",
    }),
  );
}

async function load() {
  if (!permitNo) {
    showRequestForm({ allowed: false, reason: "Open one of your permits to request an inspection on it." });
    showMessage(message, "error", "No permit chosen", "Open a permit from your dashboard.");
    return;
  }
  try {
    const permit = await get(`/permits/${seg(permitNo)}`);
    const [held, rules] = await Promise.all([pendingByPermit([permit]), rulesOrNull()]);
    renderPermit(permit, { timeZone: rules?.county?.time_zone, payment: held.get(permit.permit_no) });
  } catch (error) {
    clear($("#permit-summary"));
    showRequestForm({ allowed: false, reason: "Open one of your permits to request an inspection on it." });
    const text = problemIs(error, "not-found") ? `Permit ${permitNo} was not found among your permits.` : error.detail || error.message;
    showMessage(message, "error", "The permit could not be loaded", text);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const labels = { inspection_type: "Inspection type", date: "Inspection date" };
  if (!requireFields(form, ["inspection_type", "date"], labels)) return;
  const body = values(form);
  if (!body.notes) delete body.notes;
  const problem = dateProblem(body.date);
  if (problem) {
    showErrors(form, { errors: [{ field: "date", message: problem }] });
    return;
  }
  busy($("#request-button"), async () => {
    try {
      const inspection = await post(`/permits/${seg(permitNo)}/inspections`, body);
      form.reset();
      showMessage($("#inspection-message"), "success", null, `Your ${inspection.inspection_type} inspection is requested for ${date(inspection.date)} (${timeWindow(inspection.time_window)}). A confirmation has been e-mailed.`);
      await load();
      $("#inspections-heading").scrollIntoView();
    } catch (error) {
      showErrors(form, error, { fieldMap: { inspection_type: "inspection_type", date: "date", time_window: "time_window", notes: "notes" }, fallback: "The inspection could not be requested." });
    }
  }, "REQUESTING…");
});

load();

/**
 * A fee's STATUS cell. A voided fee is listed as the county's ledger keeps it, but says plainly that it is
 * not owed, why, and (an adjustment) which fee took its place, so its amount is never read as due.
 */
function feeStatus(fee, fees) {
  if (fee.status !== "VOIDED") return fee.status;
  const replacement = fee.replaced_by ? fees.find((f) => f.fee_id === fee.replaced_by) : null;
  const parts = ["Not owed"];
  if (fee.void_reason) parts.push(`reason: ${fee.void_reason}`);
  if (replacement) parts.push(`replaced by ${replacement.description} (${money(replacement.amount)})`);
  return h("span", { class: "portal-fee-voided" }, h("strong", {}, "VOIDED"), ` — ${parts.join("; ")}.`);
}
