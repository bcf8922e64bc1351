import { get, post } from "../api.js";
import { h, $, clear, showMessage, table } from "../dom.js";
import { busy } from "../forms.js";
import { isPositive, money } from "../format.js";
import { initPage } from "../layout.js";
import { permitLink } from "../permit-links.js";

await initPage({ page: "pay-all", duty: "payments", title: "Pay All Fees" });
const message = $("#page-message");

async function load() {
  const box = clear($("#permits-due"));
  try {
    const data = await get("/dashboard");
    const rows = [...(data.active_permits?.items || []), ...(data.expired_permits?.items || [])].filter((p) => isPositive(p.fees_due));
    if (!rows.length) {
      box.append(h("p", { class: "portal-empty" }, "You have no fees due."));
      $("#pay-all-button").hidden = true;
      return;
    }
    box.append(table({ headers: ["PERMIT NO.", "ADDRESS", "STATUS", "FEES DUE"], rows: rows.map((p) => [permitLink(p.permit_no), p.address || "", p.status || "", h("span", { class: "portal-money" }, money(p.fees_due))]), labelledBy: "pay-all-heading" }));
  } catch (error) {
    showMessage(message, "error", "Your fees could not be loaded", error.detail || error.message);
  }
}

$("#pay-all-button").addEventListener("click", (event) =>
  busy(event.currentTarget, async () => {
    try {
      const cart = await post("/cart/pay-all", {});
      if (!cart.items?.length) {
        showMessage(message, "info", null, "You have no fees due.");
        return;
      }
      location.assign("checkout.html");
    } catch (error) {
      showMessage(message, "error", "Your fees could not be added to the cart", error.detail || error.message);
    }
  }),
);
load();
