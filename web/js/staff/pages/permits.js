// Permits: search by number, the start of an address, or status (GET /staff/permits?q=&status=), and
// create one (POST /staff/permits) with one or more fee lines, each then POST .../fees. A fee the API
// refuses stays in the form beside its message; the permit already made is not made twice.
import { get, post, seg } from "../../api.js";
import { h, $, $$, clear, showMessage } from "../../dom.js";
import { busy, clearErrors, fieldError, requireFields, showErrors, values } from "../../forms.js";
import { rulesOrNull } from "../../rules.js";
import { initStaffPage, may } from "../layout.js";
import { moreButton, notBuiltYet, param, permitHref, permitTable } from "../clerk.js";

const me = await initStaffPage({ page: "permits", duty: "view-permits", title: "Permits" });
const searchForm = $("#search-form");
const results = $("#results");
const more = $("#results-more");
const createForm = $("#create-form");
const feeLines = $("#fee-lines");
let rows = [];
let created = null; // the permit this form already made, while some of its fees are still to add
let lineCount = 0;

// Status and type lists: the API's, when GET /meta/rules gives them.
rulesOrNull().then((all) => {
  const fill = (select, list) => {
    if (!Array.isArray(list) || !list.length) return;
    const keep = [...select.options].filter((o) => o.value === "");
    clear(select).append(...keep, ...list.map((v) => h("option", {}, v)));
  };
  for (const select of $$("select[data-statuses]")) fill(select, all?.permits?.statuses);
  for (const select of $$("select[data-types]")) fill(select, all?.permits?.types);
});

async function search(q, status, cursor = null) {
  const query = new URLSearchParams({ limit: "50" });
  if (q) query.set("q", q);
  if (status) query.set("status", status);
  if (cursor) query.set("cursor", cursor);
  const page = await get(`/staff/permits?${query}`);
  rows = cursor ? [...rows, ...(page.items || [])] : page.items || [];
  clear(results);
  const what = [q ? `matching “${q}”` : "", status ? `in ${status}` : ""].filter(Boolean).join(" ");
  results.append(h("p", { class: "portal-count", id: "results-caption" },
    rows.length === 1 ? "1 permit" : `${rows.length} permits`, page.next_cursor ? " so far" : "", what ? ` ${what}` : ""));
  if (rows.length) results.append(permitTable(rows, { caption: "Permits found", labelledBy: "results-caption" }));
  else results.append(h("p", { class: "portal-empty" }, "No permit matches."));
  moreButton(more, page.next_cursor, (next) => busy($("button", more), () => search(q, status, next), "Loading…"), "Show more permits");
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(searchForm);
  const { q = "", status = "" } = values(searchForm);
  busy($("#search-button"), async () => {
    try {
      await search(q, status);
    } catch (error) {
      clear(results);
      clear(more);
      if (notBuiltYet(error)) showErrors(searchForm, { detail: "Searching permits is not available on this portal yet." });
      else showErrors(searchForm, error, { fallback: "The search could not be made." });
    }
  }, "Searching…");
});

// --- create a permit with its fees ------------------------------------------------------------

function renumber() {
  const lines = $$(".staff-fee-line", feeLines);
  lines.forEach((line, i) => {
    $("legend", line).textContent = `Fee ${i + 1}`;
    const remove = $(".staff-remove-fee", line);
    remove.hidden = lines.length === 1;
    remove.textContent = `Remove fee ${i + 1}`;
  });
}

function addFeeLine() {
  lineCount += 1;
  const n = lineCount;
  const remove = h("button", { type: "button", class: "usa-button usa-button--unstyled staff-remove-fee" }, "Remove");
  const line = h("fieldset", { class: "usa-fieldset staff-fee-line", dataset: { line: String(n) } },
    h("legend", {}, "Fee"),
    h("div", { class: "usa-form-group" },
      h("label", { class: "usa-label", for: `fee_description_${n}` }, "Fee description"),
      h("input", { class: "usa-input", id: `fee_description_${n}`, name: `fee_description_${n}`, autocomplete: "off" })),
    h("div", { class: "usa-form-group" },
      h("label", { class: "usa-label", for: `fee_amount_${n}` }, "Amount"),
      h("span", { class: "usa-hint", id: `fee_amount_${n}-hint` }, "Dollars and cents, e.g. 65.00"),
      h("input", { class: "usa-input usa-input--medium", id: `fee_amount_${n}`, name: `fee_amount_${n}`, inputmode: "decimal",
        autocomplete: "off", "aria-describedby": `fee_amount_${n}-hint` })),
    remove);
  remove.addEventListener("click", () => {
    line.remove();
    renumber();
    $("#add-fee-line").focus();
  });
  feeLines.append(line);
  renumber();
  return line;
}

$("#add-fee-line").addEventListener("click", () => $("input", addFeeLine()).focus());
addFeeLine();

const prefill = param("contractor_id");
if (prefill) createForm.elements.contractor_id.value = prefill;
if (!may(me, "permits")) $("#create-section").hidden = true;
else if (prefill) $("#create-heading").focus();

const LABELS = { contractor_id: "Contractor ID", address: "Address", type: "Type", status: "Status" };

function feeInputs() {
  return $$(".staff-fee-line", feeLines).map((line) => {
    const n = line.dataset.line;
    return { line, n, description: createForm.elements[`fee_description_${n}`].value.trim(), amount: createForm.elements[`fee_amount_${n}`].value.trim() };
  });
}

function checkFees(fees) {
  let first = null;
  for (const fee of fees) {
    if (!fee.description) first ??= fieldError(createForm, `fee_description_${fee.n}`, "Fee description is required.");
    if (!fee.amount) first ??= fieldError(createForm, `fee_amount_${fee.n}`, "Amount is required.");
  }
  if (first) first.focus();
  return !first;
}

function lockPermitFields() {
  for (const name of Object.keys(LABELS).concat("description")) createForm.elements[name].disabled = true;
}

createForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!created && !requireFields(createForm, Object.keys(LABELS), LABELS)) return;
  clearErrors(createForm);
  const fees = feeInputs();
  if (!checkFees(fees)) return;
  busy($("#create-button"), async () => {
    if (!created) {
      const v = values(createForm);
      const body = { contractor_id: v.contractor_id, address: v.address, type: v.type, status: v.status };
      if (v.description) body.description = v.description;
      try {
        created = (await post("/staff/permits", body)).permit_no;
      } catch (error) {
        showErrors(createForm, error, { fallback: "The permit was not created." });
        return;
      }
      lockPermitFields();
    }
    for (const fee of fees) {
      try {
        await post(`/staff/permits/${seg(created)}/fees`, { description: fee.description, amount: fee.amount });
        fee.line.remove();
      } catch (error) {
        renumber();
        showErrors(createForm, error, {
          fieldMap: { description: `fee_description_${fee.n}`, amount: `fee_amount_${fee.n}` },
          fallback: "This fee was not added.",
        });
        showMessage($("#page-message"), "warning", `Permit ${created} was created`,
          "Not every fee was added: correct the fee shown and choose “Add the remaining fees”.");
        return;
      }
    }
    location.assign(`${permitHref(created)}&created=1`);
  }, "Creating…").then(() => {
    // The permit exists: the button now only adds the fees still in the form.
    if (created) $("#create-button").textContent = "Add the remaining fees";
  });
});
