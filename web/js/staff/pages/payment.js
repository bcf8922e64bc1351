// One payment as staff see it (GET /staff/payments/{payment_id}): who paid, how, when, whether money
// must be refunded, and its fee lines.
import { get, seg } from "../../api.js";
import { h, $, clear, params, showMessage, table } from "../../dom.js";
import { countyTimestamp, money } from "../../format.js";
import { paymentMethodName, rulesOrNull } from "../../rules.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "payments", duty: "payments", title: "Payment" });
const message = $("#page-message");
const box = $("#payment");
const id = params().get("payment_id") || params().get("id") || "";
const rules = await rulesOrNull();
const zone = rules?.county?.time_zone;

function row(term, value, ddId) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "portal-summary__row" }, h("dt", {}, term), h("dd", { id: ddId }, value));
}

function permitLink(no) {
  return h("a", { class: "usa-link", href: `permit.html?permit_no=${encodeURIComponent(no)}` }, no);
}

async function load() {
  clear(box);
  if (!id) {
    showMessage(message, "error", "No payment chosen", "Open a payment from the Payments list.");
    return;
  }
  try {
    const p = await get(`/staff/payments/${seg(id)}`);
    $("#payment-heading").textContent = `Payment ${p.receipt_no || p.payment_id}`;
    document.title = `Payment ${p.receipt_no || p.payment_id} | Permit Back Office`;
    if (p.refund_required) {
      showMessage(message, "warning", "Refund required",
        `${money(p.refund_amount ?? p.total_due)} was received and not applied to any fee: it must be refunded.`);
    }
    const permits = p.permit_nos || [];
    box.append(h("dl", { class: "portal-summary" },
      row("Receipt no.", p.receipt_no || p.payment_id, "payment-receipt-no"),
      row("Company", p.company_name || p.contractor_id),
      row("Contractor id", p.contractor_id),
      row("Status", p.status, "payment-status"),
      row("Payment type", paymentMethodName(rules, p.payment_method)),
      row("Started", countyTimestamp(p.created_at, zone)),
      row("Paid", p.paid_at ? countyTimestamp(p.paid_at, zone) : ""),
      row("Permits", permits.length ? h("span", {}, permits.flatMap((no, i) => (i ? [", ", permitLink(no)] : [permitLink(no)]))) : ""),
      row("Total fees", money(p.total_fees)),
      row("Total due", money(p.total_due), "payment-total-due"),
      p.refund_required ? row("Refund", money(p.refund_amount ?? p.total_due)) : null));
    const lines = p.lines || [];
    box.append(h("h2", { id: "lines-heading", class: "portal-table-heading" }, "Lines"));
    if (!lines.length) {
      box.append(h("p", { class: "portal-empty" }, "This payment has no lines."));
      return;
    }
    box.append(table({
      caption: "What the payment paid, line by line",
      headers: ["PERMIT NO.", "DESCRIPTION", "AMOUNT"],
      rows: lines.map((l) => [l.permit_no ? permitLink(l.permit_no) : "", l.description || l.label || l.fee_id || "",
        h("span", { class: "portal-money" }, money(l.amount))]),
      id: "payment-lines",
    }));
  } catch (error) {
    showMessage(message, "error", "The payment could not be loaded", error.detail || error.message);
  }
}
load();
