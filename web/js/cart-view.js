// Cart items as the guide's Checkout Summary shows them: each permit with its fee lines.
import { h, table } from "./dom.js";
import { money } from "./format.js";

export function cartItemsTable(items, { id = "cart-items", labelledBy, removeButton } = {}) {
  const t = h("table", { class: "usa-table usa-table--borderless portal-cart-table", id, "aria-labelledby": labelledBy });
  t.append(h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "PERMIT"), h("th", { scope: "col" }, "FEE"), h("th", { scope: "col", class: "portal-num" }, "AMOUNT"))));
  for (const item of items) {
    const body = h("tbody", { class: "portal-cart-permit" });
    const permitCell = h("th", { scope: "rowgroup", rowspan: String(item.fees.length + 1) }, `PERMIT (${item.permit_no})`, h("br"), h("span", { class: "portal-address" }, item.address || ""));
    if (removeButton) permitCell.append(h("br"), removeButton(item));
    const first = item.fees[0];
    body.append(h("tr", {}, permitCell, h("td", {}, first?.description || ""), h("td", { class: "portal-num" }, first ? money(first.amount) : "")));
    for (const fee of item.fees.slice(1)) {
      body.append(h("tr", {}, h("td", {}, fee.description), h("td", { class: "portal-num" }, money(fee.amount))));
    }
    body.append(h("tr", { class: "portal-subtotal" }, h("td", {}, `Subtotal for ${item.permit_no}`), h("td", { class: "portal-num" }, money(item.subtotal))));
    t.append(body);
  }
  return h("div", { class: "usa-table-container--scrollable", tabindex: "0", role: "region", "aria-labelledby": labelledBy }, t);
}

export { table };
