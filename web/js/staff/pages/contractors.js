// Contractors: search by the start of a company name or a license number (GET /staff/contractors?q=),
// and register one (POST /staff/contractors): its PIN shown once, with the server's PIN letter to print.
import { get, post } from "../../api.js";
import { h, $, clear, showMessage, table } from "../../dom.js";
import { busy, clearErrors, requireFields, showErrors, values } from "../../forms.js";
import { initStaffPage } from "../layout.js";
import { contractorHref, moreButton, notBuiltYet, showLetter, summaryList } from "../clerk.js";

await initStaffPage({ page: "contractors", duty: "contractors", title: "Contractors" });
const searchForm = $("#search-form");
const results = $("#results");
const more = $("#results-more");
const registerForm = $("#register-form");
const registered = $("#registered");
let rows = [];

function resultsTable() {
  return table({
    caption: "Contractors found",
    labelledBy: "results-caption",
    headers: ["Company", "License", "E-mail", "Phone", "Set-up"],
    rows: rows.map((c) => [
      h("a", { class: "usa-link", href: contractorHref(c.contractor_id) }, c.company_name || c.contractor_id),
      c.license_no || "", c.email || "", c.phone || "", c.setup_done ? "Done" : "Not yet",
    ]),
  });
}

async function search(q, cursor = null) {
  const query = new URLSearchParams({ limit: "50" });
  if (q) query.set("q", q);
  if (cursor) query.set("cursor", cursor);
  const page = await get(`/staff/contractors?${query}`);
  rows = cursor ? [...rows, ...(page.items || [])] : page.items || [];
  clear(results);
  results.append(h("p", { class: "portal-count", id: "results-caption" },
    rows.length === 1 ? "1 contractor" : `${rows.length} contractors`, page.next_cursor ? " so far" : "", q ? ` matching “${q}”` : ""));
  if (rows.length) results.append(resultsTable());
  else results.append(h("p", { class: "portal-empty" }, "No contractor matches. Check the spelling, or register the company below."));
  moreButton(more, page.next_cursor, (next) => busy($("button", more), () => search(q, next), "Loading…"), "Show more contractors");
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(searchForm);
  const q = values(searchForm).q || "";
  busy($("#search-button"), async () => {
    try {
      await search(q);
    } catch (error) {
      clear(results);
      clear(more);
      if (notBuiltYet(error)) showErrors(searchForm, { detail: "Searching contractors is not available on this portal yet." });
      else showErrors(searchForm, error, { fallback: "The search could not be made." });
    }
  }, "Searching…");
});

const LABELS = { company_name: "Company name", license_no: "License number", email: "E-mail" };

function showRegistered(answer, company) {
  clear(registered);
  const box = h("div", { class: "usa-alert usa-alert--success", role: "status" }, h("div", { class: "usa-alert__body" },
    h("h3", { class: "usa-alert__heading" }, `${company} is registered`),
    h("p", { class: "usa-alert__text" }, "This PIN is shown only once. Give it to the contractor with the letter below; they choose a password when they first sign in.")));
  registered.append(box, summaryList([
    ["Contractor", h("a", { class: "usa-link", href: contractorHref(answer.contractor_id) }, answer.contractor_id)],
    ["PIN", h("span", { class: "staff-pin" }, answer.pin)],
  ]));
  const letterSlot = h("div", {});
  registered.append(letterSlot);
  if (!showLetter(letterSlot, answer.letter)) {
    letterSlot.append(h("p", { class: "portal-empty" }, "The portal sent no PIN letter to print: give the contractor the PIN above."));
  }
  registered.setAttribute("tabindex", "-1");
  registered.focus();
}

registerForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(registerForm, Object.keys(LABELS), LABELS)) return;
  const body = values(registerForm);
  busy($("#register-button"), async () => {
    try {
      const answer = await post("/staff/contractors", body);
      clearErrors(registerForm);
      registerForm.reset();
      showRegistered(answer, body.company_name.toUpperCase());
    } catch (error) {
      showErrors(registerForm, error, { fallback: "The contractor was not registered." });
    }
  }, "Registering…");
});

// The whole list on arrival, so the page is useful before anything is typed.
(async () => {
  try {
    await search("");
  } catch (error) {
    if (notBuiltYet(error)) results.append(h("p", { class: "portal-empty" }, "Searching contractors is not available on this portal yet."));
    else showMessage($("#page-message"), "error", "Contractors could not be listed", error.detail || error.message);
  }
})();
