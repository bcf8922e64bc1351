import { get, post } from "../api.js";
import { h, $, $$, clear, showMessage } from "../dom.js";
import { busy, clearErrors, fieldError, showErrors } from "../forms.js";
import { money } from "../format.js";
import { cartItemsTable } from "../cart-view.js";
import { initPage } from "../layout.js";

initPage({ page: "checkout", title: "Checkout Summary" });
const form = $("#checkout-form");
const message = $("#page-message");
let latest = 0;

function renderItems(items, totalFees) {
  const box = clear($("#summary-items"));
  box.append(cartItemsTable(items, { labelledBy: "checkout-heading", id: "summary-table" }));
  $("#total-fees").textContent = money(totalFees);
}

function renderEmpty() {
  clear($("#summary-items")).append(h("p", { class: "portal-empty" }, "Your cart is empty. ", h("a", { class: "usa-link", href: "dashboard.html" }, "Select an amount under FEES DUE on your dashboard"), "."));
  form.hidden = true;
}

async function chooseMethod(method) {
  const ticket = ++latest;
  clearErrors(form);
  $("#convenience-fee").textContent = "Calculating…";
  try {
    const summary = await get(`/checkout/summary?payment_method=${encodeURIComponent(method)}`);
    if (ticket !== latest) return; // a later choice wins
    renderItems(summary.items || [], summary.total_fees);
    $("#convenience-label").textContent = `${summary.convenience_fee?.label || "Access Idaho Fee"}:`;
    $("#convenience-fee").textContent = money(summary.convenience_fee?.amount);
    $("#total-due").textContent = money(summary.total_due);
  } catch (error) {
    if (ticket !== latest) return;
    $("#convenience-fee").textContent = "";
    if (error.status === 409) renderEmpty();
    else showErrors(form, error, { fallback: "The summary could not be calculated." });
  }
}

for (const radio of $$('input[name="payment_method"]', form)) {
  radio.addEventListener("change", () => chooseMethod(radio.value));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const method = form.elements.payment_method.value;
  if (!method) {
    clearErrors(form);
    fieldError(form, "payment_method", "Choose a payment type.");
    $("#method-credit_card").focus();
    return;
  }
  busy($("#proceed-button"), async () => {
    try {
      const payment = await post("/checkout", { payment_method: method });
      location.assign(payment.redirect_url);
      await new Promise(() => {}); // stay busy while the portal opens
    } catch (error) {
      showErrors(form, error, { fallback: "The payment could not be started." });
    }
  }, "REDIRECTING…");
});

async function load() {
  try {
    const cart = await get("/cart");
    if (!cart.items?.length) return renderEmpty();
    renderItems(cart.items, cart.total_fees);
    $("#total-due").textContent = money(cart.total_fees);
    const chosen = form.elements.payment_method.value; // the browser may restore a choice
    if (chosen) chooseMethod(chosen);
  } catch (error) {
    clear($("#summary-items"));
    showMessage(message, "error", "Your cart could not be loaded", error.detail || error.message);
  }
}
load();
