import { get, post, seg } from "../api.js";
import { rulesOrNull } from "../rules.js";
import { h, $, $$, clear, params, showMessage } from "../dom.js";
import { busy } from "../forms.js";
import { money } from "../format.js";
import { initPage } from "../layout.js";
import { paymentDetails } from "../payment-view.js";

await initPage({ page: "sandbox-pay", chrome: "portal", title: "Sandbox payment portal" });
const paymentId = params().get("payment_id") || "";
const message = $("#page-message");
const buttons = $$("#outcome-buttons button");

async function load() {
  const box = clear($("#payment"));
  try {
    const [payment, rules] = await Promise.all([get(`/payments/${seg(paymentId)}`), rulesOrNull()]);
    box.append(h("p", { class: "portal-amount" }, "Amount to pay: ", h("strong", { id: "amount" }, money(payment.total_due))));
    box.append(paymentDetails(payment, "pay-heading", rules));
    if (payment.status === "PENDING") $("#outcome-buttons").hidden = false;
    else showMessage(message, "info", null, `This payment is already ${payment.status}.`);
  } catch (error) {
    showMessage(message, "error", "The payment could not be loaded", error.detail || error.message);
  }
}

for (const button of buttons) {
  button.addEventListener("click", () =>
    busy(button, async () => {
      for (const other of buttons) if (other !== button) other.disabled = true;
      try {
        await post(`/sandbox/payments/${seg(paymentId)}`, { outcome: button.dataset.outcome });
        location.assign(`payment-return.html?payment_id=${encodeURIComponent(paymentId)}`);
        await new Promise(() => {});
      } catch (error) {
        for (const other of buttons) other.disabled = false;
        showMessage(message, "error", "The payment portal could not record your choice", error.detail || error.message);
      }
    }, "Processing…"),
  );
}
load();
