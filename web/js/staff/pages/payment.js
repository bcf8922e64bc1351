// One payment as staff see it (GET /staff/payments/{payment_id}): who paid, how, when, whether money
// must be refunded, and its fee lines.
import { get, post, seg } from "../../api.js";
import { h, $, clear, params, showMessage, table } from "../../dom.js";
import { busy, requireFields, showErrors, values } from "../../forms.js";
import { countyTimestamp, money } from "../../format.js";
import { paymentMethodName, rulesOrNull } from "../../rules.js";
import { initStaffPage, may } from "../layout.js";

const me = await initStaffPage({ page: "payments", duty: "payments", title: "Payment" });
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
    box.append(refunds(p));
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
// Refunds are given back in the payment portal; a supervisor records each here, and the payment
// leaves the refund queue. A refusal (e.g. 409 refund-not-due) shows beside the form.
function refunds(p) {
  const section = h("section", { class: "portal-section", "aria-labelledby": "refunds-heading" },
    h("h2", { id: "refunds-heading", class: "portal-table-heading" }, "Refunds"));
  const done = p.refunds || [];
  if (done.length) {
    section.append(table({
      caption: "Refunds recorded",
      headers: ["WHEN", "BY", "REFERENCE", "AMOUNT"],
      rows: done.map((r) => [countyTimestamp(r.at, zone), r.by, r.reference, h("span", { class: "portal-money" }, money(r.amount))]),
      id: "refunds-table",
    }));
  } else if (!p.refund_required) {
    section.append(h("p", { class: "portal-empty" }, "No refund is due."));
  }
  if (!p.refund_required) return section;
  if (!may(me, "refunds")) {
    section.append(h("p", {}, "A supervisor records the refund once it is given back through the payment portal."));
    return section;
  }
  const form = h("form", { class: "usa-form", id: "refund-form", novalidate: true },
    h("div", { class: "form-message" }),
    h("div", { class: "usa-form-group" },
      h("label", { class: "usa-label", for: "refund-reference" }, "Payment portal refund reference"),
      h("span", { class: "usa-hint", id: "refund-reference-hint" },
        `Give back ${money(p.refund_amount ?? p.total_due)} in the payment portal first, then record its reference here.`),
      h("input", { class: "usa-input", id: "refund-reference", name: "reference", maxlength: "80",
        "aria-describedby": "refund-reference-hint", autocomplete: "off" })),
    h("button", { class: "usa-button", type: "submit" }, "Record refund"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!requireFields(form, ["reference"], { reference: "The refund reference" })) return;
    await busy($("button", form), async () => {
      try {
        const after = await post(`/staff/payments/${seg(id)}/refund`, values(form));
        await load();
        const last = (after.refunds || []).at(-1);
        showMessage(message, "success", "Refund recorded",
          `${money(last?.amount)} refunded (${last?.reference}): the payment has left the refund queue.`);
      } catch (error) {
        showErrors(form, error);
      }
    }, "Recording…");
  });
  section.append(form);
  return section;
}

load();
