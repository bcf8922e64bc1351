import { get, seg } from "../api.js";
import { $, clear, params, showMessage } from "../dom.js";
import { initPage } from "../layout.js";
import { paymentDetails } from "../payment-view.js";

const session = initPage({ page: "receipt", title: "Receipt" });
const paymentId = params().get("payment_id") || "";
$("#receipt-company").textContent = session?.company || "";
$("#print-button").addEventListener("click", () => window.print());

async function load() {
  const box = clear($("#payment"));
  try {
    const payment = await get(`/payments/${seg(paymentId)}`);
    $("#receipt-heading").textContent = payment.status === "PAID" ? "Receipt" : `Payment ${payment.status}`;
    box.append(paymentDetails(payment, "receipt-heading"));
  } catch (error) {
    showMessage($("#page-message"), "error", "The receipt could not be loaded", error.detail || error.message);
  }
}
load();
