import { del, get, post, seg } from "../api.js";
import { h, $, clear, showMessage } from "../dom.js";
import { busy } from "../forms.js";
import { money } from "../format.js";
import { cartItemsTable } from "../cart-view.js";
import { initPage } from "../layout.js";

initPage({ page: "cart", title: "Shopping Cart" });
const message = $("#page-message");

function render(cart) {
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
    render(await get("/cart"));
  } catch (error) {
    clear($("#cart"));
    showMessage(message, "error", "Your cart could not be loaded", error.detail || error.message);
  }
}
load();
