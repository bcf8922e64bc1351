// Change one's own staff password (PUT /staff/me/password), checked as it is typed against the staff
// policy (GET /meta/rules "staff_password"); the API stays the judge.
import { put } from "../../api.js";
import { $, clear, showMessage } from "../../dom.js";
import { busy, clearErrors, requireFields, showErrors, values } from "../../forms.js";
import { attachRules, unmetMessage } from "../../password-rules.js";
import { initStaffPage } from "../layout.js";

await initStaffPage({ page: "password", title: "Change Password" });
const form = $("#password-form");
const message = $("#page-message");
const checker = attachRules($("#password-rules"), $("#password"), $("#password_confirm"), { key: "staff_password" });
const LABELS = { current_password: "Current Password", password: "New Password", password_confirm: "Confirm New Password" };

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clear(message);
  if (!requireFields(form, Object.keys(LABELS), LABELS)) return;
  const v = values(form);
  const broken = unmetMessage((await checker)?.unmet());
  if (broken) {
    showErrors(form, { errors: [{ field: "password", message: broken }] });
    return;
  }
  busy($("#password-button"), async () => {
    try {
      await put("/staff/me/password", v);
      form.reset();
      clearErrors(form);
      (await checker)?.update();
      showMessage(message, "success", null, "Your password is changed. Use it the next time you sign in.");
    } catch (error) {
      showErrors(form, error, { fallback: "Your password was not changed." });
    }
  }, "Saving…");
});
