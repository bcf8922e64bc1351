import { del, get, post, seg } from "../api.js";
import { h, $, clear, showMessage } from "../dom.js";
import { busy } from "../forms.js";
import { money, paymentInProgress } from "../format.js";
import { cartItemsTable } from "../cart-view.js";
import { initPage } from "../layout.js";
import { rulesOrNull } from "../rules.js";

await initPage({ page: "cart", duty: "payments", title: "Shopping Cart" });
const message = $("#page-message");

let timeZone; // the county's, for the times payments in progress hold their fees until

/**
 * Payments started and not finished: their fees left the cart and are held, neither due nor paid,
 * until the payment ends or its hold runs out. Each links to its payment's page.
 */
function renderPending(list) {
  const box = clear($("#pending-payments"));
  box.hidden = !list.length;
  if (!list.length) return;
  box.append(h("h2", { id: "pending-heading" }, "Payments in progress"));
  const items = h("ul", { class: "usa-list portal-pending-list" });
  for (const payment of list) {
    const text = paymentInProgress(payment.expires_at, timeZone);
    const permits = (payment.permit_nos || []).join(", ");
    items.append(h("li", {},
      h("a", { class: "usa-link", href: `payment-return.html?payment_id=${encodeURIComponent(payment.payment_id)}`,
        "aria-label": `${text}: ${money(payment.total_due)} for ${permits}` }, text),
      `: ${money(payment.total_due)} for ${permits}. These fees are held by the payment and are not in your cart.`));
  }
  box.append(items);
}

function render(cart) {
  renderPending(cart.pending_payments || []);
  const box = clear($("#cart"));
  const items = cart.items || [];
  $("#total-fees").textContent = money(cart.total_fees || "0.00");
  $("#checkout-link").hidden = !items.length;
  if (!items.length) {
    box.append(h("p", { class: "portal-empty" }, "Your cart is empty. Select an amount under FEES DUE on your dashboard, or PAY ALL FEES."));
    return;
  }
  box.append(cartItemsTable(items, { labelledBy: "cart-heading", removeButton: removeButton }));
}

function removeButton(item) {
  const button = h("button", { type: "button", class: "usa-button usa-button--unstyled", "aria-label": `Remove ${item.permit_no} from the cart` }, "Remove");
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        render(await del(`/cart/items/${seg(item.permit_no)}`));
        showMessage(message, "success", null, `${item.permit_no} was removed from the cart.`);
      } catch (error) {
        showMessage(message, "error", "The permit could not be removed", error.detail || error.message);
      }
    }, "Removing…"),
  );
  return button;
}

$("#pay-all-button").addEventListener("click", (event) =>
  busy(event.currentTarget, async () => {
    try {
      const cart = await post("/cart/pay-all", {});
      if (!cart.items?.length) {
        render(cart);
        showMessage(message, "info", null, "You have no fees due.");
        return;
      }
      location.assign("checkout.html");
    } catch (error) {
      showMessage(message, "error", "Your fees could not be added", error.detail || error.message);
    }
  }),
);

async function load() {
  try {
    const [cart, rules] = await Promise.all([get("/cart"), rulesOrNull()]);
    timeZone = rules?.county?.time_zone;
    render(cart);
  } catch (error) {
    clear($("#cart"));
    showMessage(message, "error", "Your cart could not be loaded", error.detail || error.message);
  }
}
load();
