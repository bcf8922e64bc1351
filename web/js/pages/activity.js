// Company activity (administrators): who did what, newest first (GET /company/activity), a page at
// a time; "Show more" asks for the next page with the answer's next_cursor.
import { get } from "../api.js";
import { h, $, clear, showMessage } from "../dom.js";
import { busy } from "../forms.js";
import { timestamp } from "../format.js";
import { initPage } from "../layout.js";

await initPage({ page: "activity", duty: "activity", title: "Company activity" });
const box = $("#activity");
const message = $("#page-message");
const HEADERS = ["WHEN", "WHO", "WHAT", "SUBJECT / DETAIL"];
const PAGE = 25;

// The API's action names in words; an action this page does not know reads as its name.
const ACTIONS = {
  payment: "Payment",
  "inspection-requested": "Inspection requested",
  "inspection-cancelled": "Inspection cancelled",
  "profile-changed": "Profile changed",
  "user-invited": "User invited",
  "user-changed": "User changed",
  "user-disabled": "User disabled",
  "user-enabled": "User enabled",
  "invitation-accepted": "Invitation accepted",
};
const actionText = (action) => ACTIONS[action] || String(action || "").replace(/[-_]+/g, " ").replace(/^./, (c) => c.toUpperCase());

let cursor = null;
let body = null; // the table's <tbody>, once drawn

function who(item) {
  if (item.user_name && item.user_email) return h("span", {}, item.user_name, h("br"), item.user_email);
  return item.user_name || item.user_email || "";
}

function row(item) {
  const detail = [item.subject, item.detail].filter(Boolean);
  return h("tr", {},
    h("th", { scope: "row", "data-label": HEADERS[0] }, h("time", { datetime: item.at || null }, timestamp(item.at))),
    h("td", { "data-label": HEADERS[1] }, who(item)),
    h("td", { "data-label": HEADERS[2] }, actionText(item.action)),
    h("td", { "data-label": HEADERS[3] }, detail.length === 2 ? [detail[0], h("br"), detail[1]] : detail[0] || ""));
}

function drawMore() {
  $("#activity-more")?.remove();
  if (!cursor) return;
  const more = h("button", { type: "button", class: "usa-button usa-button--outline portal-more", id: "activity-more" }, "Show more");
  more.addEventListener("click", () => busy(more, load, "Loading more…"));
  box.append(more);
}

async function load() {
  try {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (cursor) query.set("cursor", cursor);
    const page = await get(`/company/activity?${query}`);
    const items = page.items || [];
    if (!body) {
      clear(box);
      if (!items.length) {
        box.append(h("p", { class: "portal-empty" }, "Nothing has happened in your company's account yet."));
        return;
      }
      body = h("tbody");
      box.append(h("div", { class: "portal-table-wrap" },
        h("table", { class: "usa-table usa-table--borderless usa-table--stacked portal-table", id: "activity-table", "aria-labelledby": "activity-heading" },
          h("thead", {}, h("tr", {}, HEADERS.map((text) => h("th", { scope: "col" }, text)))), body)));
    }
    const first = items.length ? row(items[0]) : null;
    body.append(...(first ? [first, ...items.slice(1).map(row)] : []));
    cursor = page.next_cursor || null;
    drawMore();
    // After "Show more", focus goes to the first new row's time, so keyboard users carry on from there.
    if (first && body.rows.length > items.length) {
      const cell = first.firstElementChild;
      cell.setAttribute("tabindex", "-1");
      cell.focus();
    }
  } catch (error) {
    if (!body) clear(box);
    showMessage(message, "error", "The company's activity could not be loaded", error.detail || error.message);
  }
}

load();
