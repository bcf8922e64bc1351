import { get } from "../api.js";
import { rulesOrNull } from "../rules.js";
import { h, $, clear, showMessage, table } from "../dom.js";
import { countyTimestamp, money, paymentMethod } from "../format.js";
import { initPage } from "../layout.js";
import { hasReceipt, statusText } from "../payment-view.js";

await initPage({ page: "paid-items", duty: "payments", title: "Paid Items" });

async function load() {
  const box = clear($("#payments"));
  try {
    const [list, rules] = await Promise.all([get("/payments"), rulesOrNull()]);
    const items = list.items || [];
    $("#paid-count").textContent = `${list.total ?? items.length} total record(s)`;
    if (!items.length) {
      box.append(h("p", { class: "portal-empty" }, "You have no payments yet."));
      return;
    }
    box.append(
      table({
        headers: ["DATE", "PERMITS", "PAYMENT TYPE", "TOTAL", "STATUS", "RECEIPT"],
        rows: items.map((p) => [
          countyTimestamp(p.paid_at || p.created_at, rules?.county?.time_zone),
          (p.items || []).map((i) => i.permit_no).join(", "),
          paymentMethod(p.payment_method, rules?.payment_methods),
          h("span", { class: "portal-money" }, money(p.total_due)),
          statusText(p),
          receiptLink(p, rules?.county?.time_zone),
        ]),
        labelledBy: "paid-heading",
        id: "payments-table",
      }),
    );
  } catch (error) {
    showMessage($("#page-message"), "error", "Your payments could not be loaded", error.detail || error.message);
  }
}
load();

// "Receipt" only where the API says there is one (receipt_available); otherwise the payment's details.
// The accessible name starts with the link's visible word (WCAG 2.5.3, axe label-content-name-mismatch).
function receiptLink(p, timeZone) {
  const text = hasReceipt(p) ? "Receipt" : "Details";
  return h("a", { class: "usa-link", href: `receipt.html?payment_id=${encodeURIComponent(p.payment_id)}`,
    "aria-label": `${text} of the payment of ${money(p.total_due)} on ${countyTimestamp(p.paid_at || p.created_at, timeZone)}` }, text);
}
