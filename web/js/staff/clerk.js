// Pieces the clerk's pages share: record links, the permit rows table, a summary list, the PIN
// letter (written by the server, printed here), paging with "More" and the note for a route the
// API does not answer yet. Shapes: docs/back-office.md.
import { problemSlug } from "../api.js";
import { h, $, clear, table } from "../dom.js";
import { date, money } from "../format.js";

/** The page's own query parameter, under either of its names (permit.html?no= or ?permit_no=). */
export function param(...names) {
  const query = new URLSearchParams(location.search);
  for (const name of names) {
    const value = (query.get(name) || "").trim();
    if (value) return value;
  }
  return "";
}

export const permitHref = (no) => `permit.html?no=${encodeURIComponent(no)}`;
export const contractorHref = (id) => `contractor.html?id=${encodeURIComponent(id)}`;
export const paymentHref = (id) => `payment.html?payment_id=${encodeURIComponent(id)}`;

export function permitLink(no) {
  return h("a", { class: "usa-link portal-permit-link", href: permitHref(no) }, no);
}

/** A <dl> of [term, value] rows; an empty value reads "—". */
export function summaryList(rows) {
  const dl = h("dl", { class: "portal-summary" });
  for (const [term, value] of rows) {
    dl.append(h("div", { class: "portal-summary__row" }, h("dt", {}, term), h("dd", {}, value === "" || value == null ? "—" : value)));
  }
  return dl;
}

/** Permit rows (GET /staff/permits, a contractor's permits, awaiting issue) as one table. */
export function permitTable(rows, { caption, labelledBy, company = true } = {}) {
  const headers = ["Permit", "Address", "Type", "Status", ...(company ? ["Company"] : []), "Fees due", "Expires"];
  return table({
    caption,
    labelledBy,
    headers,
    rows: rows.map((p) => [
      permitLink(p.permit_no),
      p.address || "",
      p.type || "",
      p.expired ? `${p.status} (expired)` : p.status || "",
      ...(company ? [p.contractor_id ? h("a", { class: "usa-link", href: contractorHref(p.contractor_id) }, p.company_name || p.contractor_id) : p.company_name || ""] : []),
      h("span", { class: "portal-money" }, money(p.fees_due)),
      date(p.expires_date) || "—",
    ]),
  });
}

/**
 * A route the API does not have (yet): 404 or 405 without a problem type of its own, or the 403
 * an API gateway answers for an unknown path (no problem type). A refusal always has its slug.
 */
export function notBuiltYet(error) {
  return [403, 404, 405].includes(error?.status) && !problemSlug(error);
}

/**
 * The PIN letter as the server wrote it ({subject, body}), in a region the print stylesheet
 * (css/staff-letter-print.css) keeps alone on paper, with a "Print PIN letter" button.
 */
export function pinLetter(letter) {
  if (!letter || (!letter.subject && !letter.body)) return null;
  const paper = h("article", { class: "staff-letter", id: "pin-letter", "aria-labelledby": "pin-letter-subject" },
    h("h2", { class: "staff-letter__subject", id: "pin-letter-subject" }, letter.subject || "Your PIN"),
    ...String(letter.body || "").split(/\n{2,}/).map((para) => h("p", { class: "staff-letter__para" }, para)));
  const print = h("button", { type: "button", class: "usa-button usa-button--outline" }, "Print PIN letter");
  print.addEventListener("click", () => window.print());
  return h("div", { class: "staff-letter-wrap" }, h("div", { class: "portal-actions" }, print), paper);
}

/** Put a printable letter into the page; only one is on the page at a time (the newest PIN's). */
export function showLetter(slot, letter) {
  const old = $("#pin-letter");
  if (old) old.closest(".staff-letter-wrap")?.remove();
  clear(slot);
  const made = pinLetter(letter);
  if (made) slot.append(made);
  return made;
}

/** A "More" button for a paged list ({items, next_cursor}): loadPage(cursor) appends the next page. */
export function moreButton(slot, nextCursor, loadPage, label = "Show more") {
  clear(slot);
  if (!nextCursor) return;
  const button = h("button", { type: "button", class: "usa-button usa-button--outline" }, label);
  button.addEventListener("click", () => loadPage(nextCursor));
  slot.append(button);
}
