// The standard permit table (PERMIT NO., ADDRESS, TYPE, STATUS, FEES DUE) of a project's or a
// property's permits: the same links and FEES DUE cells as Search Permit.
import { h, table } from "./dom.js";
import { feesDueCell, pendingByPermit, permitLink } from "./permit-links.js";
import { rulesOrNull } from "./rules.js";

export async function permitTable(permits, { labelledBy, id, message, empty = "No permits." }) {
  if (!permits?.length) return h("p", { class: "portal-empty" }, empty);
  const held = permits.some((p) => p.payment_pending_until);
  const [pending, rules] = await Promise.all([pendingByPermit(permits), held ? rulesOrNull() : null]);
  const fees = { timeZone: rules?.county?.time_zone, pending };
  return table({
    headers: ["PERMIT NO.", "ADDRESS", "TYPE", "STATUS", "FEES DUE"],
    rows: permits.map((p) => [permitLink(p.permit_no), p.address || "", p.type || "", p.status || "", feesDueCell(p, message, fees)]),
    labelledBy,
    id,
  });
}

/** A summary list (term, value) as the permit page draws it. */
export function summaryList(rows) {
  const dl = h("dl", { class: "portal-summary" });
  for (const [term, value] of rows) {
    dl.append(h("div", { class: "portal-summary__row" }, h("dt", {}, term), h("dd", {}, value === "" || value == null ? "—" : value)));
  }
  return dl;
}
