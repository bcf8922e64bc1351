// An invited user joins their company: the one-time code from the invitation e-mail, their name,
// a security question and a password of their own (POST /auth/invitations/accept), then they are
// signed in as login does. The link in the e-mail carries ?contractor=<id>&email=<address>.
import { post, problemIs } from "../api.js";
import { loadBusinesses } from "../business-combo.js";
import { $, params } from "../dom.js";
import { busy, fieldError, requireFields, showErrors, values } from "../forms.js";
import { initPage } from "../layout.js";
import { attachRules, unmetMessage } from "../password-rules.js";
import { sameSecretAnswer } from "../rules.js";
import { clearSession, saveSession } from "../session.js";

await initPage({ page: "accept-invitation", auth: false, chrome: "public", title: "Accept your invitation" });
const form = $("#accept-form");
const select = $("#contractor_id");
const checker = attachRules($("#password-rules"), $("#password"), $("#password_confirm"));

const LABELS = {
  contractor_id: "Your business name",
  email: "Your e-mail",
  code: "The one-time code",
  name: "Your name",
  security_question: "Security Question",
  secret_answer: "Secret Answer",
  secret_answer_confirm: "Re-enter Secret Answer",
  password: "Password",
  password_confirm: "Confirm Password",
};

form.elements.email.value = params().get("email") || "";

async function loadContractors() {
  try {
    await loadBusinesses(select, { value: params().get("contractor") || "" });
  } catch (error) {
    showErrors(form, error, { fallback: "The list of businesses could not be loaded. Refresh the page to try again." });
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!requireFields(form, Object.keys(LABELS), LABELS)) return;
  const body = values(form);
  body.code = body.code.toUpperCase();
  const broken = unmetMessage((await checker)?.unmet());
  if (broken) {
    showErrors(form, { errors: [{ field: "password", message: broken }] });
    return;
  }
  if (sameSecretAnswer(body.secret_answer, body.secret_answer_confirm) === false) {
    showErrors(form, { errors: [{ field: "secret_answer_confirm", message: "The secret answers do not match." }] });
    return;
  }
  if (body.password !== body.password_confirm) {
    showErrors(form, { errors: [{ field: "password_confirm", message: "The passwords do not match." }] });
    return;
  }
  busy($("#accept-button"), async () => {
    try {
      const login = await post("/auth/invitations/accept", body, { auth: false });
      clearSession();
      saveSession(login, { company: select.selectedOptions[0]?.textContent || "", contractorId: body.contractor_id });
      location.assign("dashboard.html");
    } catch (error) {
      if (problemIs(error, "wrong-invitation-code") && !error.errors.length) {
        showErrors(form, { errors: [{ field: "code", message: error.detail || "The code is wrong, has expired or was already used." }] });
        return;
      }
      showErrors(form, error);
      if (problemIs(error, "password-rules") && !error.errors.length) fieldError(form, "password", error.detail || "Check the password rules.");
    }
  }, "SAVING…");
});

loadContractors();
