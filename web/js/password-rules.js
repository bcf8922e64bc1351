// The county's password rules, checked as the user types. The rules, their texts and their
// figures come from GET /meta/rules (rules.js), the common-password list from
// GET /meta/common-passwords (the policy's own list, never a copy here); the API stays the judge.
// The checks are the server's PasswordPolicy: lengths in characters (code points), a letter is any
// Unicode letter, a number is 0-9 only, common passwords compared case-insensitively.
// Before anything is typed every rule is neutral: nothing is "not met" in an empty form.
import { get } from "./api.js";
import { h, clear } from "./dom.js";
import { rules } from "./rules.js";

const chars = (p) => [...p].length;
const LETTER = /\p{L}/u; // Python's str.isalpha(): categories Lu, Ll, Lt, Lm, Lo
const DIGIT = /[0-9]/; // not "²" or "٣": the server counts 0-9 only

let commonList = null;

/** The common-password list as a Set (lower-cased), fetched once per page; null when it cannot be had. */
export function commonPasswords(path = "/meta/common-passwords") {
  if (!commonList) {
    // cache "default": the route sends an ETag and Cache-Control, so a return visit costs a 304 at most.
    commonList = get(path, { auth: false, cache: "default" })
      .then((body) => new Set((body?.passwords || []).map((p) => String(p).toLowerCase())))
      .catch(() => {
        commonList = null;
        return null;
      });
  }
  return commonList;
}

/** The checks the browser can make, by the API's checklist names; data-rule ids stay short. */
function checks(password, common) {
  return {
    min_length: { id: "min", test: (p) => chars(p) >= password.min_length },
    max_length: { id: "max", test: (p) => chars(p) <= password.max_length },
    letter_and_number: {
      id: "mix",
      test: (p) => (!password.requires?.includes("letter") || LETTER.test(p)) && (!password.requires?.includes("number") || DIGIT.test(p)),
    },
    // Python's str.lower() and JavaScript's toLowerCase() agree on the list (plain ASCII).
    not_common: { id: "common", test: common ? (p) => !common.has(p.toLowerCase()) : null },
  };
}

/** The rules as [{id, text, test|null}] and the notes (e.g. case sensitivity), from the API's rules. */
export function passwordRules(password, common = null) {
  const known = checks(password, common);
  const list = [];
  const notes = [];
  for (const [index, item] of (password.checklist || []).entries()) {
    if (item.rule === "case_sensitive") notes.push(item.text);
    else list.push({ id: known[item.rule]?.id || `rule-${index}`, text: item.text, test: known[item.rule]?.test || null });
  }
  return { list, notes };
}

function ruleItem(rule) {
  if (!rule.test) {
    return h("li", { class: "password-rule", "data-rule": rule.id }, h("span", { class: "password-rule__icon", "aria-hidden": "true" }, "•"), " ", rule.text, h("span", { class: "usa-sr-only" }, " (checked when you save)"));
  }
  return h("li", { class: "password-rule", "data-rule": rule.id }, h("span", { class: "password-rule__icon", "aria-hidden": "true" }, "•"), " ", rule.text, h("span", { class: "usa-sr-only" }, ""));
}

/**
 * Fill a <ul> with the API's rules and keep each one's state up to date as the user types.
 * Returns { update, unmet } or null when the rules cannot be loaded: update() re-reads the fields
 * (call it after emptying them), unmet() lists the texts of the rules the password breaks, for a
 * check before the form is sent. key: which policy of the rules ("password" for contractors,
 * "staff_password" for the back office, whose minimum is longer).
 */
export async function attachRules(list, password, confirm, { key = "password" } = {}) {
  clear(list).append(h("li", { class: "password-rule" }, "Loading the password rules…"));
  let all;
  let common = null;
  let policy;
  try {
    all = await rules();
    policy = all[key];
    if (!policy) throw new Error(`no ${key} rules`);
    if (policy.rejects_common) common = await commonPasswords(policy.common_passwords || undefined);
  } catch {
    clear(list).append(h("li", { class: "password-rule" }, "The password rules could not be loaded; they are checked when you save."));
    return null;
  }
  const { list: items, notes } = passwordRules(policy, common);
  const match = { id: "match", text: "Password and Confirm Password match", test: () => false };
  clear(list);
  const nodes = {};
  for (const rule of [...items, match]) {
    const item = ruleItem(rule);
    nodes[rule.id] = item;
    list.append(item);
  }
  let anchor = list;
  for (const note of notes) {
    const hint = h("p", { class: "usa-hint" }, /[.!?]$/.test(note) ? note : `${note}.`);
    anchor.after(hint);
    anchor = hint;
  }
  // met: true, false, or null (neutral: nothing typed yet).
  const set = (id, met) => {
    const item = nodes[id];
    if (met === null) delete item.dataset.met;
    else item.dataset.met = String(met);
    item.firstChild.textContent = met === null ? "•" : met ? "✓" : "✗";
    item.lastChild.textContent = met === null ? "" : met ? " (met)" : " (not met)";
  };
  const update = () => {
    const typed = password.value !== "";
    for (const rule of items) if (rule.test) set(rule.id, typed ? rule.test(password.value) : null);
    set("match", confirm.value === "" ? null : password.value === confirm.value);
  };
  const unmet = () => items.filter((rule) => rule.test && !rule.test(password.value)).map((rule) => rule.text);
  password.addEventListener("input", update);
  confirm.addEventListener("input", update);
  update();
  return { update, unmet };
}

/** One message for the password field naming every rule it breaks, or null when it breaks none. */
export function unmetMessage(texts) {
  if (!texts?.length) return null;
  return `The password does not meet ${texts.length === 1 ? "the rule" : "the rules"}: ${texts.join("; ")}.`;
}
