// One permit for staff (GET /staff/permits/{no}): its summary; issue (POST .../issue, refused with
// the reason beside the button while fees are due) and status moves (POST .../status); its fees, with
// add, void and adjust for the roles that may; its inspections and scheduling one; its timeline; and
// the audit trail of this permit. Every refusal is the API's problem, shown beside its action.
import { get, post, seg } from "../../api.js";
import { alertBox, h, $, $$, clear, showMessage, table } from "../../dom.js";
import { busy, clearErrors, requireFields, showErrors, values } from "../../forms.js";
import { date, money, timeWindow, timestamp } from "../../format.js";
import { rulesOrNull } from "../../rules.js";
import { initStaffPage, may } from "../layout.js";
import { contractorHref, notBuiltYet, param, summaryList } from "../clerk.js";

const me = await initStaffPage({ page: "permits", duty: "view-permits", title: "Permit" });
const permitNo = param("no", "permit_no");
const base = `/staff/permits/${seg(permitNo)}`;
const message = $("#page-message");
const issueRefusal = $("#issue-refusal");
const forms = {
  status: $("#status-form"), fee: $("#fee-form"), void: $("#void-form"), adjust: $("#adjust-form"), schedule: $("#schedule-form"),
};
let permit = null;

// What each part needs (docs/back-office.md duties); the page shows only the parts this role may use.
$("#lifecycle-section").hidden = !may(me, "permits");
forms.fee.hidden = !may(me, "fees");
forms.void.hidden = !may(me, "voids");
forms.adjust.hidden = !may(me, "voids");
forms.schedule.hidden = !may(me, "inspections");
if (may(me, "audit") && permitNo) {
  const link = $("#audit-link");
  link.append(h("a", { class: "usa-link", href: `audit.html?subject=${encodeURIComponent(`permit:${permitNo}`)}` }, "Audit trail of this permit"));
  link.hidden = false;
}

rulesOrNull().then((all) => {
  const windows = all?.inspections?.time_windows || [];
  const select = $("#time_window");
  clear(select).append(...windows.map((w) => h("option", { value: w }, timeWindow(w))));
  if (Array.isArray(all?.permits?.statuses) && all.permits.statuses.length) {
    for (const s of $$("select[data-statuses]")) clear(s).append(h("option", { value: "" }, "- Select -"), ...all.permits.statuses.map((v) => h("option", {}, v)));
  }
});

function feeNote(f) {
  const notes = [];
  if (f.void_reason) notes.push(`Voided: ${f.void_reason}`);
  if (f.voided_by) notes.push(`by ${f.voided_by}${f.voided_at ? ` on ${timestamp(f.voided_at)}` : ""}`);
  if (f.replaced_by) notes.push(`replaced by fee ${f.replaced_by}`);
  return notes.join(", ");
}

function renderFees(p) {
  const slot = clear($("#fees"));
  const fees = p.fees || [];
  if (!fees.length) slot.append(h("p", { class: "portal-empty" }, "No fees."));
  else {
    slot.append(table({
      caption: `Fees of permit ${p.permit_no}`,
      labelledBy: "fees-heading",
      headers: ["Fee", "Description", "Amount", "Status", "Notes"],
      rows: fees.map((f) => [f.fee_id, f.description, h("span", { class: "portal-money" }, money(f.amount)), f.status, feeNote(f) || "—"]),
    }));
  }
  slot.append(h("p", {}, h("strong", {}, "Fees due: "), money(p.fees_due)));
  const open = fees.filter((f) => f.status !== "VOIDED");
  for (const select of $$("select[data-fee-choice]")) {
    const keep = select.value;
    clear(select).append(h("option", { value: "" }, "- Select -"),
      ...open.map((f) => h("option", { value: f.fee_id }, `${f.description} — ${money(f.amount)} (${f.status})`)));
    select.value = open.some((f) => f.fee_id === keep) ? keep : "";
  }
}

function renderInspections(p) {
  const slot = clear($("#inspections"));
  const list = p.inspections || [];
  if (!list.length) slot.append(h("p", { class: "portal-empty" }, "No inspections yet."));
  else {
    slot.append(table({
      caption: `Inspections of permit ${p.permit_no}`,
      labelledBy: "inspections-heading",
      headers: ["Date", "Time", "Inspection", "Status", "Notes"],
      rows: list.map((i) => [date(i.date), timeWindow(i.time_window), i.inspection_type, i.status, [i.notes, i.result_notes].filter(Boolean).join(" — ") || "—"]),
    }));
  }
  const select = $("#inspection_type");
  const keep = select.value;
  clear(select).append(h("option", { value: "" }, "- Select -"), ...(p.inspection_types || []).map((t) => h("option", {}, t)));
  select.value = (p.inspection_types || []).includes(keep) ? keep : "";
}

function renderTimeline(p) {
  const slot = clear($("#timeline"));
  const steps = p.timeline;
  if (!Array.isArray(steps)) {
    slot.append(h("p", { class: "portal-empty" }, "The portal keeps no timeline for this permit yet."));
    return;
  }
  if (!steps.length) {
    slot.append(h("p", { class: "portal-empty" }, "No status changes yet."));
    return;
  }
  slot.append(table({
    caption: `Status changes of permit ${p.permit_no}`,
    labelledBy: "timeline-heading",
    headers: ["When", "Status", "By", "Comments"],
    rows: steps.map((s) => [timestamp(s.at), s.status, s.by || "—", s.comments || "—"]),
  }));
}

function render(p) {
  permit = p;
  document.title = `Permit ${p.permit_no} | Permit Back Office`;
  $("#permit-heading").textContent = `Permit ${p.permit_no}`;
  const company = p.company_name || p.contractor_id;
  clear($("#permit-summary")).append(summaryList([
    ["Status", h("strong", {}, p.expired ? `${p.status} (expired)` : p.status)],
    ["Address", p.address],
    ["Type", p.type],
    ["Contractor", p.contractor_id ? (may(me, "contractors") ? h("a", { class: "usa-link", href: contractorHref(p.contractor_id) }, company) : company) : ""],
    ["Description", p.description],
    ["Applied", date(p.applied_date)],
    ["Issued", date(p.issued_date)],
    ["Expires", date(p.expires_date)],
    ["Fees due", money(p.fees_due)],
  ]));
  renderFees(p);
  renderInspections(p);
  renderTimeline(p);
}

async function load() {
  if (!permitNo) {
    clear($("#permit-summary"));
    showMessage(message, "error", "No permit chosen", "Open a permit from the permits page.");
    return false;
  }
  try {
    render(await get(base));
    return true;
  } catch (error) {
    clear($("#permit-summary"));
    for (const id of ["#fees", "#inspections", "#timeline"]) clear($(id));
    showMessage(message, "error", "The permit could not be loaded", error.detail || error.message);
    return false;
  }
}

function done(text) {
  showMessage(message, "success", null, text);
}

// Issue: the refusal (409 fees-due, status-transition) in the slot beside the button, in the API's words.
$("#issue-button").addEventListener("click", () => {
  clear(issueRefusal);
  busy($("#issue-button"), async () => {
    try {
      render(await post(`${base}/issue`, {}));
      done(`Permit ${permitNo} is issued: ACTIVE until ${date(permit.expires_date)}.`);
    } catch (error) {
      clear(message);
      issueRefusal.append(alertBox("error", null, [error.title, error.detail].filter(Boolean).join(": ") || error.message));
      $("#issue-button").focus();
    }
  }, "Issuing…");
});

forms.status.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(forms.status, ["status"], { status: "New status" })) return;
  const v = values(forms.status);
  const body = { status: v.status };
  if (v.comments) body.comments = v.comments;
  busy($("#status-button"), async () => {
    try {
      render(await post(`${base}/status`, body));
      forms.status.reset();
      clearErrors(forms.status);
      done(`Permit ${permitNo} is now ${permit.status}.`);
    } catch (error) {
      const text = notBuiltYet(error) ? "Moving a permit's status is not available on this portal yet." : null;
      // A refused move (status-transition, fees-due) belongs to the status chosen.
      const refusal = error.errors?.length ? error : { ...error, detail: text || error.detail, errors: [{ field: "status", message: text || [error.title, error.detail].filter(Boolean).join(": ") }] };
      showErrors(forms.status, refusal, { fallback: "The status was not changed." });
    }
  }, "Moving…");
});

forms.fee.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(forms.fee, ["description", "amount"], { description: "Fee description", amount: "Amount" })) return;
  const v = values(forms.fee);
  busy($("#fee-button"), async () => {
    try {
      const fee = await post(`${base}/fees`, { description: v.description, amount: v.amount });
      forms.fee.reset();
      clearErrors(forms.fee);
      await load();
      done(`Fee added: ${fee.description} ${money(fee.amount)}.`);
    } catch (error) {
      showErrors(forms.fee, error, { fallback: "The fee was not added." });
    }
  }, "Adding…");
});

function feeAction(form, button, path, labels, bodyOf, said) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!requireFields(form, Object.keys(labels), labels)) return;
    const v = values(form);
    busy(button, async () => {
      try {
        const fee = await post(`${base}/fees/${seg(v.fee_id)}/${path}`, bodyOf(v));
        form.reset();
        clearErrors(form);
        await load();
        done(said(fee, v));
      } catch (error) {
        const text = notBuiltYet(error) ? "This is not available on this portal yet." : null;
        // fee-not-voidable and the like belong to the fee chosen.
        const refusal = error.errors?.length ? error : { ...error, detail: text || error.detail, errors: [{ field: "fee_id", message: text || error.detail || error.message }] };
        showErrors(form, refusal, { fallback: "The fee was not changed." });
      }
    }, "Saving…");
  });
}

feeAction(forms.void, $("#void-button"), "void", { fee_id: "Fee to void", reason: "Reason" },
  (v) => ({ reason: v.reason }), (fee) => `Fee ${fee.fee_id} is voided.`);
feeAction(forms.adjust, $("#adjust-button"), "adjust", { fee_id: "Fee to adjust", amount: "New amount", reason: "Reason" },
  (v) => ({ amount: v.amount, reason: v.reason }), (fee, v) => `Fee ${v.fee_id} is replaced by fee ${fee.fee_id} of ${money(fee.amount)}.`);

forms.schedule.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(forms.schedule, ["inspection_type", "date"], { inspection_type: "Inspection", date: "Date" })) return;
  const v = values(forms.schedule);
  const body = { inspection_type: v.inspection_type, date: v.date, notes: v.notes || "" };
  if (v.time_window) body.time_window = v.time_window;
  busy($("#schedule-button"), async () => {
    try {
      const booked = await post(`${base}/inspections`, body);
      forms.schedule.reset();
      clearErrors(forms.schedule);
      await load();
      done(`${booked.inspection_type} inspection scheduled for ${date(booked.date)}.`);
    } catch (error) {
      showErrors(forms.schedule, error, { fallback: "The inspection was not scheduled." });
    }
  }, "Scheduling…");
});

if (await load() && param("created")) done(`Permit ${permitNo} is created with its fees.`);
