// A payment as a receipt-like summary (sandbox portal, return page, receipt).
import { h } from "./dom.js";
import { money, paymentMethod, timestamp } from "./format.js";
import { cartItemsTable } from "./cart-view.js";

export const STATUS_TEXT = {
  PAID: ["success", "Payment approved", "Thank you. Your payment was approved and the fees are paid. You must contact Community Development staff to have your permit issued."],
  DECLINED: ["error", "Payment declined", "The payment was declined. No fees were paid; you can try again from your cart."],
  CANCELLED: ["warning", "Payment cancelled", "The payment was cancelled. No fees were paid; you can try again from your cart."],
  EXPIRED: ["warning", "Payment expired", "The payment was not completed in time. No fees were paid; you can try again from your cart."],
  PENDING: ["info", "Payment pending", "The payment is still being processed."],
};

export function paymentDetails(payment, labelledBy) {
  const totals = h(
    "dl",
    { class: "portal-totals portal-totals--wide" },
    h("div", {}, h("dt", {}, "Total Fees:"), h("dd", {}, money(payment.total_fees))),
    h("div", {}, h("dt", {}, `${payment.convenience_fee?.label || "Access Idaho Fee"}:`), h("dd", {}, money(payment.convenience_fee?.amount))),
    h("div", { class: "portal-totals__due" }, h("dt", {}, "Total Due:"), h("dd", { id: "payment-total-due" }, money(payment.total_due))),
  );
  const facts = h(
    "dl",
    { class: "portal-summary" },
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Payment ID"), h("dd", {}, payment.payment_id)),
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Status"), h("dd", { id: "payment-status" }, payment.status)),
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Payment type"), h("dd", {}, paymentMethod(payment.payment_method))),
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Started"), h("dd", {}, timestamp(payment.created_at))),
    payment.paid_at ? h("div", { class: "portal-summary__row" }, h("dt", {}, "Paid"), h("dd", {}, timestamp(payment.paid_at))) : null,
    payment.transaction_id ? h("div", { class: "portal-summary__row" }, h("dt", {}, "Transaction"), h("dd", {}, payment.transaction_id)) : null,
  );
  return h("div", { class: "portal-payment" }, facts, cartItemsTable(payment.items || [], { labelledBy, id: "payment-items" }), totals);
}
