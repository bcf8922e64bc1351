import { post, problemIs } from "../api.js";
import { loadBusinesses } from "../business-combo.js";
import { $ } from "../dom.js";
import { attemptsWarning, busy, requireFields, showErrors, values } from "../forms.js";
import { initPage } from "../layout.js";
import { attachRules, unmetMessage } from "../password-rules.js";
import { fillFigures, rulesOrNull } from "../rules.js";
import { clearSession } from "../session.js";

await initPage({ page: "forgot-password", auth: false, chrome: "public", title: "Forgot password" });
const startForm = $("#start-form");
const verifyForm = $("#verify-form");
const resetForm = $("#reset-form");
const select = $("#contractor_id");
let contractorId = "";
let email = ""; // a named user's address, or "" for the company's first admin
let resetToken = "";
const checker = attachRules($("#password-rules"), $("#password"), $("#password_confirm"));
fillFigures();

/** A wrong code's or answer's message, with the warning before the lock-out. */
async function warned(text, error) {
  return `${text} ${attemptsWarning(error, (await rulesOrNull())?.lockout_minutes)}`.trim();
}

async function lockedText() {
  const minutes = Number((await rulesOrNull())?.lockout_minutes);
  return minutes ? `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` : "Too many failed attempts. Try again later.";
}

/** The body with the named user's e-mail, sent only when one was typed (else the first admin's reset). */
function withEmail(body) {
  return email ? { ...body, email } : body;
}

function show(form) {
  for (const f of [startForm, verifyForm, resetForm]) f.hidden = f !== form;
  const heading = form.querySelector("h2");
  heading.setAttribute("tabindex", "-1");
  heading.focus();
}

async function loadContractors() {
  try {
    await loadBusinesses(select); // the whole directory in one answer, as a type-ahead combo box
  } catch (error) {
    showErrors(startForm, error, { fallback: "The list of businesses could not be loaded." });
  }
}

startForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(startForm, ["contractor_id"], { contractor_id: "Your business name" })) return;
  contractorId = select.value;
  email = values(startForm).email || "";
  busy($("#start-button"), async () => {
    try {
      await post("/auth/password-reset/start", withEmail({ contractor_id: contractorId }), { auth: false });
      show(verifyForm);
    } catch (error) {
      showErrors(startForm, error);
    }
  }, "SENDING…");
});

verifyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(verifyForm, ["code"], { code: "The code" })) return;
  busy($("#verify-button"), async () => {
    try {
      const result = await post("/auth/password-reset/verify", withEmail({ contractor_id: contractorId, code: values(verifyForm).code }), { auth: false });
      resetToken = result.reset_token;
      $("#security-question").textContent = result.security_question || "";
      show(resetForm);
    } catch (error) {
      if (problemIs(error, "wrong-reset-code")) showErrors(verifyForm, { errors: [{ field: "code", message: await warned("The code is wrong or has expired. Check the e-mail, or start again to get a new code.", error) }] });
      else if (problemIs(error, "too-many-attempts")) showErrors(verifyForm, { detail: await lockedText() });
      else showErrors(verifyForm, error);
    }
  }, "CHECKING…");
});

resetForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const labels = { secret_answer: "Secret Answer", password: "Password", password_confirm: "Confirm Password" };
  if (!requireFields(resetForm, Object.keys(labels), labels)) return;
  const body = { reset_token: resetToken, ...values(resetForm) };
  const broken = unmetMessage((await checker)?.unmet());
  if (broken) {
    showErrors(resetForm, { errors: [{ field: "password", message: broken }] });
    return;
  }
  if (body.password !== body.password_confirm) {
    showErrors(resetForm, { errors: [{ field: "password_confirm", message: "The passwords do not match." }] });
    return;
  }
  busy($("#reset-button"), async () => {
    try {
      await post("/auth/password-reset", body, { auth: false });
      clearSession();
      location.assign("index.html?reason=reset");
    } catch (error) {
      if (problemIs(error, "wrong-secret-answer")) {
        showErrors(resetForm, { errors: [{ field: "secret_answer", message: await warned("The secret answer is not correct.", error) }] });
      } else if (problemIs(error, "too-many-attempts")) {
        showErrors(resetForm, { detail: await lockedText() });
      } else if (problemIs(error, "reset-link-expired")) {
        show(startForm);
        showErrors(startForm, { detail: "The code has expired or was already used. E-mail yourself a new code." });
      } else {
        showErrors(resetForm, error);
      }
    }
  }, "SAVING…");
});

loadContractors();
