// The county's password rules, checked as the user types. The API is the judge
// (it also refuses common passwords); this only helps the user along.
import { h, clear } from "./dom.js";

export const RULES = [
  { id: "min", text: "Minimum of 6 characters", test: (p) => p.length >= 6 },
  { id: "max", text: "Maximum of 25 characters", test: (p) => p.length <= 25 && p.length > 0 },
  { id: "mix", text: "At least one letter and 1 number", test: (p) => /[A-Za-z]/.test(p) && /\d/.test(p) },
];

/** Fill a <ul> with the rules and keep each one's state up to date. */
export function attachRules(list, password, confirm) {
  clear(list);
  const items = {};
  const all = [...RULES, { id: "match", text: "Password and Confirm Password match", test: null }];
  for (const rule of all) {
    const state = h("span", { class: "usa-sr-only" }, " (not met)");
    const item = h("li", { class: "password-rule", "data-rule": rule.id, "data-met": "false" }, h("span", { class: "password-rule__icon", "aria-hidden": "true" }, "✗"), " ", rule.text, state);
    items[rule.id] = { item, state };
    list.append(item);
  }
  list.after(h("p", { class: "usa-hint" }, "Note: Password is case sensitive."));
  const set = (id, met) => {
    const { item, state } = items[id];
    item.dataset.met = String(met);
    item.firstChild.textContent = met ? "✓" : "✗";
    state.textContent = met ? " (met)" : " (not met)";
  };
  const update = () => {
    for (const rule of RULES) set(rule.id, rule.test(password.value));
    set("match", Boolean(password.value) && password.value === confirm.value);
  };
  password.addEventListener("input", update);
  confirm.addEventListener("input", update);
  update();
  return update;
}
