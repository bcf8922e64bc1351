// The day's inspections (GET /staff/inspections?date=), by address and time window, each with the
// form an inspector uses on a phone: record the result (POST …/result) or, once recorded, correct it
// (POST …/correction, kept in the inspection's history). The results offered are the API's
// (GET /meta/rules inspections.results); a refusal (e.g. a day still ahead) is shown beside the form.
import { get, post, seg } from "../../api.js";
import { h, $, append, clear, params, showMessage } from "../../dom.js";
import { busy, requireFields, showErrors, values } from "../../forms.js";
import { countyTimestamp, date, timeWindow } from "../../format.js";
import { rulesOrNull } from "../../rules.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "inspections", duty: "inspections", title: "Inspections" });
const message = $("#page-message");
const box = $("#inspections");
const rules = await rulesOrNull();
const RESULTS = rules?.inspections?.results || [];
const zone = rules?.county?.time_zone || rules?.time_zone;

function row(term, value) {
  if (value === null || value === undefined || value === "") return null;
  return h("div", { class: "portal-summary__row" }, h("dt", {}, term), h("dd", {}, value));
}

function resultSelect(id, label, current = "") {
  const select = h("select", { class: "usa-select", id, name: "result", required: true },
    h("option", { value: "" }, "- Select -"),
    RESULTS.map((r) => h("option", { value: r, selected: r === current ? true : null }, r)));
  return h("div", { class: "usa-form-group" }, h("label", { class: "usa-label", for: id }, label), select);
}

function notesField(id, label, hint) {
  const hintId = hint ? `${id}-hint` : null;
  return h("div", { class: "usa-form-group" }, h("label", { class: "usa-label", for: id }, label),
    hint ? h("span", { class: "usa-hint", id: hintId }, hint) : null,
    h("textarea", { class: "usa-textarea staff-notes", id, name: "notes", rows: "3", "aria-describedby": hintId }));
}

function history(inspection) {
  const earlier = Array.isArray(inspection.history) ? inspection.history : [];
  if (!earlier.length) return null;
  const id = `history-${inspection.inspection_id}`;
  return h("div", { class: "staff-history" },
    h("h4", { id, class: "staff-card__subheading" }, "Earlier results"),
    h("ol", { class: "usa-list", "aria-labelledby": id }, earlier.map((e) => h("li", {},
      h("strong", {}, e.result), e.notes ? ` — ${e.notes}` : "",
      h("span", { class: "staff-history__when" },
        ` (recorded ${countyTimestamp(e.recorded_at, zone)}${e.recorded_by ? ` by ${e.recorded_by}` : ""})`)))));
}

/** Send a result form; on success the card is drawn again with the answer and says what happened. */
function wire(form, card, inspection, path, done) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!requireFields(form, ["result"], { result: "The result" })) return;
    const button = $("button[type=submit]", form);
    busy(button, async () => {
      try {
        const body = values(form);
        const answer = await post(`/staff/inspections/${seg(inspection.inspection_id)}/${path}`,
          { result: body.result, notes: body.notes || "" });
        const updated = { ...inspection, ...answer, address: inspection.address, company_name: inspection.company_name };
        const fresh = inspectionCard(updated);
        card.replaceWith(fresh);
        const area = $(".staff-card__message", fresh);
        showMessage(area, "success", null, done(updated));
        area.firstChild.setAttribute("tabindex", "-1");
        area.firstChild.focus();
      } catch (error) {
        showErrors(form, error);
      }
    }, "Saving…");
  });
}

function recordForm(card, inspection) {
  const id = inspection.inspection_id;
  const form = h("form", { class: "usa-form staff-card__form", novalidate: true, "aria-labelledby": `record-${id}` },
    h("h4", { id: `record-${id}`, class: "staff-card__subheading" }, "Record result"),
    h("div", { class: "form-message" }),
    resultSelect(`result-${id}`, "Result"),
    notesField(`notes-${id}`, "Notes"),
    h("button", { type: "submit", class: "usa-button" }, "Record result"));
  wire(form, card, inspection, "result", (i) => `Recorded ${i.status} for the ${i.inspection_type} inspection at ${i.address}.`);
  return form;
}

function correctionForm(card, inspection) {
  const id = inspection.inspection_id;
  const form = h("form", { class: "usa-form staff-card__form", novalidate: true },
    h("div", { class: "form-message" }),
    resultSelect(`correct-result-${id}`, "Corrected result"),
    notesField(`correct-notes-${id}`, "Notes", "Why the result is corrected, and the inspector's notes. The earlier result is kept."),
    h("button", { type: "submit", class: "usa-button usa-button--outline" }, "Save correction"));
  wire(form, card, inspection, "correction", (i) => `Corrected to ${i.status}; the earlier result is kept in the history.`);
  return h("details", { class: "staff-correct" }, h("summary", {}, "Correct result"), form);
}

function inspectionCard(inspection) {
  const id = inspection.inspection_id;
  const headingId = `inspection-${id}`;
  const scheduled = inspection.status === "SCHEDULED";
  const card = h("article", { class: "staff-card", "aria-labelledby": headingId, dataset: { inspection: id } });
  card.append(
    h("h3", { id: headingId, class: "staff-card__heading" }, inspection.address || inspection.permit_no),
    h("p", { class: "staff-card__when" }, `${timeWindow(inspection.time_window)} · ${inspection.inspection_type}`),
    h("dl", { class: "portal-summary" },
      row("Permit", h("a", { class: "usa-link", href: `permit.html?permit_no=${encodeURIComponent(inspection.permit_no)}` }, inspection.permit_no)),
      row("Company", inspection.company_name),
      row("Date", date(inspection.date)),
      row("Status", inspection.status),
      row("Contractor's notes", inspection.notes),
      scheduled ? null : row("Result notes", inspection.result_notes),
      scheduled ? null : row("Recorded", inspection.resulted_at || inspection.recorded_at
        ? `${countyTimestamp(inspection.resulted_at || inspection.recorded_at, zone)}${inspection.recorded_by ? ` by ${inspection.recorded_by}` : ""}` : null)),
    h("div", { class: "staff-card__message", "aria-live": "polite" }));
  if (!RESULTS.length) {
    card.append(h("p", { class: "portal-empty" }, "The results could not be loaded; reload the page to record one."));
  } else if (scheduled) {
    card.append(recordForm(card, inspection));
  } else if (inspection.status !== "CANCELLED" || inspection.result_notes || inspection.history?.length) {
    append(card, [history(inspection), correctionForm(card, inspection)]);
  }
  return card;
}

async function load() {
  const day = params().get("date") || "";
  clear(message);
  if (!RESULTS.length) showMessage(message, "warning", null, "The inspection results could not be loaded from the portal; reload the page to record results.");
  try {
    const list = await get(`/staff/inspections${day ? `?date=${encodeURIComponent(day)}` : ""}`);
    const items = list.items || [];
    $("#day").value = list.date || day;
    $("#day-heading").textContent = `Inspections on ${date(list.date || day)}`;
    $("#day-count").textContent = `${items.length} inspection${items.length === 1 ? "" : "s"}, by address and time window`;
    clear(box);
    if (!items.length) {
      box.append(h("p", { class: "portal-empty" }, "No inspections on this day."));
      return;
    }
    box.append(h("div", { class: "staff-cards" }, items.map(inspectionCard)));
  } catch (error) {
    clear(box);
    if (day) $("#day").value = day;
    if (error.errors?.some((e) => String(e.field || "").endsWith("date"))) {
      const form = $("#day-form");
      showErrors(form, error, { fieldMap: { date: "date" } });
    } else {
      showMessage(message, "error", "The day's inspections could not be loaded", error.detail || error.message);
    }
  }
}

load();
