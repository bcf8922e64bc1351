// Search Property (the guide's Properties ▶ Search Property): the county's parcels by address or parcel
// number, GET /properties?q= (the API normalises what is typed: "1968 E Dodd Road" finds 1968 E DODD RD).
import { get } from "../api.js";
import { h, $, clear, params, showMessage, table } from "../dom.js";
import { busy, clearErrors, showErrors } from "../forms.js";
import { initPage } from "../layout.js";

await initPage({ page: "properties", duty: "permits", title: "Search Property" });
const form = $("#search-form");
const message = $("#page-message");
let rows = [];
let cursor = null;
let asked = "";

function propertyLink(p) {
  return h("a", { class: "usa-link portal-permit-link", href: `property.html?parcel_no=${encodeURIComponent(p.parcel_no)}` }, p.parcel_no);
}

function mapLink(p) {
  // The accessible name starts with the visible words (WCAG 2.5.3) and says which parcel.
  return h("a", { class: "usa-link", href: `map.html?parcel=${encodeURIComponent(p.parcel_no)}`, "aria-label": `View on Map: ${p.parcel_no}` }, "View on Map");
}

function draw() {
  const box = clear($("#results"));
  if (!rows.length) return;
  box.append(table({
    headers: ["PARCEL NO.", "ADDRESS", "CITY", "ZIP", "MAP"],
    rows: rows.map((p) => [propertyLink(p), p.address || "", p.city || "", p.zip || "", mapLink(p)]),
    labelledBy: "search-heading",
    id: "properties-table",
  }));
}

function drawMore() {
  const more = clear($("#more"));
  if (!cursor) return;
  const button = h("button", { type: "button", class: "usa-button usa-button--outline" }, "Show more");
  button.addEventListener("click", () => busy(button, () => search(asked, cursor), "Loading more…"));
  more.append(button);
}

async function search(q, after = null) {
  clear(message);
  clearErrors(form);
  if (!after) {
    rows = [];
    clear($("#results"));
    $("#results-count").textContent = "";
  }
  if (!q) {
    cursor = null;
    drawMore();
    return;
  }
  try {
    const list = await get(`/properties?q=${encodeURIComponent(q)}${after ? `&cursor=${encodeURIComponent(after)}` : ""}`);
    rows = [...rows, ...(list.items || [])];
    cursor = list.next_cursor || null;
    asked = q;
    const n = rows.length;
    $("#results-count").textContent = n
      ? `${n.toLocaleString("en-US")} ${n === 1 ? "property" : "properties"}${cursor ? " so far" : ""}`
      : `No property matches “${q}”.`;
    draw();
    drawMore();
  } catch (error) {
    if (error.status === 400) showErrors(form, { ...error, errors: error.errors?.length ? error.errors : [{ field: "q", message: error.detail || error.message }] });
    else showMessage(message, "error", "The search failed", error.detail || error.message);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = form.elements.q.value.trim();
  history.replaceState(null, "", q ? `?q=${encodeURIComponent(q)}` : "properties.html");
  busy($("#search-button"), () => search(q), "SEARCHING…");
});

const initial = params().get("q") || "";
form.elements.q.value = initial;
search(initial);
