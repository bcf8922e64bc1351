import { get } from "../api.js";
import { h, $, clear, params, showMessage, table } from "../dom.js";
import { busy } from "../forms.js";
import { initPage } from "../layout.js";
import { feesDueCell, pendingByPermit, permitLink } from "../permit-links.js";
import { rulesOrNull } from "../rules.js";

await initPage({ page: "search", duty: "permits", title: "Search Permit" });
const form = $("#search-form");
const message = $("#page-message");

async function search(q) {
  const box = clear($("#results"));
  clear(message);
  try {
    const list = await get(`/permits${q ? `?q=${encodeURIComponent(q)}` : ""}`);
    const items = list.items || [];
    $("#results-count").textContent = `${list.total ?? items.length} total record(s)`;
    if (!items.length) return;
    const held = items.some((p) => p.payment_pending_until); // the cart and rules only for a held fee
    const [pending, rules] = await Promise.all([pendingByPermit(items), held ? rulesOrNull() : null]);
    const fees = { timeZone: rules?.county?.time_zone, pending };
    box.append(
      table({
        headers: ["PERMIT NO.", "ADDRESS", "TYPE", "STATUS", "FEES DUE"],
        rows: items.map((p) => [permitLink(p.permit_no), p.address || "", p.type || "", p.status || "", feesDueCell(p, message, fees)]),
        labelledBy: "search-heading",
      }),
    );
  } catch (error) {
    showMessage(message, "error", "The search failed", error.detail || error.message);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = form.elements.q.value.trim();
  history.replaceState(null, "", q ? `?q=${encodeURIComponent(q)}` : "search.html");
  busy($("#search-button"), () => search(q), "SEARCHING…");
});

const initial = params().get("q") || "";
form.elements.q.value = initial;
search(initial);
