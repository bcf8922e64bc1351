// The county's rules and figures, as the API serves them (GET /meta/rules). The site never
// restates a figure: a county that changes PASSWORD_MIN_LENGTH or INSPECTION_REQUEST_CUTOFF in its
// stage configuration changes every screen with it. Fetched once per page.
import { get } from "./api.js";
import { $$ } from "./dom.js";
import { clockTime, date, paymentMethod } from "./format.js";

let pending = null;

/** The rules, fetched once per page (a failed fetch is tried again on the next call). */
export function rules() {
  if (!pending) {
    pending = get("/meta/rules", { auth: false }).catch((error) => {
      pending = null;
      throw error;
    });
  }
  return pending;
}

/** The rules, or null when they cannot be loaded (for screens where they only add words). */
export function rulesOrNull() {
  return rules().catch(() => null);
}

/** A 24-hour "HH:MM" figure from the rules, shown the county's way: format.js's clockTime, the one time format. */
export const countyTime = clockTime;

const plural = (n, one, many) => `${n} ${Number(n) === 1 ? one : many}`;

const FORMATS = {
  time: countyTime,
  date,
  days: (n) => plural(n, "day", "days"),
  minutes: (n) => plural(n, "minute", "minutes"),
  text: (v) => String(v),
};

/** A figure by its path in the rules ("inspections.request_cutoff"), or undefined. */
export function figure(all, path) {
  return String(path)
    .split(".")
    .reduce((value, key) => (value && typeof value === "object" ? value[key] : undefined), all);
}

/**
 * Fill every element carrying data-figure="path" (and data-format="time|date|days|minutes")
 * with that figure. The element's own text stays when the rules cannot be loaded.
 */
export async function fillFigures(root = document) {
  const all = await rulesOrNull();
  if (!all) return null;
  for (const el of $$("[data-figure]", root)) {
    const value = figure(all, el.dataset.figure);
    if (value === undefined || value === null) continue;
    el.textContent = (FORMATS[el.dataset.format] || FORMATS.text)(value);
  }
  return all;
}

/** A payment method's name for receipts and Paid Items ("Credit Card"), from payment_methods. */
export function paymentMethodName(all, method) {
  return paymentMethod(method, all?.payment_methods);
}

// Secret answers: the server compares them as chalicelib/domain/credentials.normalise_answer does
// (Python's str.split() on whitespace, one space between words, str.casefold()). These are exactly
// the characters str.split() splits on.
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Split on whitespace and join with one space, as the server does before it folds case. */
export function squeezeAnswer(answer) {
  return String(answer ?? "")
    .split(PY_WHITESPACE)
    .filter(Boolean)
    .join(" ");
}

/**
 * Do two secret answers match as the server will compare them? true or false where the browser
 * can tell exactly (ASCII, where casefold() is lower-casing); null where only the server can
 * (Unicode case folding, e.g. "ß" and "SS"): then the server's answer is the one shown.
 */
export function sameSecretAnswer(a, b) {
  const [x, y] = [squeezeAnswer(a), squeezeAnswer(b)];
  if (x === y) return true;
  const ascii = /^[\x00-\x7f]*$/;
  if (!ascii.test(x) || !ascii.test(y)) return null;
  return x.toLowerCase() === y.toLowerCase();
}
