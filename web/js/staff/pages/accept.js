// Accept an invitation (POST /auth/staff-invitations/accept): the one-time code from the e-mail and a
// password by the staff policy (GET /meta/rules "staff_password"), then signed in to Today.
import { post, problemIs } from "../../api.js";
import { $, params } from "../../dom.js";
import { attemptsWarning, busy, clearErrors, fieldError, requireFields, showErrors, values } from "../../forms.js";
import { attachRules, unmetMessage } from "../../password-rules.js";
import { rulesOrNull } from "../../rules.js";
import { clearSession, saveSession } from "../../session.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "accept", auth: false, title: "Accept Your Invitation" });
const form = $("#accept-form");
const username = params().get("username") || "";
if (username) {
  form.elements.username.value = username;
  form.elements.code.focus();
}
const checker = attachRules($("#password-rules"), $("#password"), $("#password_confirm"), { key: "staff_password" });
const LABELS = { username: "User name", code: "Invitation code", password: "Password", password_confirm: "Confirm Password" };

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!requireFields(form, Object.keys(LABELS), LABELS)) return;
  const v = values(form);
  const broken = unmetMessage((await checker)?.unmet());
  if (broken) {
    showErrors(form, { errors: [{ field: "password", message: broken }] });
    return;
  }
  busy($("#accept-button"), async () => {
    try {
      const login = await post("/auth/staff-invitations/accept", v, { auth: false });
      clearSession();
      saveSession(login);
      location.assign("dashboard.html");
    } catch (error) {
      if (problemIs(error, "invalid-invitation")) {
        clearErrors(form);
        const warning = attemptsWarning(error, (await rulesOrNull())?.lockout_minutes);
        fieldError(form, "code", `${error.detail || error.title} ${warning}`.trim());
        $("#code").focus();
      } else {
        showErrors(form, error, { fallback: "Your password was not set." });
      }
    }
  }, "Setting…");
});
