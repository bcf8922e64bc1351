import { get, put } from "../api.js";
import { $, clear, showMessage } from "../dom.js";
import { busy, clearErrors, requireFields, showErrors, values } from "../forms.js";
import { initPage, setCompany } from "../layout.js";
import { keepMe, me, may } from "../me.js";
import { attachRules, unmetMessage } from "../password-rules.js";

await initPage({ page: "profile", title: "View/Edit Profile" });
const form = $("#profile-form");
const message = $("#page-message");
const PROFILE_FIELDS = ["address", "city", "state", "zip", "email", "phone", "cell_phone", "fax"];
const LABELS = { address: "Address", city: "City", state: "State", zip: "Zip", email: "Email", phone: "Phone" };
const checker = attachRules($("#password-rules"), $("#new_password"), $("#new_password_confirm"));
// Everyone changes their own password and security question. The company's details are shown to a
// role with `profile` and can be changed only with `edit-profile` (GET /me's `may`); without
// `profile` they are not on the page at all, and GET /profile is not asked for.
const SHOW_COMPANY = may("profile");
const EDIT_COMPANY = SHOW_COMPANY && may("edit-profile");
const companyFields = $("#company-profile");
if (!EDIT_COMPANY) $("#required-note").hidden = true; // no required field is left to mark
if (!SHOW_COMPANY) companyFields.remove();
else if (!EDIT_COMPANY) {
  companyFields.disabled = true; // values() skips disabled fields: nothing of it is sent
  $("#profile-read-only").hidden = false;
  for (const abbr of companyFields.querySelectorAll("abbr.usa-hint--required")) abbr.remove();
}

let emailOnFile = "";
const emailPasswordGroup = $("#email-password-group");

// The server asks for the current password when the e-mail changes; show the field only then.
function showEmailPassword() {
  const changed = form.elements.email.value.trim().toLowerCase() !== emailOnFile.toLowerCase();
  emailPasswordGroup.hidden = !changed;
  if (!changed) form.elements.email_password.value = "";
}
if (EDIT_COMPANY) form.elements.email.addEventListener("input", showEmailPassword);

function fill(profile) {
  if (!SHOW_COMPANY) return;
  $("#company_name").textContent = profile.company_name || "";
  $("#license_no").textContent = profile.license_no || "";
  // A named user's own question (GET /me); the company's record holds the first admin's.
  $("#current_question").textContent = me()?.security_question || profile.security_question || "(none)";
  for (const name of PROFILE_FIELDS) form.elements[name].value = profile[name] ?? "";
  setCompany(profile.company_name);
  emailOnFile = profile.email || "";
  showEmailPassword();
}

async function load() {
  if (!SHOW_COMPANY) {
    $("#current_question").textContent = me()?.security_question || "(none)";
    return;
  }
  try {
    fill(await get("/profile"));
  } catch (error) {
    showMessage(message, "error", "Your profile could not be loaded", error.detail || error.message);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  // A new attempt: the last one's "Saved" no longer describes the form (one message at a time).
  clear(message);
  if (EDIT_COMPANY && !requireFields(form, Object.keys(LABELS), LABELS)) return;
  const v = values(form);
  const profile = {};
  for (const name of PROFILE_FIELDS) profile[name] = v[name] ?? "";
  profile.state = profile.state.toUpperCase();
  if (v.email_password) profile.current_password = v.email_password;
  const changePassword = Boolean(v.pw_current || v.new_password || v.new_password_confirm);
  // Checked before anything is saved, so a refused password does not leave the profile half-saved.
  const broken = changePassword && unmetMessage((await checker)?.unmet());
  if (broken) {
    showErrors(form, { errors: [{ field: "new_password", message: broken }] });
    return;
  }
  const changeQuestion = Boolean(v.sq_current_password || v.current_secret_answer || v.new_security_question || v.new_secret_answer || v.new_secret_answer_confirm);
  if (!EDIT_COMPANY && !changePassword && !changeQuestion) {
    clearErrors(form);
    showMessage(message, "info", null, "Nothing to save: fill in a new password or a new security question.");
    return;
  }
  busy($("#save-button"), async () => {
    const done = [];
    if (EDIT_COMPANY) {
      try {
        fill(await put("/profile", profile));
        done.push("profile");
      } catch (error) {
        showErrors(form, error, { fieldMap: { current_password: "email_password" }, fallback: "Your profile could not be saved." });
        return;
      }
    }
    if (changePassword) {
      try {
        await put("/profile/password", { current_password: v.pw_current, password: v.new_password, password_confirm: v.new_password_confirm });
        done.push("password");
        for (const name of ["pw_current", "new_password", "new_password_confirm"]) form.elements[name].value = "";
        (await checker)?.update(); // empty fields: the rules back to neutral, not ✓
      } catch (error) {
        showErrors(form, error, { fieldMap: { current_password: "pw_current", password: "new_password", password_confirm: "new_password_confirm" }, fallback: "Your password could not be changed." });
        return;
      }
    }
    if (changeQuestion) {
      try {
        await put("/profile/security-question", {
          current_password: v.sq_current_password,
          current_secret_answer: v.current_secret_answer,
          security_question: v.new_security_question,
          secret_answer: v.new_secret_answer,
          secret_answer_confirm: v.new_secret_answer_confirm,
        });
        done.push("security question");
        for (const name of ["sq_current_password", "current_secret_answer", "new_security_question", "new_secret_answer", "new_secret_answer_confirm"]) form.elements[name].value = "";
        $("#current_question").textContent = v.new_security_question;
        if (me()?.user_id) keepMe({ ...me(), security_question: v.new_security_question });
      } catch (error) {
        showErrors(form, error, {
          fieldMap: { current_password: "sq_current_password", security_question: "new_security_question", secret_answer: "new_secret_answer", secret_answer_confirm: "new_secret_answer_confirm" },
          fallback: "Your security question could not be changed.",
        });
        return;
      }
    }
    clearErrors(form);
    showMessage(message, "success", null, `Saved: your ${done.join(", ")} ${done.length > 1 ? "are" : "is"} updated.`);
    message.scrollIntoView();
  }, "SAVING…");
});

load();
