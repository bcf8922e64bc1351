// Form behaviour: problem-details errors beside their fields, busy buttons. One failure shows one
// error: beside its field when it has one, else in the form's message area — never both.
import { h, $, $$, clear } from "./dom.js";

/** Remove every error shown in a form. */
export function clearErrors(form) {
  for (const group of $$(".usa-form-group--error", form)) group.classList.remove("usa-form-group--error");
  for (const el of $$(".usa-input--error", form)) {
    el.classList.remove("usa-input--error");
    el.removeAttribute("aria-invalid");
  }
  for (const msg of $$(".usa-error-message[data-generated]", form)) {
    const field = form.querySelector(`[aria-describedby~="${msg.id}"]`);
    if (field) {
      const ids = field.getAttribute("aria-describedby").split(/\s+/).filter((x) => x && x !== msg.id);
      if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    msg.remove();
  }
  const summary = $(".form-message", form);
  if (summary) clear(summary);
}

/** Show one message beside a field (by name). Returns the field or null. */
export function fieldError(form, name, message) {
  const fields = $$(`[name="${CSS.escape(name)}"]`, form);
  const field = fields[0];
  if (!field) return null;
  const group = field.closest(".usa-form-group") || field.closest("fieldset") || field.parentElement;
  group.classList.add("usa-form-group--error");
  const id = `${field.id || name}-error`;
  let msg = document.getElementById(id);
  if (!msg) {
    msg = h("span", { class: "usa-error-message", id, "data-generated": "true" });
    const anchor = group.querySelector(":scope > legend, :scope > label") || field;
    if (group.tagName === "FIELDSET") {
      const legend = group.querySelector("legend");
      legend ? legend.after(msg) : group.prepend(msg);
    } else if (anchor && anchor !== field) {
      // After the label and its hint, before the input (USWDS order).
      const hint = [...group.querySelectorAll(":scope > .usa-hint")].pop();
      (hint || anchor).after(msg);
    } else {
      field.before(msg);
    }
  }
  msg.textContent = msg.textContent ? `${msg.textContent} ${capitalise(message)}` : capitalise(message);
  for (const f of fields) {
    if (f.type !== "radio" && f.type !== "checkbox") f.classList.add("usa-input--error");
    f.setAttribute("aria-invalid", "true");
    const ids = new Set((f.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
    ids.add(id);
    f.setAttribute("aria-describedby", [...ids].join(" "));
  }
  return field;
}

function capitalise(text) {
  const s = String(text || "").trim();
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/**
 * Show an ApiError (or any Error) in a form: field errors beside their fields
 * (fieldMap maps API field names to input names), the rest in the form's message area.
 */
export function showErrors(form, error, { fieldMap = {}, fallback = "Something went wrong. Please try again." } = {}) {
  clearErrors(form);
  const unplaced = [];
  let first = null;
  // A wrong secret's detail carries the warning before the lock-out ("2 attempts left"): shown as its field's message.
  const warned = Number.isInteger(error?.attemptsLeft) && error?.errors?.length === 1 && error.detail;
  for (const item of error?.errors || []) {
    const apiField = String(item.field || "").split(".").pop();
    const name = fieldMap[apiField] || fieldMap[item.field] || apiField;
    const field = name ? fieldError(form, name, warned ? error.detail : item.message) : null;
    if (field) first ??= field;
    else unplaced.push(item.field ? `${item.field}: ${item.message}` : item.message);
  }
  const summary = $(".form-message", form);
  const text = error?.errors?.length && !unplaced.length ? null : [error?.detail || error?.message || fallback, ...unplaced].join(" ");
  if (summary && text) {
    const body = h("div", { class: "usa-alert__body" });
    body.append(h("p", { class: "usa-alert__text" }, text));
    summary.append(h("div", { class: "usa-alert usa-alert--error usa-alert--slim", role: "alert" }, body));
  }
  if (first) first.focus();
  else if (summary) {
    const alert = summary.querySelector(".usa-alert");
    if (alert) {
      alert.setAttribute("tabindex", "-1");
      alert.focus();
    }
  }
}

/** Run fn while the button shows it is busy; restores it afterwards. */
export async function busy(button, fn, busyText = "Please wait…") {
  if (!button) return fn();
  if (button.getAttribute("aria-disabled") === "true") return undefined;
  const label = button.textContent;
  button.setAttribute("aria-disabled", "true");
  button.setAttribute("aria-busy", "true");
  // aria-disabled rather than disabled: the button keeps keyboard focus while it works.
  button.classList.add("is-busy");
  button.textContent = busyText;
  try {
    return await fn();
  } finally {
    if (button.isConnected) {
      button.removeAttribute("aria-disabled");
      button.removeAttribute("aria-busy");
      button.classList.remove("is-busy");
      button.textContent = label;
    }
  }
}

/** Form fields as an object of trimmed strings (passwords untrimmed). */
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
    out[el.name] = el.type === "password" ? el.value : el.value.trim();
  }
  return out;
}

/** Check required fields in the browser first; returns true when all are filled. */
export function requireFields(form, names, labels = {}) {
  clearErrors(form);
  let first = null;
  for (const name of names) {
    const el = form.elements[name];
    const value = el && "value" in el ? el.value : "";
    if (!String(value).trim()) {
      const f = fieldError(form, name, `${labels[name] || "This field"} is required.`);
      first ??= f;
    }
  }
  if (first) {
    first.focus(); // its error is its accessible description
    return false;
  }
  return true;
}

/** "2 attempts left before the account is locked for 15 minutes." from a problem's attempts_left; "" without one. */
export function attemptsWarning(error, lockoutMinutes) {
  const left = error?.attemptsLeft;
  if (!Number.isInteger(left)) return "";
  const minutes = Number(lockoutMinutes);
  const lock = minutes ? ` for ${minutes} minute${minutes === 1 ? "" : "s"}` : "";
  return left > 0 ? `${left} attempt${left === 1 ? "" : "s"} left before the account is locked${lock}.` : `No attempts left: the account is locked${lock}.`;
}
