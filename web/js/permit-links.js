// Links and buttons shared by the dashboard, search and pay-all pages.
import { get, post, problemIs } from "./api.js";
import { h, showMessage } from "./dom.js";
import { busy } from "./forms.js";
import { isPositive, money, paymentInProgress } from "./format.js";
import { may } from "./me.js";

export function permitLink(permitNo) {
  return h("a", { class: "usa-link portal-permit-link", href: `permit.html?permit_no=${encodeURIComponent(permitNo)}` }, permitNo);
}

/** Put a permit's fees in the cart, then open the Checkout Summary (the guide's step 2). */
export async function addToCartAndCheckout(permitNo, messageArea) {
  try {
    await post("/cart/items", { permit_no: permitNo });
  } catch (error) {
    if (problemIs(error, "no-fees-due", "fees-held", "conflict")) {
      // Already in the cart is fine; anything else (held by a pending payment) is shown.
      const cart = await get("/cart").catch(() => null);
      if (cart?.items?.some((item) => item.permit_no === permitNo)) {
        location.assign("checkout.html");
        return;
      }
    }
    showMessage(messageArea, "error", `The fees of ${permitNo} could not be added to the cart`, error.detail || error.message);
    return;
  }
  location.assign("checkout.html");
}

/**
 * The payments in progress that hold fees, by permit number (GET /cart's pending_payments): permit
 * rows say a payment holds them but not which, and the note links to that payment. Fetched only when
 * some row is pending, so a dashboard without one costs no extra request.
 */
export async function pendingByPermit(rows) {
  const byPermit = new Map();
  // A role without payments has no cart to read (GET /cart would be a 403).
  if (!may("payments") || !rows.some((row) => row.payment_pending_until)) return byPermit;
  const cart = await get("/cart").catch(() => null);
  for (const payment of cart?.pending_payments || []) {
    for (const permitNo of payment.permit_nos || []) byPermit.set(permitNo, payment);
  }
  return byPermit;
}

/**
 * "Payment in progress — until 3:42 PM" (the county's clock), linked to the payment when it is known:
 * fees held by a payment are neither due nor paid, so $0.00 alone would say they were paid.
 */
export function pendingNote(row, { timeZone, payment } = {}) {
  if (!row.payment_pending_until) return null;
  const text = paymentInProgress(row.payment_pending_until, timeZone);
  if (!payment) return h("span", { class: "portal-pending" }, text);
  // The accessible name starts with the visible words (WCAG 2.5.3, axe label-content-name-mismatch).
  return h("a", { class: "usa-link portal-pending", href: `payment-return.html?payment_id=${encodeURIComponent(payment.payment_id)}`,
    "aria-label": `${text}, the payment of ${money(payment.total_due)} for ${row.permit_no}` }, text);
}

/**
 * FEES DUE cell: an amount due is a button that adds the permit's fees to the cart; fees held by a
 * payment in progress say so. `pending` is pendingByPermit's map, `timeZone` the county's.
 * A role that may not pay (GET /me's `may` without payments) sees the amount, not a button.
 */
export function feesDueCell(row, messageArea, { timeZone, pending } = {}) {
  const amount = money(row.fees_due);
  const note = pendingNote(row, { timeZone, payment: pending?.get(row.permit_no) });
  if (!isPositive(row.fees_due) || !may("payments")) {
    const cell = h("span", { class: "portal-money" }, amount);
    return note ? h("span", { class: "portal-fees-cell" }, cell, note) : cell;
  }
  const button = h("button", { type: "button", class: "usa-button usa-button--unstyled portal-money portal-fee-button", "aria-label": `Pay ${amount} fees due for ${row.permit_no}` }, amount);
  button.addEventListener("click", () => busy(button, () => addToCartAndCheckout(row.permit_no, messageArea), `${amount}…`));
  return note ? h("span", { class: "portal-fees-cell" }, button, note) : button;
}
