import { post, problemIs } from "../../api.js";
import { $, params, showMessage } from "../../dom.js";
import { attemptsWarning, busy, clearErrors, fieldError, requireFields, showErrors, values } from "../../forms.js";
import { rulesOrNull } from "../../rules.js";
import { clearSession, saveSession } from "../../session.js";
import { initStaffPage } from "../layout.js";

const REASONS = {
  expired: ["warning", "Your session has ended. Please sign in again."],
  signin: ["info", "Please sign in to continue."],
  logout: ["success", "You have signed out."],
  joined: ["success", "Your password is set. Welcome to the back office."],
};

await initStaffPage({ page: "signin", auth: false, title: "Staff Sign In" });
const form = $("#login-form");
const reason = REASONS[params().get("reason")];
if (reason) showMessage($("#page-message"), reason[0], null, reason[1]);

function nextPage() {
  const next = params().get("next") || "";
  return /^[a-z][a-z-]*\.html(\?[\w=&%.-]*)?$/.test(next) && next !== "index.html" ? next : "dashboard.html";
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(form, ["username", "password"], { username: "User name", password: "Password" })) return;
  busy($("#login-button"), async () => {
    try {
      const login = await post("/auth/staff-login", values(form), { auth: false });
      clearSession();
      saveSession(login);
      location.assign(nextPage());
    } catch (error) {
      clearErrors(form);
      if (problemIs(error, "wrong-credentials")) {
        const warning = attemptsWarning(error, (await rulesOrNull())?.lockout_minutes);
        fieldError(form, "password", `The user name or password is not correct. ${warning}`.trim());
        $("#password").focus();
      } else {
        showErrors(form, error);
      }
    }
  }, "Signing in…");
});
