// Payments (GET /staff/payments?date=&refund_required=true): newest first, each opening its receipt
// (payment.html); and a day's payments as a CSV for reconciliation (GET /staff/payments/export?date=),
// fetched with the staff token and saved as a file.
import { get } from "../../api.js";
import { h, $, clear, params, showMessage, table } from "../../dom.js";
import { busy, requireFields, showErrors } from "../../forms.js";
import { countyTimestamp, date, money } from "../../format.js";
import { paymentMethodName, rulesOrNull } from "../../rules.js";
import { download } from "../download.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "payments", duty: "payments", title: "Payments" });
const message = $("#page-message");
const box = $("#payments");
const rules = await rulesOrNull();
const zone = rules?.county?.time_zone;
const day = params().get("date") || "";
const refundsOnly = params().get("refund_required") === "true";
$("#pay-day").value = day;
$("#refund-required").checked = refundsOnly;
$("#export-day").value = day;

const shown = [];
let cursor = null;

function receiptLink(p) {
  return h("a", { class: "usa-link", href: `payment.html?payment_id=${encodeURIComponent(p.payment_id)}` }, p.receipt_no || p.payment_id);
}

function draw() {
  clear(box);
  const what = refundsOnly ? "refund-required payment" : "payment";
  $("#payments-count").textContent = `${shown.length}${cursor ? "+" : ""} ${what}${shown.length === 1 ? "" : "s"}${day ? ` started ${date(day)}` : ""}`;
  if (!shown.length) {
    box.append(h("p", { class: "portal-empty" }, refundsOnly ? "No payment needs a refund." : "No payments found."));
    return;
  }
  box.append(table({
    caption: `${refundsOnly ? "Payments whose money must be refunded" : "Payments"}${day ? ` of ${date(day)}` : ""}, newest first`,
    headers: ["RECEIPT NO.", "COMPANY", "STATUS", "TOTAL DUE", "PAYMENT TYPE", "PAID", "PERMITS", "REFUND"],
    rows: shown.map((p) => [receiptLink(p), p.company_name || p.contractor_id, p.status,
      h("span", { class: "portal-money" }, money(p.total_due)), paymentMethodName(rules, p.payment_method),
      p.paid_at ? countyTimestamp(p.paid_at, zone) : "", (p.permit_nos || []).join(", "),
      p.refund_required ? `Refund ${money(p.refund_amount ?? p.total_due)}` : ""]),
    id: "payments-table",
  }));
  if (cursor) {
    const more = h("button", { type: "button", class: "usa-button usa-button--outline staff-more" }, "Show more payments");
    more.addEventListener("click", () => busy(more, load, "Loading more…"));
    box.append(more);
  }
}

async function load() {
  try {
    const query = new URLSearchParams();
    if (day) query.set("date", day);
    if (refundsOnly) query.set("refund_required", "true");
    if (cursor) query.set("cursor", cursor);
    const page = await get(`/staff/payments${query.toString() ? `?${query}` : ""}`);
    shown.push(...(page.items || []));
    cursor = page.next_cursor || null;
    draw();
  } catch (error) {
    if (!shown.length) clear(box);
    if (error.errors?.length) showErrors($("#payments-form"), error, { fieldMap: { date: "date" } });
    else showMessage(message, "error", "The payments could not be loaded", error.detail || error.message);
  }
}

const exportForm = $("#export-form");
exportForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(exportForm, ["date"], { date: "The day to export" })) return;
  const chosen = $("#export-day").value;
  busy($("#export-button"), async () => {
    try {
      await download(`/staff/payments/export?date=${encodeURIComponent(chosen)}`, `payments-${chosen}.csv`);
      const area = $(".form-message", exportForm);
      showMessage(area, "success", null, `The payments of ${date(chosen)} are downloaded as payments-${chosen}.csv.`);
    } catch (error) {
      showErrors(exportForm, error, { fieldMap: { date: "date" } });
    }
  }, "Downloading…");
});

load();
