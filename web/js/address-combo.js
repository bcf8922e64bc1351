// Locate My Address: the USWDS combo box (usa-combo-box markup and classes, as js/business-combo.js
// writes it) over the county's address points, GET /geocode?q= — type-ahead, debounced, from the second
// character, at most the API's ten suggestions, best first. The ARIA 1.2 combobox pattern: focus stays in
// the input, aria-activedescendant names the highlighted option, a status says "N results available.".
// The site never normalises an address: what was typed goes to the API as it is.
import { get } from "./api.js";
import { h, clear } from "./dom.js";

const DEBOUNCE_MS = 250;
const MIN_CHARS = 2;

/**
 * Enhance the text input `input` (with its <label for>) inside `wrapper` (a .usa-combo-box).
 * onChoose(item) gets {address, parcel_no, lat, lon}; onError(error) a failed look-up.
 * Returns {chooseTyped()}: pick the best suggestion for what is typed (the form's FIND button).
 */
export function addressCombo(input, { onChoose, onError } = {}) {
  const wrapper = input.closest(".usa-combo-box");
  const id = input.id;
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  const listId = `${id}--list`;
  if (label) label.id ||= `${id}-label`;
  input.classList.add("usa-combo-box__input");
  for (const [name, value] of Object.entries({ role: "combobox", autocomplete: "off", autocapitalize: "off", spellcheck: "false",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId })) input.setAttribute(name, value);

  const clearButton = h("button", { type: "button", class: "usa-combo-box__clear-input", "aria-label": "Clear the address" }, " ");
  const toggle = h("button", { type: "button", tabindex: "-1", class: "usa-combo-box__toggle-list", "aria-label": "Toggle the list of addresses" }, " ");
  const list = h("ul", { tabindex: "-1", id: listId, class: "usa-combo-box__list", role: "listbox", "aria-labelledby": label?.id, hidden: true });
  const status = h("div", { class: "usa-combo-box__status usa-sr-only", role: "status" });
  input.after(
    h("span", { class: "usa-combo-box__clear-input__wrapper", tabindex: "-1" }, clearButton),
    h("span", { class: "usa-combo-box__input-button-separator" }, " "),
    h("span", { class: "usa-combo-box__toggle-list__wrapper", tabindex: "-1" }, toggle),
    list, status,
  );

  let items = []; // the last answer's suggestions
  let shown = []; // their <li>s
  let active = -1;
  let timer = null;
  let asked = ""; // the query of the answer in `items`
  let sequence = 0; // answers to older queries than the newest are dropped

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

  function draw() {
    clear(list);
    shown = items.map((item, index) => h("li", {
      id: `${listId}--option-${index}`, class: "usa-combo-box__list-option", role: "option", tabindex: "-1",
      "aria-selected": "false", "aria-setsize": items.length, "aria-posinset": index + 1, dataset: { index: String(index) },
    }, item.address));
    if (shown.length) list.append(...shown);
    else list.append(h("li", { class: "usa-combo-box__list-option--no-results", role: "option", "aria-disabled": "true", "aria-selected": "false" }, "No address found"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    const n = items.length;
    status.textContent = n ? `${n} result${n === 1 ? "" : "s"} available.` : "No results.";
    active = -1;
    highlight(-1);
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
    status.textContent = "";
  }

  /** GET /geocode for what is typed now; resolves to the suggestions (or [] when too short). */
  async function lookUp() {
    const q = input.value.trim();
    if (q.length < MIN_CHARS) {
      items = [];
      asked = "";
      close();
      return items;
    }
    if (q === asked) {
      if (document.activeElement === input && list.hidden && !wrapper.classList.contains("usa-combo-box--pristine")) draw();
      return items;
    }
    const mine = ++sequence;
    try {
      const answer = await get(`/geocode?q=${encodeURIComponent(q)}`);
      if (mine !== sequence) return items; // a newer query is on its way
      items = Array.isArray(answer?.items) ? answer.items : [];
      asked = q;
      if (document.activeElement === input) draw();
      return items;
    } catch (error) {
      if (mine === sequence) {
        close();
        onError?.(error);
      }
      return [];
    }
  }

  function choose(index) {
    const item = items[index];
    if (!item) return;
    input.value = item.address;
    asked = item.address;
    items = [item];
    wrapper.classList.add("usa-combo-box--pristine");
    close();
    input.focus();
    onChoose?.(item);
  }

  input.addEventListener("input", () => {
    wrapper.classList.remove("usa-combo-box--pristine");
    clearTimeout(timer);
    timer = setTimeout(lookUp, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    const isOpen = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!isOpen) {
        if (items.length) draw();
        else return;
      }
      if (!shown.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(active < 0 ? (step > 0 ? 0 : shown.length - 1) : Math.min(shown.length - 1, Math.max(0, active + step)));
    } else if (event.key === "Enter" && isOpen && active >= 0) {
      event.preventDefault(); // choosing is not submitting
      choose(active);
    } else if (event.key === "Escape" && isOpen) {
      event.preventDefault();
      close();
    }
  });
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const li = event.target.closest("li[role=option]");
    if (li && li.dataset.index) choose(Number(li.dataset.index));
  });
  toggle.addEventListener("mousedown", (event) => event.preventDefault());
  toggle.addEventListener("click", async () => {
    input.focus();
    if (!list.hidden) close();
    else if (input.value.trim().length >= MIN_CHARS) {
      await lookUp();
      draw();
    }
  });
  clearButton.addEventListener("click", () => {
    input.value = "";
    items = [];
    asked = "";
    wrapper.classList.remove("usa-combo-box--pristine");
    close();
    input.focus();
  });
  wrapper.addEventListener("focusout", (event) => {
    if (!wrapper.contains(event.relatedTarget)) close();
  });

  return {
    /** The form was sent: the highlighted suggestion, else the best one for what is typed (null: none). */
    async chooseTyped() {
      clearTimeout(timer);
      if (active >= 0 && !list.hidden) {
        choose(active);
        return items[0] || null;
      }
      const found = await lookUp();
      if (!found.length) return null;
      const typed = input.value.trim().toUpperCase();
      const exact = found.findIndex((item) => String(item.address).toUpperCase() === typed);
      choose(exact >= 0 ? exact : 0);
      return items[0];
    },
  };
}
