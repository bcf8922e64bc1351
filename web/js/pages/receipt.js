import { get, seg } from "../api.js";
import { rulesOrNull } from "../rules.js";
import { h, $, clear, params, showMessage } from "../dom.js";
import { initPage } from "../layout.js";
import { hasReceipt, offerTryAgain, paidButRefunded, paymentDetails, refundDue, showOutcome } from "../payment-view.js";

const session = await initPage({ page: "receipt", duty: "payments", title: "Receipt" });
const paymentId = params().get("payment_id") || "";
$("#receipt-company").textContent = session?.company || "";
$("#print-button").addEventListener("click", () => window.print());

/** "Receipt" only for money approved and applied; anything else is a payment record, never a receipt. */
function heading(payment) {
  if (hasReceipt(payment)) return "Receipt";
  if (paidButRefunded(payment)) return "Payment to be refunded";
  return `Payment record: ${String(payment.status || "").toLowerCase()}`;
}

/** Who the county is (GET /meta/rules county: COUNTY_NAME, COUNTY_ADDRESS), as a receipt prints it. */
function showCounty(county) {
  const box = clear($("#receipt-county"));
  if (!county?.name) return;
  box.append(h("strong", {}, county.name));
  for (const line of county.address || []) box.append(h("br"), line);
}

async function load() {
  const box = clear($("#payment"));
  try {
    const [payment, rules, profile] = await Promise.all([
      get(`/payments/${seg(paymentId)}`),
      rulesOrNull(),
      get("/profile").catch(() => null), // the licence only adds a line: the payment still shows without it
    ]);
    const receipt = hasReceipt(payment);
    const title = heading(payment);
    $("#receipt-heading").textContent = title;
    document.title = `${title} | Contractor Permit Portal`;
    showCounty(rules?.county);
    if (profile?.company_name) $("#receipt-company").textContent = profile.company_name;
    $("#receipt-license").textContent = profile?.license_no || "";
    $("#print-button").textContent = receipt ? "PRINT RECEIPT" : "PRINT RECORD";
    // A plain paid receipt needs no banner; anything else says what it means and what happens next.
    if (payment.status !== "PAID" || refundDue(payment)) showOutcome($("#page-message"), payment);
    box.append(paymentDetails(payment, "receipt-heading", rules, { receipt }));
    offerTryAgain($("#try-again"), payment, $("#retry-message"));
  } catch (error) {
    showMessage($("#page-message"), "error", "The payment could not be loaded", error.detail || error.message);
  }
}
load();
