import { get, post, problemIs } from "../api.js";
import { rulesOrNull } from "../rules.js";
import { h, $, clear, showMessage } from "../dom.js";
import { busy, clearErrors, fieldError, showErrors } from "../forms.js";
import { money } from "../format.js";
import { cartItemsTable } from "../cart-view.js";
import { initPage } from "../layout.js";

await initPage({ page: "checkout", duty: "payments", title: "Checkout Summary" });
const form = $("#checkout-form");
const message = $("#page-message");
let latest = 0;
let feeLabel = "Convenience fee";

function renderItems(items, totalFees) {
  const box = clear($("#summary-items"));
  box.append(cartItemsTable(items, { labelledBy: "checkout-heading", id: "summary-table" }));
  $("#total-fees").textContent = money(totalFees);
}

function renderEmpty() {
  clear($("#summary-items")).append(h("p", { class: "portal-empty" }, "Your cart is empty. ", h("a", { class: "usa-link", href: "dashboard.html" }, "Select an amount under FEES DUE on your dashboard"), "."));
  form.hidden = true;
}

/** The payment types on offer, as the API's fee schedule labels them (GET /checkout/payment-methods). */
function renderMethods(methods) {
  const box = clear($("#payment-methods"));
  for (const method of methods) {
    const id = `method-${method.payment_method}`;
    const input = h("input", { class: "usa-radio__input", id, type: "radio", name: "payment_method", value: method.payment_method });
    input.addEventListener("change", () => {
      if (input.checked) chooseMethod(input.value);
    });
    box.append(h("div", { class: "usa-radio" }, input, h("label", { class: "usa-radio__label", for: id }, method.label || method.payment_method)));
  }
}

function showFee(label, amount, totalDue) {
  $("#convenience-label").textContent = `${label || feeLabel}:`;
  $("#convenience-fee").textContent = amount;
  $("#total-due").textContent = totalDue;
}

async function chooseMethod(method) {
  const ticket = ++latest;
  clearErrors(form);
  // Never a Total Due that leaves the fee out: both wait for the summary of this choice.
  showFee(null, "Calculating…", "Calculating…");
  try {
    const summary = await get(`/checkout/summary?payment_method=${encodeURIComponent(method)}`);
    if (ticket !== latest) return; // a later choice wins
    renderItems(summary.items || [], summary.total_fees);
    showFee(summary.convenience_fee?.label, money(summary.convenience_fee?.amount), money(summary.total_due));
  } catch (error) {
    if (ticket !== latest) return;
    showFee(null, "", "");
    if (problemIs(error, "cart-empty")) renderEmpty();
    else showErrors(form, error, { fallback: "The summary could not be calculated." });
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const method = form.elements.payment_method?.value;
  if (!method) {
    clearErrors(form);
    const first = fieldError(form, "payment_method", "Choose a payment type.");
    if (first) first.focus();
    else showErrors(form, null, { fallback: "No payment type is available. Please try again later." });
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
  let methods;
  try {
    const [offered, cart, rules] = await Promise.all([get("/checkout/payment-methods", { auth: false }), get("/cart"), rulesOrNull()]);
    methods = offered.items || [];
    feeLabel = offered.convenience_fee_label || rules?.convenience_fee_label || "Convenience fee";
    $("#convenience-label").textContent = `${feeLabel}:`;
    if (!cart.items?.length) return renderEmpty();
    renderItems(cart.items, cart.total_fees);
  } catch (error) {
    clear($("#summary-items"));
    clear($("#payment-methods"));
    showMessage(message, "error", "The Checkout Summary could not be loaded", error.detail || error.message);
    return;
  }
  renderMethods(methods);
  if (!methods.length) {
    showFee(null, "", "");
    showMessage(message, "error", "No payment type is available", "Please try again later or contact Community Development.");
    return;
  }
  // The guide's Checkout Summary opens with the first payment type chosen and its fee shown.
  const first = $('input[name="payment_method"]', form);
  first.checked = true;
  chooseMethod(first.value);
}
// The form stays out of the layout until the fee lines above it are in (aria-busy on main), so
// they do not push it down under the person's eyes (Lighthouse's layout shift).
load().finally(() => $("#main-content").removeAttribute("aria-busy"));
