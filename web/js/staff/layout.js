// The back office's chrome: header, the menu of what this person's role may do, the footer and the
// sign-in guard. The menu comes from GET /staff/me's duties (the server's one role table), never a
// copy of it here. Pages call initStaffPage() first and await the person it answers.
import { get, post, toLogin } from "../api.js";
import { h, $, clear } from "../dom.js";
import { wireMenu } from "../layout.js";
import { broadcastLogout, clearSession, getSession, sessionReady, updateSession } from "../session.js";

// Each entry shows when the signed-in role has its duty ("" = every staff member).
export const MENU = [
  { id: "today", href: "dashboard.html", text: "Today", duty: "view-permits" },
  { id: "contractors", href: "contractors.html", text: "Contractors", duty: "contractors" },
  { id: "permits", href: "permits.html", text: "Permits", duty: "view-permits" },
  { id: "inspections", href: "inspections.html", text: "Inspections", duty: "inspections" },
  { id: "payments", href: "payments.html", text: "Payments", duty: "payments" },
  { id: "notices", href: "notices.html", text: "Notices", duty: "view-permits" },
  { id: "users", href: "users.html", text: "Staff accounts", duty: "staff-users" },
  { id: "audit", href: "audit.html", text: "Audit trail", duty: "audit" },
  { id: "job", href: "job.html", text: "Expiry job", duty: "job" },
  { id: "password", href: "password.html", text: "Change password", duty: "" },
];

// How a role (GET /meta/rules "staff_roles") reads on screen: its name, capitalised.
export const roleName = (role) => (role ? role[0].toUpperCase() + role.slice(1) : "");

function brand() {
  return h("a", { class: "portal-brand", href: "dashboard.html" },
    h("span", { class: "portal-brand__agency" }, "Community Development"),
    h("span", { class: "portal-brand__name" }, "Permit Back Office"));
}

function nav(page, me) {
  const list = h("ul", { class: "portal-topnav__list" });
  for (const link of MENU) {
    if (link.duty && !me.duties.includes(link.duty)) continue;
    const current = link.id === page;
    list.append(h("li", {}, h("a", { href: link.href, class: current ? "usa-current" : null,
      "aria-current": current ? "page" : null }, link.text)));
  }
  const logout = h("button", { type: "button", class: "portal-topnav__button" }, "Sign out");
  logout.addEventListener("click", () => signOut(logout));
  list.append(h("li", {}, logout));
  list.append(h("li", { class: "portal-topnav__who" }, "Signed in as ",
    h("strong", {}, me.name || me.username), ` (${roleName(me.role)})`));
  const close = h("button", { type: "button", class: "usa-nav__close", "aria-label": "Close the menu" },
    h("img", { src: "../vendor/uswds/img/usa-icons/close.svg", alt: "" }));
  return h("nav", { class: "usa-nav portal-topnav", id: "portal-menu", "aria-label": "Main" }, close,
    h("div", { class: "grid-container grid-container-widescreen" }, list));
}

async function signOut(button) {
  button.disabled = true;
  try {
    await post("/auth/logout", {}, { on401: "ignore" });
  } catch {
    // The session ends here either way.
  }
  clearSession();
  broadcastLogout(); // the back office's other tabs sign out too (its own channel, never the contractor site's)
  location.assign("index.html?reason=logout");
}

function header(page, me) {
  const top = h("div", { class: "portal-header__top" },
    h("div", { class: "grid-container grid-container-widescreen portal-header__inner" }, brand(),
      me ? h("button", { type: "button", class: "usa-menu-btn portal-menu-button", "aria-controls": "portal-menu",
        "aria-expanded": "false" }, "Menu") : null));
  const banner = h("header", { class: "usa-header portal-header" }, top);
  if (me) banner.append(nav(page, me), h("div", { class: "usa-overlay" }));
  return banner;
}

function footer() {
  return h("footer", { class: "portal-footer" }, h("div", { class: "grid-container grid-container-widescreen" },
    h("p", {}, "Community Development back office. Every change you make is kept in the audit trail under your name.")));
}

/** Who is signed in ({username, name, role, duties}), read once a session and kept with it. */
export async function whoAmI() {
  const session = getSession();
  if (session?.me) return session.me;
  const me = await get("/staff/me");
  updateSession({ me });
  return me;
}

export function may(me, duty) {
  return Boolean(me && (!duty || me.duties.includes(duty)));
}

/**
 * Set up a back-office page. auth (default true): a staff session is required, and `duty`, when
 * given, must be one of the role's (else the page says so instead of showing a form that would be
 * refused). Returns the person, or null on the sign-in pages.
 */
export async function initStaffPage({ page, auth = true, duty = "", title } = {}) {
  if (title) document.title = `${title} | Permit Back Office`;
  // A new tab: another signed-in back-office tab may hand its session over (session.js).
  const session = auth ? getSession() || (await sessionReady()) : getSession();
  const slot = $("#site-header");
  const foot = $("#site-footer");
  if (foot) { clear(foot); foot.append(footer()); }
  if (!auth) {
    if (slot) { clear(slot); slot.append(header(page, null)); }
    return null;
  }
  if (!session?.token || session.role !== "staff") {
    toLogin("signin");
    throw new Error("not signed in");
  }
  const me = await whoAmI();
  if (slot) {
    clear(slot);
    const banner = header(page, me);
    slot.append(banner);
    wireMenu(banner);
  }
  if (duty && !may(me, duty)) {
    const main = $("#main-content");
    const heading = $("h1", main);
    clear(main);
    main.append(heading || h("h1", {}, title || "Not available"), h("div", { class: "usa-alert usa-alert--warning", role: "status" },
      h("div", { class: "usa-alert__body" }, h("p", { class: "usa-alert__text" },
        `The ${roleName(me.role)} role cannot use this page. Ask a supervisor if you need it.`))));
    throw new Error("not this role's page");
  }
  return me;
}
