import { post, problemIs } from "../api.js";
import { loadBusinesses } from "../business-combo.js";
import { rulesOrNull } from "../rules.js";
import { h, $, clear, params, showMessage } from "../dom.js";
import { attemptsWarning, busy, fieldError, clearErrors, requireFields, showErrors, values } from "../forms.js";
import { initPage } from "../layout.js";
import { clearSession, getSession, saveSession } from "../session.js";

const REASONS = {
  expired: ["warning", "Your session has ended. Please log in again."],
  signin: ["info", "Please log in to continue."],
  logout: ["success", "You have logged out."],
  reset: ["success", "Your password has been changed. Log in with your new password."],
};

const existing = getSession();
const signedIn = Boolean(existing?.token && !existing.mustCompleteSetup);
await initPage({ page: "home", auth: false, chrome: signedIn ? "full" : "public" });
const form = $("#login-form");
const select = $("#contractor_id");
const message = $("#page-message");

const reason = REASONS[params().get("reason")];
if (reason) showMessage(message, reason[0], null, reason[1]);

if (signedIn) {
  $("#signed-in-company").textContent = existing.company || "your business";
  $("#signed-in").hidden = false;
  form.hidden = true;
}

async function loadContractors() {
  try {
    await loadBusinesses(select); // the whole directory in one answer, as a type-ahead combo box
  } catch (error) {
    clear(select);
    select.append(h("option", { value: "" }, "Businesses could not be loaded"));
    showErrors(form, error, { fallback: "The list of businesses could not be loaded. Refresh the page to try again." });
  }
}
loadContractors();

function nextPage() {
  const next = params().get("next") || "";
  return /^[a-z][a-z-]*\.html(\?[\w=&%.-]*)?$/.test(next) && next !== "index.html" ? next : "dashboard.html";
}

/** How long a locked account waits: Retry-After when the browser may read it, else the county's lock-out. */
async function lockedText(error) {
  const seconds = Number(error.retryAfter) || Number((await rulesOrNull())?.lockout_minutes) * 60;
  if (!seconds) return "Too many failed attempts. Try again later.";
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const labels = { contractor_id: "Your business name", password: "Password or PIN" };
  if (!requireFields(form, ["contractor_id", "password"], labels)) return;
  const body = values(form);
  if (!body.email) delete body.email; // without an e-mail: the company's first admin (the guide's login)
  busy($("#login-button"), async () => {
    try {
      const login = await post("/auth/login", body, { auth: false });
      clearSession();
      saveSession(login, { company: select.selectedOptions[0]?.textContent || "", contractorId: body.contractor_id });
      location.assign(login.must_complete_setup ? "setup.html" : nextPage());
    } catch (error) {
      clearErrors(form);
      if (problemIs(error, "wrong-credentials")) {
        // One error, beside the password (or PIN), with the warning before the lock-out.
        const warning = attemptsWarning(error, (await rulesOrNull())?.lockout_minutes);
        const what = body.email ? "The business name, e-mail or password" : "The business name or password";
        fieldError(form, "password", `${what} is not correct. ${warning}`.trim());
        $("#password").focus();
      } else if (problemIs(error, "too-many-attempts")) {
        showErrors(form, { detail: await lockedText(error) });
      } else {
        showErrors(form, error);
      }
    }
  }, "LOGGING IN…");
});
