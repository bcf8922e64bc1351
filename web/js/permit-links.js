// Links and buttons shared by the dashboard, search and pay-all pages.
import { get, post, problemIs } from "./api.js";
import { h, showMessage } from "./dom.js";
import { busy } from "./forms.js";
import { isPositive, money } from "./format.js";

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

/** FEES DUE cell: an amount due is a button that adds the permit's fees to the cart. */
export function feesDueCell(row, messageArea) {
  const amount = money(row.fees_due);
  if (!isPositive(row.fees_due)) return h("span", { class: "portal-money" }, amount);
  const button = h("button", { type: "button", class: "usa-button usa-button--unstyled portal-money portal-fee-button", "aria-label": `Pay ${amount} fees due for ${row.permit_no}` }, amount);
  button.addEventListener("click", () => busy(button, () => addToCartAndCheckout(row.permit_no, messageArea), `${amount}…`));
  return button;
}
