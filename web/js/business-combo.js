// "Locate your business name" at county scale: the USWDS combo box (usa-combo-box), written here because
// the site loads no uswds.min.js. Same markup, classes and labels as USWDS's; the ARIA 1.2 combobox
// pattern (focus stays in the input, aria-activedescendant names the highlighted option, a status says
// "N results available."). The <select> stays in the form and holds the value, so without JavaScript,
// or until the list has arrived, the field is the native drop-down, and forms.js reads and marks it as before.
import { get } from "./api.js";
import { h, clear } from "./dom.js";

/** Options drawn at once: enough to scroll, few enough for a phone to redraw on every key. */
const SHOWN = 100;

/**
 * Fill `select` with every business (GET /contractors: one answer, revalidated by its ETag) and enhance it.
 * options.value: the business chosen to begin with (an invitation's link names it), if it is in the list.
 */
export async function loadBusinesses(select, { value = "" } = {}) {
  // no-cache: the browser keeps the list but asks each time (a 304 when unchanged), so a business
  // registered a minute ago is there.
  const list = await get("/contractors", { auth: false, cache: "no-cache" });
  clear(select).append(h("option", { value: "" }, "- Select your business -"));
  const options = (list.items || []).map((item) => h("option", { value: item.contractor_id }, item.company_name));
  select.append(...options);
  if (value) select.value = value; // unknown ids leave the select empty
  enhanceComboBox(select);
}

/** Turn a native <select> (with a <label for>) into the combo box; the select keeps the value. */
export function enhanceComboBox(select) {
  const id = select.id;
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  if (!label || select.dataset.enhanced) return;
  let wrapper = select.closest(".usa-combo-box");
  if (!wrapper) {
    wrapper = h("div", { class: "usa-combo-box" });
    select.before(wrapper);
    wrapper.append(select);
  }
  const listId = `${id}--list`;
  label.id = `${id}-label`;
  // USWDS moves the select's id to the input; here the input gets its own, since form.elements[name]
  // would otherwise return the input (by id) and the select (by name) together, and forms.js reads it.
  const inputId = `${id}--input`;
  label.htmlFor = inputId;

  const input = h("input", {
    id: inputId, class: "usa-combo-box__input", type: "text", role: "combobox", autocomplete: "off", autocapitalize: "off",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    required: select.required, "aria-describedby": select.getAttribute("aria-describedby"),
  });
  const clearButton = h("button", { type: "button", class: "usa-combo-box__clear-input", "aria-label": "Clear the select contents" }, " ");
  const toggle = h("button", { type: "button", tabindex: "-1", class: "usa-combo-box__toggle-list", "aria-label": "Toggle the dropdown list" }, " ");
  const list = h("ul", { tabindex: "-1", id: listId, class: "usa-combo-box__list", role: "listbox", "aria-labelledby": label.id, hidden: true });
  const status = h("div", { class: "usa-combo-box__status usa-sr-only", role: "status" });
  // Above the input, where the open list does not cover it (and not a direct .usa-hint: forms.js puts
  // the field's error after the last of those).
  const moreText = h("span", { class: "usa-hint" });
  const more = h("div", { hidden: true }, moreText);
  wrapper.append(
    input,
    h("span", { class: "usa-combo-box__clear-input__wrapper", tabindex: "-1" }, clearButton),
    h("span", { class: "usa-combo-box__input-button-separator" }, " "),
    h("span", { class: "usa-combo-box__toggle-list__wrapper", tabindex: "-1" }, toggle),
    list, status,
  );
  wrapper.before(more);

  // The select leaves the tab order and the accessibility tree; its name stays, so the form submits it.
  select.id = "";
  select.classList.add("usa-sr-only", "usa-combo-box__select");
  select.setAttribute("aria-hidden", "true");
  select.setAttribute("tabindex", "-1");
  select.removeAttribute("required");
  select.dataset.enhanced = "true";

  const businesses = [...select.options].filter((o) => o.value);
  let shown = []; // the <li>s drawn
  let active = -1; // index in `shown` of the highlighted option

  // forms.js marks the select (by name) when the field is wrong and focuses it: the input shows it.
  new MutationObserver(() => {
    for (const name of ["aria-invalid", "aria-describedby"]) {
      const value = select.getAttribute(name);
      value === null ? input.removeAttribute(name) : input.setAttribute(name, value);
    }
    input.classList.toggle("usa-input--error", select.classList.contains("usa-input--error"));
  }).observe(select, { attributes: true, attributeFilter: ["aria-invalid", "aria-describedby", "class"] });
  select.addEventListener("focus", () => input.focus());

  const chosen = () => businesses.find((o) => o.value === select.value) || null;

  function setValue(option) {
    select.value = option ? option.value : "";
    input.value = option ? option.text : "";
    wrapper.classList.toggle("usa-combo-box--pristine", Boolean(option));
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function highlight(index) {
    shown[active]?.classList.remove("usa-combo-box__list-option--focused");
    active = index;
    const li = shown[active];
    if (!li) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    li.classList.add("usa-combo-box__list-option--focused");
    input.setAttribute("aria-activedescendant", li.id);
    li.scrollIntoView({ block: "nearest" });
  }

  function open({ all = false } = {}) {
    // Contains, case-insensitive; names that start with what was typed come first (as USWDS orders them).
    const query = all || wrapper.classList.contains("usa-combo-box--pristine") ? "" : input.value.trim().toLowerCase();
    const matches = query ? businesses.filter((o) => o.text.toLowerCase().includes(query)) : businesses;
    const ordered = query
      ? [...matches.filter((o) => o.text.toLowerCase().startsWith(query)),
         ...matches.filter((o) => !o.text.toLowerCase().startsWith(query))]
      : matches;
    clear(list);
    shown = ordered.slice(0, SHOWN).map((option, index) => h("li", {
      id: `${listId}--option-${index}`, class: "usa-combo-box__list-option", role: "option", tabindex: "-1",
      "aria-selected": option.value === select.value ? "true" : "false",
      "aria-setsize": ordered.length, "aria-posinset": index + 1, dataset: { value: option.value },
    }, option.text));
    for (const li of shown) if (li.dataset.value === select.value) li.classList.add("usa-combo-box__list-option--selected");
    if (shown.length) list.append(...shown);
    else list.append(h("li", { class: "usa-combo-box__list-option--no-results", role: "option", "aria-disabled": "true", "aria-selected": "false" }, "No results found"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    const n = ordered.length;
    more.hidden = n <= SHOWN;
    moreText.textContent = n > SHOWN ? `The first ${SHOWN} of ${n.toLocaleString("en-US")} are listed: type more of the name.` : "";
    status.textContent = n ? `${n.toLocaleString("en-US")} result${n === 1 ? "" : "s"} available.` : "No results.";
    active = -1;
    const current = shown.findIndex((li) => li.dataset.value === select.value);
    highlight(current);
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    more.hidden = true;
    active = -1;
    status.textContent = "";
  }

  /** Leaving the field: a name typed exactly (any case) is chosen; anything else goes back to the choice. */
  function complete() {
    const typed = input.value.trim().toLowerCase();
    const exact = typed ? businesses.find((o) => o.text.toLowerCase() === typed) : null;
    if (exact) setValue(exact);
    else if (!typed) setValue(null);
    else setValue(chosen());
    close();
  }

  function choose(li) {
    setValue(businesses.find((o) => o.value === li.dataset.value) || null);
    close();
    input.focus();
  }

  input.addEventListener("input", () => {
    wrapper.classList.remove("usa-combo-box--pristine");
    open();
  });
  input.addEventListener("click", () => { if (list.hidden) open(); });
  input.addEventListener("keydown", (event) => {
    const isOpen = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!isOpen) open();
      if (!shown.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(active < 0 ? (step > 0 ? 0 : shown.length - 1) : Math.min(shown.length - 1, Math.max(0, active + step)));
    } else if (event.key === "Enter" && isOpen) {
      event.preventDefault(); // choosing is not submitting
      if (shown[active]) choose(shown[active]);
      else complete();
    } else if (event.key === "Escape" && isOpen) {
      event.preventDefault();
      setValue(chosen());
      close();
    } else if (event.key === "Tab" && isOpen) {
      if (shown[active]) choose(shown[active]);
      else complete();
    }
  });
  // Pressing an option must not blur the input first (which would complete the typed text instead).
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const li = event.target.closest("li[role=option]");
    if (li && li.dataset.value) choose(li);
  });
  toggle.addEventListener("mousedown", (event) => event.preventDefault());
  toggle.addEventListener("click", () => {
    if (list.hidden) open({ all: true });
    else close();
    input.focus();
  });
  clearButton.addEventListener("click", () => {
    setValue(null);
    wrapper.classList.remove("usa-combo-box--pristine");
    input.focus();
    open();
  });
  wrapper.addEventListener("focusout", (event) => {
    if (!wrapper.contains(event.relatedTarget) && !list.hidden) complete();
  });

  setValue(chosen());
}
