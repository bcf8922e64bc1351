// The county's password rules, checked as the user types. The rules, their texts and their
// figures come from GET /meta/rules (rules.js); the API is the judge (it also refuses common
// passwords), this only helps the user along. The checks are the server's PasswordPolicy:
// lengths in characters (code points), a letter is any Unicode letter, a number is 0-9 only.
import { h, clear } from "./dom.js";
import { rules } from "./rules.js";

const chars = (p) => [...p].length;
const LETTER = /\p{L}/u; // Python's str.isalpha(): categories Lu, Ll, Lt, Lm, Lo
const DIGIT = /[0-9]/; // not "²" or "٣": the server counts 0-9 only

/** The checks the browser can make, by the API's checklist names; data-rule ids stay short. */
function checks(password) {
  return {
    min_length: { id: "min", test: (p) => chars(p) >= password.min_length },
    max_length: { id: "max", test: (p) => chars(p) > 0 && chars(p) <= password.max_length },
    letter_and_number: {
      id: "mix",
      test: (p) => (!password.requires?.includes("letter") || LETTER.test(p)) && (!password.requires?.includes("number") || DIGIT.test(p)),
    },
    not_common: { id: "common", test: null }, // the API's list: judged when the form is sent
  };
}

/** The rules as [{id, text, test|null}] and the notes (e.g. case sensitivity), from the API's rules. */
export function passwordRules(password) {
  const known = checks(password);
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
  const state = h("span", { class: "usa-sr-only" }, " (not met)");
  return h("li", { class: "password-rule", "data-rule": rule.id, "data-met": "false" }, h("span", { class: "password-rule__icon", "aria-hidden": "true" }, "✗"), " ", rule.text, state);
}

/** Fill a <ul> with the API's rules and keep each one's state up to date as the user types. */
export async function attachRules(list, password, confirm) {
  clear(list).append(h("li", { class: "password-rule" }, "Loading the password rules…"));
  let all;
  try {
    all = await rules();
  } catch {
    clear(list).append(h("li", { class: "password-rule" }, "The password rules could not be loaded; they are checked when you save."));
    return null;
  }
  const { list: items, notes } = passwordRules(all.password || {});
  const match = { id: "match", text: "Password and Confirm Password match", test: null };
  clear(list);
  const nodes = {};
  for (const rule of [...items, match]) {
    const item = rule === match ? ruleItem({ ...match, test: () => false }) : ruleItem(rule);
    nodes[rule.id] = item;
    list.append(item);
  }
  let anchor = list;
  for (const note of notes) {
    const hint = h("p", { class: "usa-hint" }, /[.!?]$/.test(note) ? note : `${note}.`);
    anchor.after(hint);
    anchor = hint;
  }
  const set = (id, met) => {
    const item = nodes[id];
    item.dataset.met = String(met);
    item.firstChild.textContent = met ? "✓" : "✗";
    item.lastChild.textContent = met ? " (met)" : " (not met)";
  };
  const update = () => {
    for (const rule of items) if (rule.test) set(rule.id, rule.test(password.value));
    set("match", Boolean(password.value) && password.value === confirm.value);
  };
  password.addEventListener("input", update);
  confirm.addEventListener("input", update);
  update();
  return update;
}
