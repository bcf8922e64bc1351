// Tiny DOM helpers: build elements without innerHTML, so API text is never parsed as HTML.

/** h("a", {href: "x", class: "usa-link"}, "text", child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

export function params() {
  return new URLSearchParams(location.search);
}

/** A USWDS alert. type: info | success | warning | error */
export function alertBox(type, heading, text, { role } = {}) {
  const body = h("div", { class: "usa-alert__body" });
  if (heading) body.append(h("h2", { class: "usa-alert__heading" }, heading));
  if (text) body.append(h("p", { class: "usa-alert__text" }, text));
  const slim = heading ? "" : " usa-alert--slim";
  return h("div", { class: `usa-alert usa-alert--${type}${slim}`, role: role || (type === "error" ? "alert" : "status") }, body);
}

/** Put a message into a page's message area (an element with aria-live or role). */
export function showMessage(container, type, heading, text) {
  clear(container);
  const box = alertBox(type, heading, text);
  container.append(box);
  if (type === "error") {
    box.setAttribute("tabindex", "-1");
    box.focus();
  }
  return box;
}

/** Table helper: headers (strings) and rows (arrays of cells). */
export function table({ caption, headers, rows, id, labelledBy, className = "" }) {
  const t = h("table", { class: `usa-table usa-table--borderless usa-table--stacked portal-table ${className}`.trim(), id, "aria-labelledby": labelledBy });
  if (caption) t.append(h("caption", {}, caption));
  t.append(h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))));
  const body = h("tbody");
  for (const row of rows) {
    body.append(
      h(
        "tr",
        {},
        row.map((cell, i) => (i === 0 ? h("th", { scope: "row", "data-label": headers[i] }, cell) : h("td", { "data-label": headers[i] }, cell))),
      ),
    );
  }
  t.append(body);
  return h("div", { class: "usa-table-container--scrollable portal-table-wrap", tabindex: "0", role: "region", "aria-labelledby": labelledBy }, t);
}
