// Staff accounts (supervisors): the list (GET /staff/users), an invitation (POST /staff/users), and per
// person a new invitation, a role change, disable / enable (PATCH /staff/users/{username}). A refusal
// (e.g. 409 last-supervisor) is shown beside the control that caused it, in the problem's own words.
import { get, post, problemIs, request, seg } from "../../api.js";
import { h, $, clear, showMessage, table } from "../../dom.js";
import { busy, clearErrors, fieldError, requireFields, showErrors, values } from "../../forms.js";
import { countyTimestamp } from "../../format.js";
import { rulesOrNull } from "../../rules.js";
import { initStaffPage, roleName } from "../layout.js";

const me = await initStaffPage({ page: "users", duty: "staff-users", title: "Staff accounts" });
const message = $("#page-message");
const box = $("#users");
const rules = await rulesOrNull();
const zone = rules?.county?.time_zone;
// The roles are the API's (GET /meta/rules), never a list of this page's own.
const ROLES = (rules?.staff_roles || []).map((r) => r.role);
const STATUS_WORDS = { INVITED: "Invited", ACTIVE: "Active", DISABLED: "Disabled" };

const roleSelect = $("#invite-role");
roleSelect.append(h("option", { value: "" }, "- Select -"),
  ...ROLES.map((role) => h("option", { value: role }, roleName(role))));

let users = [];
let cursor = null;

const patch = (username, body) => request("PATCH", `/staff/users/${seg(username)}`, body);

function replace(view) {
  users = users.map((u) => (u.username === view.username ? { ...u, ...view } : u));
}

/** Run a change for one person; its answer redraws the list, and its outcome is said beside their controls. */
async function change(username, button, work, done, busyText) {
  await busy(button, async () => {
    try {
      const view = await work();
      if (view) replace(view);
      draw();
      say(username, "success", done(view));
    } catch (error) {
      say(username, "error", error.detail || error.title || error.message);
    }
  }, busyText);
}

function say(username, type, text) {
  const area = document.getElementById(`user-message-${username}`);
  if (!area) return;
  const alert = showMessage(area, type, null, text);
  alert.setAttribute("tabindex", "-1");
  alert.focus();
}

function actions(user) {
  const id = `role-${user.username}`;
  const select = h("select", { class: "usa-select", id, name: "role" },
    ROLES.map((role) => h("option", { value: role, selected: role === user.role ? true : null }, roleName(role))));
  const save = h("button", { type: "submit", class: "usa-button usa-button--outline usa-button--small" }, "Change role");
  const roleForm = h("form", { class: "staff-inline-form", novalidate: true },
    h("div", { class: "usa-form-group" }, h("label", { class: "usa-label", for: id }, `Role of ${user.username}`), select), save);
  roleForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const role = select.value;
    change(user.username, save, () => patch(user.username, { role }),
      (v) => `${user.username} is now ${roleName(v?.role || role)}.`, "Saving…");
  });
  const disabled = user.status === "DISABLED";
  const toggle = h("button", { type: "button", class: `usa-button usa-button--small ${disabled ? "usa-button--outline" : "usa-button--secondary"}`,
    "aria-label": `${disabled ? "Enable" : "Disable"} ${user.username}` }, disabled ? "Enable" : "Disable");
  toggle.addEventListener("click", () => change(user.username, toggle, () => patch(user.username, { disabled: !disabled }),
    () => (disabled ? `${user.username} is enabled again.` : `${user.username} is disabled: their sessions have ended and they cannot sign in.`),
    disabled ? "Enabling…" : "Disabling…"));
  const buttons = [toggle];
  if (user.status === "INVITED") {
    const resend = h("button", { type: "button", class: "usa-button usa-button--outline usa-button--small",
      "aria-label": `Re-send invitation to ${user.username}` }, "Re-send invitation");
    resend.addEventListener("click", () => change(user.username, resend, () => post(`/staff/users/${seg(user.username)}/invitation`),
      () => `A new invitation is on its way to ${user.email}; the earlier code no longer works.`, "Sending…"));
    buttons.unshift(resend);
  }
  return h("div", {}, roleForm, h("div", { class: "portal-actions staff-user-buttons" }, buttons),
    h("div", { class: "staff-row-message", id: `user-message-${user.username}`, "aria-live": "polite" }));
}

function draw() {
  clear(box);
  if (!users.length) {
    box.append(h("p", { class: "portal-empty" }, "No staff accounts yet."));
    return;
  }
  box.append(table({
    caption: "Staff members by user name",
    headers: ["USER NAME", "NAME", "E-MAIL", "ROLE", "STATUS", "LAST SIGN-IN", "CHANGE"],
    rows: users.map((u) => [u.username + (u.username === me.username ? " (you)" : ""), u.name, u.email,
      roleName(u.role), STATUS_WORDS[u.status] || u.status,
      u.last_sign_in_at ? countyTimestamp(u.last_sign_in_at, zone) : (u.invited_at ? `Invited ${countyTimestamp(u.invited_at, zone)}` : ""),
      actions(u)]),
    id: "users-table",
  }));
  if (cursor) {
    const more = h("button", { type: "button", class: "usa-button usa-button--outline staff-more" }, "Show more staff");
    more.addEventListener("click", () => busy(more, load, "Loading more…"));
    box.append(more);
  }
}

async function load() {
  try {
    const page = await get(`/staff/users${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
    users.push(...(page.items || []));
    cursor = page.next_cursor || null;
    draw();
  } catch (error) {
    if (!users.length) clear(box);
    showMessage(message, "error", "The staff accounts could not be loaded", error.detail || error.message);
  }
}

const form = $("#invite-form");
const LABELS = { username: "User name", name: "Full name", email: "E-mail", role: "Role" };
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!requireFields(form, Object.keys(LABELS), LABELS)) return;
  busy($("#invite-button"), async () => {
    try {
      const view = await post("/staff/users", values(form));
      users = [...users.filter((u) => u.username !== view.username), view].sort((a, b) => a.username.localeCompare(b.username));
      form.reset();
      draw();
      const done = showMessage($(".form-message", form), "success", null,
        `${view.name || view.username} is invited as ${roleName(view.role)}: the invitation is on its way to ${view.email}.`);
      done.setAttribute("tabindex", "-1");
      done.focus();
    } catch (error) {
      if (problemIs(error, "staff-username-taken")) {
        clearErrors(form);
        fieldError(form, "username", error.detail || error.title);
        $("#invite-username").focus();
      } else {
        showErrors(form, error);
      }
    }
  }, "Sending…");
});

load();
