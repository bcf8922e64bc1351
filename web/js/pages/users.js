// Users (a company's administrators): the list (GET /company/users), an invitation (POST
// /company/users), and per user a role change, disable / enable (PATCH /company/users/{id}) and a
// new invitation for one not yet accepted. A refusal (409 last-admin, user-exists) is shown beside
// the control that caused it, in the problem's own words. The roles and their labels are the API's
// (GET /meta/rules company_roles), never a list of this page's own.
import { get, post, request, seg } from "../api.js";
import { h, $, clear, showMessage } from "../dom.js";
import { busy, clearErrors, fieldError, requireFields, showErrors, values } from "../forms.js";
import { timestamp } from "../format.js";
import { initPage } from "../layout.js";
import { me } from "../me.js";
import { rulesOrNull } from "../rules.js";

await initPage({ page: "users", duty: "users", title: "Users" });
const message = $("#page-message");
const box = $("#users");
const rules = await rulesOrNull();
const ROLES = (rules?.company_roles || []).map((r) => ({ role: r.role, label: r.label || r.role }));
const roleLabel = (role) => ROLES.find((r) => r.role === role)?.label || role || "";
const HEADERS = ["NAME", "E-MAIL", "ROLE", "STATUS", "LAST SIGN-IN", "CHANGE"];

const roleSelect = $("#invite-role");
roleSelect.append(h("option", { value: "" }, "- Select -"), ...ROLES.map((r) => h("option", { value: r.role }, r.label)));

let users = [];
let cursor = null;

const patch = (userId, body) => request("PATCH", `/company/users/${seg(userId)}`, body);
const who = (user) => user.name || user.email;
// Element ids from the API's user id, kept to characters an id and a CSS selector take as they are.
const key = (user) => String(user.user_id).replace(/[^A-Za-z0-9_-]/g, "_");

/** Say an outcome beside one user's controls, and move focus there (the row was just redrawn). */
function say(user, type, text) {
  const area = document.getElementById(`user-message-${key(user)}`);
  if (!area) return;
  const alert = showMessage(area, type, null, text);
  alert.setAttribute("tabindex", "-1");
  alert.focus();
}

/** Run one change; its answer redraws the list, and its outcome is said beside that user's controls. */
async function change(user, button, work, done, busyText) {
  await busy(button, async () => {
    try {
      const view = await work();
      if (view?.user_id) users = users.map((u) => (u.user_id === view.user_id ? { ...u, ...view } : u));
      draw();
      say(view || user, "success", done(view || user));
    } catch (error) {
      say(user, "error", error.detail || error.title || error.message);
    }
  }, busyText);
}

function controls(user) {
  const name = who(user);
  const id = `role-${key(user)}`;
  const select = h("select", { class: "usa-select", id, name: "role" },
    ROLES.map((r) => h("option", { value: r.role, selected: r.role === user.role ? true : null }, r.label)));
  // Each button's accessible name begins with its visible words (axe label-content-name-mismatch).
  const save = h("button", { type: "submit", class: "usa-button usa-button--outline usa-button--small", "aria-label": `Save role of ${name}` }, "Save");
  const roleForm = h("form", { class: "portal-inline-form", novalidate: true },
    h("div", { class: "usa-form-group" }, h("label", { class: "usa-label", for: id }, `Role of ${name}`), select), save);
  roleForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const role = select.value;
    change(user, save, () => patch(user.user_id, { role }),
      (v) => `${who(v)} is now ${roleLabel(v.role || role)}. They sign in again to use the new role.`, "Saving…");
  });
  const disabled = user.status === "DISABLED";
  const toggle = h("button", { type: "button", class: `usa-button usa-button--small ${disabled ? "usa-button--outline" : "usa-button--secondary"}`,
    "aria-label": `${disabled ? "Enable" : "Disable"} ${name}` }, disabled ? "Enable" : "Disable");
  toggle.addEventListener("click", () => change(user, toggle, () => patch(user.user_id, { disabled: !disabled }),
    (v) => (disabled ? `${who(v)} is enabled again.` : `${who(v)} is disabled: their sessions have ended and they cannot sign in.`),
    disabled ? "Enabling…" : "Disabling…"));
  const buttons = [toggle];
  if (user.status === "INVITED") {
    const resend = h("button", { type: "button", class: "usa-button usa-button--outline usa-button--small",
      "aria-label": `Resend invitation to ${name}` }, "Resend invitation");
    resend.addEventListener("click", () => change(user, resend, () => post(`/company/users/${seg(user.user_id)}/invitation`),
      (v) => `A new invitation is on its way to ${v.email}; the earlier code no longer works.`, "Sending…"));
    buttons.push(resend);
  }
  return h("div", {}, roleForm, h("div", { class: "portal-actions portal-row-buttons" }, buttons),
    h("div", { class: "portal-row-message", id: `user-message-${key(user)}`, "aria-live": "polite" }));
}

function lastSignIn(user) {
  if (user.last_sign_in_at) return timestamp(user.last_sign_in_at);
  return user.invited_at ? `Never (invited ${timestamp(user.invited_at)})` : "Never";
}

function draw() {
  clear(box);
  if (!users.length) {
    box.append(h("p", { class: "portal-empty" }, "No users yet."));
    return;
  }
  const self = me()?.user_id;
  const rows = users.map((u) => [
    `${who(u)}${u.user_id === self ? " (you)" : ""}`,
    u.email || "",
    roleLabel(u.role),
    u.status || "",
    lastSignIn(u),
    controls(u),
  ]);
  const t = h("table", { class: "usa-table usa-table--borderless usa-table--stacked portal-table", id: "users-table" },
    h("caption", { class: "usa-sr-only" }, "Your company's users"), // the section's heading says it on screen
    h("thead", {}, h("tr", {}, HEADERS.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell, i) =>
      i === 0 ? h("th", { scope: "row", "data-label": HEADERS[i] }, cell) : h("td", { "data-label": HEADERS[i] }, cell))))));
  box.append(h("div", { class: "portal-table-wrap" }, t));
  if (cursor) {
    const more = h("button", { type: "button", class: "usa-button usa-button--outline portal-more" }, "Show more users");
    more.addEventListener("click", () => busy(more, load, "Loading more…"));
    box.append(more);
  }
}

async function load() {
  try {
    const page = await get(`/company/users${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
    users.push(...(page.items || []));
    cursor = page.next_cursor || null;
    draw();
  } catch (error) {
    if (!users.length) clear(box);
    showMessage(message, "error", "The users could not be loaded", error.detail || error.message);
  }
}

const form = $("#invite-form");
const LABELS = { email: "E-mail", name: "Name", role: "Role" };
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(form, Object.keys(LABELS), LABELS)) return;
  busy($("#invite-button"), async () => {
    try {
      const view = await post("/company/users", values(form));
      users = [...users.filter((u) => u.user_id !== view.user_id), view];
      form.reset();
      draw();
      const done = showMessage($(".form-message", form), "success", null,
        `${who(view)} is invited as ${roleLabel(view.role)}: the invitation is on its way to ${view.email}.`);
      done.setAttribute("tabindex", "-1");
      done.focus();
    } catch (error) {
      if (error.status === 409 && !error.errors.length) {
        // user-exists: that address already has a login here; said beside the e-mail.
        clearErrors(form);
        fieldError(form, "email", error.detail || error.title);
        $("#invite-email").focus();
      } else {
        showErrors(form, error);
      }
    }
  }, "Sending…");
});

load();
