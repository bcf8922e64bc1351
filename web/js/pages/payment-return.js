import { get, seg } from "../api.js";
import { rulesOrNull } from "../rules.js";
import { h, $, clear, params, showMessage } from "../dom.js";
import { initPage } from "../layout.js";
import { hasReceipt, offerTryAgain, paidButRefunded, paymentDetails, paymentOutcome, showOutcome } from "../payment-view.js";

await initPage({ page: "payment-return", duty: "payments", title: "Payment result" });
const paymentId = params().get("payment_id") || "";
const message = $("#page-message");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function load() {
  const box = clear($("#payment"));
  try {
    const rules = rulesOrNull();
    let payment = await get(`/payments/${seg(paymentId)}`);
    // The provider's callback may land a moment after the redirect.
    for (let i = 0; i < 10 && payment.status === "PENDING"; i += 1) {
      await sleep(500);
      payment = await get(`/payments/${seg(paymentId)}`);
    }
    const [, heading] = paymentOutcome(payment);
    const title = $("#result-heading");
    title.textContent = heading;
    document.title = `${heading} | Contractor Permit Portal`;
    showOutcome(message, payment, { withHeading: false });
    box.append(paymentDetails(payment, "result-heading", await rules));
    offerTryAgain($("#try-again"), payment, $("#retry-message"));
    // A receipt only for an approved payment (receipt_available); money received and being refunded
    // gets a printable record; a declined, cancelled or expired payment took nothing and gets neither.
    // (Made here, not hidden in the page: .usa-button's display would show a [hidden] link.)
    if (hasReceipt(payment) || paidButRefunded(payment)) {
      clear($("#receipt-slot")).append(h("a", { class: "usa-button usa-button--outline", id: "receipt-link",
        href: `receipt.html?payment_id=${encodeURIComponent(payment.payment_id)}` },
        hasReceipt(payment) ? "PRINTABLE RECEIPT" : "PRINTABLE RECORD"));
    }
    // Back from the payment portal the page starts at the body; the outcome is what the person came for
    // (after the outcome's alert, which would otherwise take focus for a declined payment).
    title.focus();
  } catch (error) {
    showMessage(message, "error", "The payment could not be loaded", error.detail || error.message);
  }
}
load();
