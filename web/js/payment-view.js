// A payment as a receipt-like summary (sandbox portal, return page, receipt), what its status means
// for the contractor (including money received that must be refunded), and "Try again".
import { get, post, problemIs } from "./api.js";
import { h, clear, showMessage } from "./dom.js";
import { busy } from "./forms.js";
import { countyTimestamp, money, paymentMethod } from "./format.js";
import { cartItemsTable } from "./cart-view.js";

const ENDED_UNPAID = ["DECLINED", "CANCELLED", "EXPIRED"];
const TRY_AGAIN = "No fees were paid; they are still due. Select TRY AGAIN to put these permits' fees back in your cart and return to the Checkout Summary.";
const REFUND_CONTACT = "Community Development will refund it; contact Community Development staff if you have questions.";

export const STATUS_TEXT = {
  PAID: ["success", "Payment approved", "Thank you. Your payment was approved and the fees are paid. You must contact Community Development staff to have your permit issued."],
  DECLINED: ["error", "Payment declined", `The payment was declined. ${TRY_AGAIN}`],
  CANCELLED: ["warning", "Payment cancelled", `The payment was cancelled. ${TRY_AGAIN}`],
  EXPIRED: ["warning", "Payment expired", `The payment was not completed in time. ${TRY_AGAIN}`],
  PENDING: ["info", "Payment pending", "The payment is still being processed."],
};

function unapplied(payment) {
  return Array.isArray(payment.unapplied_transactions) ? payment.unapplied_transactions : [];
}

/** A PAID payment whose money could not be applied to the fees (a late approval): all of it is refunded. */
export function paidButRefunded(payment) {
  return payment.status === "PAID" && payment.applied === false;
}

/** True when the payment holds money the county must give back. */
export function refundDue(payment) {
  return Boolean(payment.refund_required) || unapplied(payment).length > 0;
}

function transactionsText(list) {
  return list.map((t) => `${money(t.amount)}${t.transaction_id ? ` (transaction ${t.transaction_id})` : ""}`).join(" and ");
}

/**
 * [alert type, heading, text] for a payment: what happened and what happens next.
 * refund_required / unapplied_transactions come first: money received is never shown as "paid" or "no money taken".
 */
export function paymentOutcome(payment) {
  const extra = unapplied(payment);
  if (paidButRefunded(payment)) {
    return [
      "warning",
      "Payment received but not applied: it will be refunded",
      `Your payment of ${money(payment.total_due)}${payment.transaction_id ? ` (transaction ${payment.transaction_id})` : ""} was received, ` +
        "but it could not be applied to these fees because they had already been paid or were being paid by another payment " +
        `when it arrived. These fees were not paid by this payment. ${REFUND_CONTACT}`,
    ];
  }
  if (ENDED_UNPAID.includes(payment.status) && extra.length) {
    const [, heading] = STATUS_TEXT[payment.status];
    return [
      "warning",
      `${heading}: money received will be refunded`,
      `The payment ended ${payment.status} and no fees were paid, but the payment portal later took ${transactionsText(extra)}. ` +
        `That money was not applied to any fee. ${REFUND_CONTACT} The fees are still due: select TRY AGAIN to pay them.`,
    ];
  }
  const [type, heading, text] = STATUS_TEXT[payment.status] || ["info", payment.status, ""];
  if (payment.status === "PAID" && extra.length) {
    return [
      "warning",
      `${heading}; a second payment will be refunded`,
      `${text} A further ${transactionsText(extra)} was received after this payment had ended; it was not applied to any fee. ${REFUND_CONTACT}`,
    ];
  }
  return [type, heading, text];
}

/** The status as one short phrase for tables ("PAID", "PAID — REFUND DUE"). */
export function statusText(payment) {
  return refundDue(payment) ? `${payment.status} — REFUND DUE` : payment.status;
}

function refundAmount(payment) {
  const extra = unapplied(payment);
  if (extra.length) return transactionsText(extra);
  return payment.refund_required ? money(payment.total_due) : "";
}

/**
 * A receipt is offered only for money the portal approved and the county applied (the API's
 * receipt_available; a late approval that is being refunded gets a record, not a receipt).
 */
export function hasReceipt(payment) {
  return payment.receipt_available === true && !paidButRefunded(payment);
}

/**
 * The payment's facts, items and totals; `rules` (GET /meta/rules) names the payment type and gives
 * the county's time zone. On a receipt (`receipt: true`) the total is the amount paid, not a total due.
 */
export function paymentDetails(payment, labelledBy, rules = null, { receipt = false } = {}) {
  const zone = rules?.county?.time_zone || rules?.time_zone;
  const when = (value) => countyTimestamp(value, zone);
  const totals = h(
    "dl",
    { class: "portal-totals portal-totals--wide" },
    h("div", {}, h("dt", {}, "Total Fees:"), h("dd", {}, money(payment.total_fees))),
    h("div", {}, h("dt", {}, `${payment.convenience_fee?.label || rules?.convenience_fee_label || "Convenience fee"}:`), h("dd", {}, money(payment.convenience_fee?.amount))),
    h("div", { class: "portal-totals__due" }, h("dt", {}, receipt ? "Amount paid:" : "Total Due:"), h("dd", { id: "payment-total-due" }, money(payment.total_due))),
  );
  const refund = refundDue(payment);
  const facts = h(
    "dl",
    { class: "portal-summary" },
    // The short number people read over the phone; the 32-digit id stays the API's key.
    h("div", { class: "portal-summary__row" }, h("dt", {}, receipt ? "Receipt no." : "Reference no."), h("dd", { id: "payment-receipt-no" }, payment.receipt_no || payment.payment_id)),
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Status"), h("dd", { id: "payment-status" }, payment.status)),
    refund
      ? h("div", { class: "portal-summary__row portal-refund" }, h("dt", {}, "Refund"), h("dd", { id: "payment-refund" }, `${refundAmount(payment)} received and not applied to any fee: Community Development will refund it.`))
      : null,
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Payment type"), h("dd", {}, paymentMethod(payment.payment_method, rules?.payment_methods))),
    h("div", { class: "portal-summary__row" }, h("dt", {}, "Started"), h("dd", {}, when(payment.created_at))),
    payment.paid_at ? h("div", { class: "portal-summary__row" }, h("dt", {}, paidButRefunded(payment) ? "Received" : "Paid"), h("dd", {}, when(payment.paid_at))) : null,
    payment.transaction_id ? h("div", { class: "portal-summary__row" }, h("dt", {}, "Transaction"), h("dd", {}, payment.transaction_id)) : null,
  );
  return h("div", { class: "portal-payment" }, facts, cartItemsTable(payment.items || [], { labelledBy, id: "payment-items" }), totals);
}

/** Put the outcome of a payment into a page's message area (withHeading: false where the h1 says it already). */
export function showOutcome(container, payment, { withHeading = true } = {}) {
  const [type, heading, text] = paymentOutcome(payment);
  return showMessage(container, type, withHeading ? heading : null, text);
}

/**
 * TRY AGAIN for a payment that ended unpaid: its permits' fees go back in the cart
 * (a permit with nothing due any more is skipped), then the Checkout Summary opens.
 */
export function tryAgainButton(payment, messageArea) {
  const button = h("button", { type: "button", class: "usa-button", id: "try-again-button" }, "TRY AGAIN");
  button.addEventListener("click", () =>
    busy(button, async () => {
      const permits = [...new Set((payment.items || []).map((item) => item.permit_no))];
      try {
        for (const permitNo of permits) {
          try {
            await post("/cart/items", { permit_no: permitNo });
          } catch (error) {
            // Nothing due on it any more, or held by a payment still open: nothing to add.
            if (!problemIs(error, "no-fees-due", "fees-held", "conflict")) throw error;
          }
        }
        const cart = await get("/cart");
        if (!cart.items?.length) {
          showMessage(messageArea, "info", "Nothing is due", "The fees of these permits are no longer due, so there is nothing to pay again. Check FEES DUE on your dashboard.");
          return;
        }
        location.assign("checkout.html");
        await new Promise(() => {}); // stay busy while the Checkout Summary opens
      } catch (error) {
        showMessage(messageArea, "error", "The fees could not be put back in your cart", error.detail || error.message);
      }
    }, "Adding to cart…"),
  );
  return button;
}

/** The TRY AGAIN button where it makes sense (the payment ended without paying anything). */
export function offerTryAgain(slot, payment, messageArea) {
  clear(slot);
  if (ENDED_UNPAID.includes(payment.status) && payment.items?.length) slot.append(tryAgainButton(payment, messageArea));
}
