// Today: the day's work from GET /staff/today — inspections by address, permits whose fees are paid
// and wait to be issued, payments whose refund is required, and the unread notices. The server
// leaves out a section the role may not see; so does this page.
import { get } from "../../api.js";
import { h, $, clear, showMessage, table } from "../../dom.js";
import { date, money, timeWindow, timestamp } from "../../format.js";
import { initStaffPage } from "../layout.js";
import { notBuiltYet, paymentHref, permitLink, permitTable } from "../clerk.js";

const me = await initStaffPage({ page: "today", title: "Today" });
const slot = $("#today");
const message = $("#page-message");

function section(id, title, count, body) {
  const heading = h("h2", { class: "portal-table-heading", id: `${id}-heading` }, title,
    count === null ? null : h("span", { class: "portal-count" }, `(${count})`));
  return h("section", { class: "portal-section", id, "aria-labelledby": `${id}-heading` }, heading, body);
}

const empty = (text) => h("p", { class: "portal-empty" }, text);

function inspections(items) {
  if (!items.length) return empty("No inspections are scheduled for today.");
  return table({
    caption: "Today's inspections, by address, then time window",
    labelledBy: "inspections-heading",
    headers: ["Address", "Time", "Inspection", "Permit", "Company", "Status"],
    rows: items.map((i) => [i.address || "", timeWindow(i.time_window), i.inspection_type || "", permitLink(i.permit_no),
      i.company_name || "", i.status || ""]),
  });
}

function awaiting(items) {
  if (!items.length) return empty("No permit is waiting to be issued.");
  return permitTable(items, { caption: "Permits ready to issue with nothing due", labelledBy: "awaiting-heading" });
}

function refunds(items) {
  if (!items.length) return empty("No payment needs a refund.");
  return table({
    caption: "Payments whose refund is required",
    labelledBy: "refunds-heading",
    headers: ["Receipt", "Company", "Refund", "Permits", "Paid"],
    rows: items.map((p) => [
      h("a", { class: "usa-link", href: paymentHref(p.payment_id) }, p.receipt_no || p.payment_id),
      p.company_name || "",
      h("span", { class: "portal-money" }, money(p.refund_amount ?? p.total_due)),
      (p.permit_nos || []).join(", "),
      timestamp(p.paid_at || p.created_at),
    ]),
  });
}

async function load() {
  clear(slot);
  let today;
  try {
    today = await get("/staff/today");
  } catch (error) {
    const text = notBuiltYet(error) ? "Today's work list is not available on this portal yet." : error.detail || error.message;
    showMessage(message, notBuiltYet(error) ? "info" : "error", "Today's work could not be loaded", text);
    slot.append(h("p", {}, `Welcome, ${me.name || me.username}.`));
    return;
  }
  $("#today-date").textContent = today.date ? `Work for ${date(today.date)}` : "";
  if (Number.isInteger(today.unread_notices)) {
    const n = today.unread_notices;
    slot.append(h("p", { class: "staff-notices-count" }, h("a", { class: "usa-link", href: "notices.html" },
      n === 1 ? "1 unread notice" : `${n} unread notices`)));
  }
  if (Array.isArray(today.inspections)) slot.append(section("inspections", "Inspections today", today.inspections.length, inspections(today.inspections)));
  if (Array.isArray(today.awaiting_issue)) slot.append(section("awaiting", "Fees paid, awaiting issue", today.awaiting_issue.length, awaiting(today.awaiting_issue)));
  if (Array.isArray(today.refunds_required)) slot.append(section("refunds", "Refunds required", today.refunds_required.length, refunds(today.refunds_required)));
}

load();
