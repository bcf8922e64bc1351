import { post, problemIs } from "../api.js";
import { $ } from "../dom.js";
import { busy, fieldError, requireFields, showErrors, values } from "../forms.js";
import { initPage } from "../layout.js";
import { attachRules, unmetMessage } from "../password-rules.js";
import { sameSecretAnswer } from "../rules.js";
import { saveSession } from "../session.js";

await initPage({ page: "setup", chrome: "public", title: "Set up your login" });
const form = $("#setup-form");
const checker = attachRules($("#password-rules"), $("#password"), $("#password_confirm"));

const LABELS = {
  security_question: "Security Question",
  secret_answer: "Secret Answer",
  secret_answer_confirm: "Re-enter Secret Answer",
  password: "Password",
  password_confirm: "Confirm Password",
};

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!requireFields(form, Object.keys(LABELS), LABELS)) return;
  const body = values(form);
  // The rules the page can check (the common-password list included) are checked before sending.
  const broken = unmetMessage((await checker)?.unmet());
  if (broken) {
    showErrors(form, { errors: [{ field: "password", message: broken }] });
    return;
  }
  // Compared as the server compares them; where only the server can tell (Unicode case folding),
  // the server's answer is shown beside the field instead.
  if (sameSecretAnswer(body.secret_answer, body.secret_answer_confirm) === false) {
    showErrors(form, { errors: [{ field: "secret_answer_confirm", message: "The secret answers do not match." }] });
    return;
  }
  if (body.password !== body.password_confirm) {
    showErrors(form, { errors: [{ field: "password_confirm", message: "The passwords do not match." }] });
    return;
  }
  busy($("#continue-button"), async () => {
    try {
      const login = await post("/auth/setup", body);
      saveSession(login);
      location.assign("dashboard.html");
    } catch (error) {
      showErrors(form, error);
      if (problemIs(error, "password-rules") && !error.errors.length) fieldError(form, "password", error.detail || "Check the password rules.");
    }
  }, "SAVING…");
});
