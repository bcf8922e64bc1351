// One contractor (GET /staff/contractors/{id}): their details, their permits, and a new PIN
// (POST /staff/contractors/{id}/pin), shown once with the server's letter to print or e-mail.
import { get, post, seg } from "../../api.js";
import { h, $, clear, showMessage } from "../../dom.js";
import { busy, clearErrors, showErrors } from "../../forms.js";
import { initStaffPage } from "../layout.js";
import { notBuiltYet, param, permitTable, showLetter, summaryList } from "../clerk.js";

const me = await initStaffPage({ page: "contractors", duty: "contractors", title: "Contractor" });
const id = param("id", "contractor_id");
const message = $("#page-message");
const summary = $("#contractor-summary");
const permits = $("#permits");
const pinForm = $("#pin-form");
const pinResult = $("#pin-result");

function render(c) {
  const name = c.company_name || c.contractor_id;
  document.title = `${name} | Permit Back Office`;
  $("#contractor-heading").textContent = name;
  const where = [c.address, [c.city, c.state].filter(Boolean).join(", "), c.zip].filter(Boolean).join(" ");
  clear(summary).append(summaryList([
    ["Contractor ID", c.contractor_id],
    ["License", c.license_no],
    ["E-mail", c.email],
    ["Phone", c.phone],
    ["Address", where],
    ["Set-up", c.setup_done ? "Done: signs in with a password" : "Not yet: signs in with a PIN"],
  ]));
  if (me.duties.includes("permits")) {
    clear($("#new-permit-link")).append(h("a", { class: "usa-button usa-button--outline",
      href: `permits.html?contractor_id=${encodeURIComponent(c.contractor_id)}#create-heading` }, "Create a permit for this contractor"));
  }
  clear(permits);
  const rows = c.permits || [];
  if (rows.length) permits.append(permitTable(rows, { caption: `Permits of ${name}`, labelledBy: "permits-heading", company: false }));
  else permits.append(h("p", { class: "portal-empty" }, "No permits yet."));
}

async function load() {
  if (!id) {
    clear(summary);
    showMessage(message, "error", "No contractor chosen", "Open a contractor from the contractors page.");
    return;
  }
  try {
    render(await get(`/staff/contractors/${seg(id)}`));
  } catch (error) {
    clear(summary);
    clear(permits).append(h("p", { class: "portal-empty" }, "Not available."));
    const text = notBuiltYet(error) ? "Contractor details are not available on this portal yet; a new PIN can still be issued." : error.detail || error.message;
    showMessage(message, notBuiltYet(error) ? "info" : "error", "The contractor could not be loaded", text);
  }
}

pinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(pinForm);
  const mail = $("#mail_letter").checked;
  busy($("#pin-button"), async () => {
    try {
      const answer = await post(`/staff/contractors/${seg(id)}/pin`, mail ? { mail_letter: true } : {});
      clear(pinResult);
      const sent = answer.mailed_to ? ` The letter was e-mailed to ${answer.mailed_to}.` : "";
      pinResult.append(
        h("div", { class: "usa-alert usa-alert--success", role: "status" }, h("div", { class: "usa-alert__body" },
          h("h3", { class: "usa-alert__heading" }, "New PIN issued"),
          h("p", { class: "usa-alert__text" }, `This PIN is shown only once.${sent}`))),
        summaryList([["PIN", h("span", { class: "staff-pin" }, answer.pin)]]));
      const letterSlot = h("div", {});
      pinResult.append(letterSlot);
      if (!showLetter(letterSlot, answer.letter)) {
        letterSlot.append(h("p", { class: "portal-empty" }, "The portal sent no PIN letter to print: give the contractor the PIN above."));
      }
      pinForm.reset();
      pinResult.setAttribute("tabindex", "-1");
      pinResult.focus();
    } catch (error) {
      showErrors(pinForm, error, { fallback: "No new PIN was issued." });
    }
  }, "Issuing…");
});

load();
