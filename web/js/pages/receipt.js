import { get, seg } from "../api.js";
import { rulesOrNull } from "../rules.js";
import { $, clear, params, showMessage } from "../dom.js";
import { initPage } from "../layout.js";
import { offerTryAgain, paidButRefunded, paymentDetails, refundDue, showOutcome } from "../payment-view.js";

const session = initPage({ page: "receipt", title: "Receipt" });
const paymentId = params().get("payment_id") || "";
$("#receipt-company").textContent = session?.company || "";
$("#print-button").addEventListener("click", () => window.print());

function heading(payment) {
  if (paidButRefunded(payment)) return "Payment to be refunded";
  return payment.status === "PAID" ? "Receipt" : `Payment ${payment.status}`;
}

async function load() {
  const box = clear($("#payment"));
  try {
    const [payment, rules] = await Promise.all([get(`/payments/${seg(paymentId)}`), rulesOrNull()]);
    $("#receipt-heading").textContent = heading(payment);
    document.title = `${heading(payment)} | Contractor Permit Portal`;
    // A plain paid receipt needs no banner; anything else says what it means and what happens next.
    if (payment.status !== "PAID" || refundDue(payment)) showOutcome($("#page-message"), payment);
    box.append(paymentDetails(payment, "receipt-heading", rules));
    offerTryAgain($("#try-again"), payment, $("#retry-message"));
  } catch (error) {
    showMessage($("#page-message"), "error", "The receipt could not be loaded", error.detail || error.message);
  }
}
load();
