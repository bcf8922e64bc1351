// The chrome of every page: the guide's header links, the side menu, the footer, and
// the sign-in guard. Pages await initPage() first.
import { get, post, toLogin } from "./api.js";
import { h, $, clear, alertBox } from "./dom.js";
import { forbiddenText, isNamedUser, loadMe, may } from "./me.js";
import { broadcastLogout, clearSession, getSession, sessionReady, updateSession } from "./session.js";

// Each link shows when the signed-in user's role has its duty (GET /me's `may`; "" = everyone).
const TOP_LINKS = [
  { id: "home", href: "index.html", text: "HOME", duty: "" },
  { id: "dashboard", href: "dashboard.html", text: "DASHBOARD", duty: "" },
  { id: "profile", href: "profile.html", text: "VIEW/EDIT PROFILE", duty: "" },
  { id: "cart", href: "cart.html", text: "VIEW CART", duty: "payments" },
];

// The guide's side menu, with only the features this portal has, and the company's own pages. The
// guide repeats "Pay Fees" and "View on Map" under several sections: `label` is such a link's accessible
// name, which starts with the visible words and says which one it is ("View on Map: permits"), so a
// screen reader's list of links tells them apart.
const SIDE_MENU = [
  { title: "Permits", links: [
    { id: "search", href: "search.html", text: "Search Permit", duty: "permits" },
    { id: "cart", href: "cart.html", text: "Pay Fees", duty: "payments" },
    { id: "map-permits", href: "map.html?layers=permits", text: "View on Map", label: "View on Map: permits", duty: "permits" },
  ] },
  { title: "Projects", links: [
    { id: "projects", href: "projects.html", text: "Search Projects", duty: "permits" },
    { id: "projects-pay", href: "projects.html?pay=1", text: "Pay Fees", label: "Pay Fees of a project", duty: "payments" },
    { id: "map-projects", href: "map.html?layers=projects", text: "View on Map", label: "View on Map: projects", duty: "permits" },
  ] },
  { title: "Properties", links: [
    { id: "properties", href: "properties.html", text: "Search Property", duty: "permits" },
    { id: "map-properties", href: "map.html?layers=properties", text: "View on Map", label: "View on Map: properties", duty: "permits" },
  ] },
  { title: "Inspections", links: [
    { id: "schedule", href: "schedule.html", text: "Schedule", duty: "inspections" },
    { id: "map-inspections", href: "map.html?layers=inspections", text: "View on Map", label: "View on Map: inspections", duty: "inspections" },
    { id: "inspections", href: "inspections.html", text: "Scheduled", duty: "inspections" },
  ] },
  { title: "Map", links: [
    { id: "map", href: "map.html", text: "View Map", duty: "permits" },
    { id: "locate", href: "map.html?locate=1", text: "Locate My Address", duty: "permits" },
  ] },
  { title: "Shopping Cart", links: [
    { id: "pay-all", href: "pay-all.html", text: "Pay All Fees", duty: "payments" },
    { id: "paid-items", href: "paid-items.html", text: "Paid Items", duty: "payments" },
  ] },
  { title: "Company", links: [
    { id: "users", href: "users.html", text: "Users", duty: "users" },
    { id: "notifications", href: "notifications.html", text: "My notifications", duty: "" },
    { id: "activity", href: "activity.html", text: "Company activity", duty: "activity" },
  ] },
];

const allowed = (link) => !link.duty || may(link.duty);

function brand() {
  return h("a", { class: "portal-brand", href: "index.html" },
    h("span", { class: "portal-brand__agency" }, "Community Development"),
    h("span", { class: "portal-brand__name" }, "Contractor Permit Portal"));
}

function menuLink(link, page, className) {
  const current = link.id === page;
  return h("a", { href: link.href, class: [className, current ? "usa-current" : null].filter(Boolean).join(" ") || null,
    "aria-current": current ? "page" : null, "aria-label": link.label || null }, link.text);
}

function sideMenuList(page) {
  const list = h("ul", { class: "usa-sidenav" });
  list.append(h("li", { class: "usa-sidenav__item" }, menuLink({ id: "dashboard", href: "dashboard.html", text: "My Dashboard" }, page)));
  for (const section of SIDE_MENU) {
    const links = section.links.filter(allowed);
    if (!links.length) continue; // a section the role has nothing in is left out whole
    const sub = h("ul", { class: "usa-sidenav__sublist" });
    for (const link of links) sub.append(h("li", { class: "usa-sidenav__item" }, menuLink(link, page)));
    list.append(h("li", { class: "usa-sidenav__item" }, h("span", { class: "portal-sidenav__section" }, section.title), sub));
  }
  return list;
}

// The guide's link bar. Below the desktop width it is USWDS's mobile menu: hidden until the Menu
// button opens it as a drawer, which then also holds the side menu (hidden in the page there).
function topNav(page, company, user) {
  const list = h("ul", { class: "portal-topnav__list" });
  for (const link of TOP_LINKS.filter(allowed)) list.append(h("li", {}, menuLink(link, page)));
  const logout = h("button", { type: "button", class: "portal-topnav__button", id: "logout-button" }, "LOG OUT");
  logout.addEventListener("click", () => logOut(logout));
  list.append(h("li", {}, logout));
  // A named user is shown with the company: "LOGGED IN AS: ACME BUILDERS — Ann Field".
  const person = isNamedUser(user) && user.name ? h("span", { id: "logged-in-user" }, ` — ${user.name}`) : null;
  list.append(h("li", { class: "portal-topnav__who" }, "LOGGED IN AS: ", h("strong", { id: "logged-in-as" }, company || ""), person));
  const close = h("button", { type: "button", class: "usa-nav__close", "aria-label": "Close the menu" },
    h("img", { src: "vendor/uswds/img/usa-icons/close.svg", alt: "" }));
  return h("nav", { class: "usa-nav portal-topnav", id: "portal-menu", "aria-label": "Main" },
    close,
    h("div", { class: "grid-container grid-container-widescreen" }, list,
      h("div", { class: "portal-topnav__side" }, sideMenuList(page))));
}

function menuButton() {
  return h("button", { type: "button", class: "usa-menu-btn portal-menu-button", "aria-controls": "portal-menu", "aria-expanded": "false" }, "Menu");
}

/** Open/close the phone menu as USWDS's header does: the drawer and overlay shown, the page behind
 * it inert (so focus and screen readers stay in the menu), Escape or the overlay closing it. */
export function wireMenu(header) {
  const button = $(".usa-menu-btn", header);
  const nav = $(".usa-nav", header);
  const overlay = $(".usa-overlay", header);
  if (!button || !nav) return;
  const behind = () => [$(".usa-skipnav"), $(".portal-page"), $("#site-footer"), $(".portal-header__top", header)].filter(Boolean);
  const setOpen = (open, { restoreFocus = true } = {}) => {
    nav.classList.toggle("is-visible", open);
    overlay?.classList.toggle("is-visible", open);
    document.body.classList.toggle("usa-js-mobile-nav--active", open);
    button.setAttribute("aria-expanded", String(open));
    for (const el of behind()) el.inert = open;
    if (open) $("a, button:not(.usa-nav__close)", nav)?.focus();
    else if (restoreFocus) button.focus();
  };
  button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
  $(".usa-nav__close", nav)?.addEventListener("click", () => setOpen(false));
  overlay?.addEventListener("click", () => setOpen(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("is-visible")) setOpen(false);
  });
  // Widening the window past the phone layout leaves no open drawer (or inert page) behind.
  matchMedia("(min-width: 64em)").addEventListener("change", (event) => {
    if (event.matches && nav.classList.contains("is-visible")) setOpen(false, { restoreFocus: false });
  });
}

function sideMenu(page) {
  return h("nav", { class: "portal-sidemenu", "aria-label": "Side menu" }, sideMenuList(page));
}

function footer() {
  return h(
    "footer",
    { class: "portal-footer" },
    h("div", { class: "grid-container grid-container-widescreen" },
      h("p", {}, "Community Development contractor portal. When a payment is completed you must contact Community Development staff to have your permit issued.")),
  );
}

async function logOut(button) {
  button.disabled = true;
  button.textContent = "LOGGING OUT…";
  try {
    await post("/auth/logout", {}, { on401: "ignore" });
  } catch {
    // The session ends locally either way.
  }
  clearSession();
  broadcastLogout(); // every other tab of this site clears its session and goes to the login too
  location.assign("index.html?reason=logout");
}

/** A promise that never settles: the page stops here while it is being replaced (or refused). */
const stop = () => new Promise(() => {});

/** In place of a page the role may not open: its heading and why, and no call to the API. */
async function refuse(duty, user) {
  const main = $("#main-content");
  if (!main) return;
  const heading = $("h1", main);
  const text = await forbiddenText(duty, user);
  clear(main);
  main.removeAttribute("aria-busy");
  main.append(heading || h("h1", {}, "Not available"), alertBox("warning", null, text));
}

/**
 * Set up a page. options.auth: a signed-in contractor is required (default true).
 * options.chrome: "full" (header + side menu), "public" (brand only), "portal" (payment portal).
 * options.duty: what the user's role must be allowed (GET /me's `may`) to open the page; without it
 * the page says so instead of calling the API. Resolves to the session (null on public pages
 * without one); never resolves while the page is being sent elsewhere or is refused.
 */
export async function initPage({ page, auth = true, chrome = "full", title, duty = "" } = {}) {
  let session = getSession();
  if (auth && !session?.token) {
    // A new tab: another signed-in tab of this site may hand its session over (session.js).
    session = await sessionReady();
    if (!session?.token) {
      toLogin("signin");
      return stop();
    }
  }
  if (auth && session.mustCompleteSetup && page !== "setup") {
    location.assign("setup.html");
    return stop();
  }
  const signedIn = Boolean(session?.token && !session.mustCompleteSetup);
  const user = signedIn ? await loadMe() : null;
  const header = $("#site-header");
  if (header) {
    clear(header);
    const menu = chrome === "full" && signedIn;
    const banner = h("header", { class: "usa-header portal-header" },
      h("div", { class: "portal-header__top" },
        h("div", { class: "grid-container grid-container-widescreen portal-header__inner" }, brand(), menu ? menuButton() : null)));
    if (menu) banner.append(topNav(page, user?.company_name || session.company, user), h("div", { class: "usa-overlay" }));
    if (chrome === "portal") banner.append(h("div", { class: "portal-sandbox-strip" }, h("div", { class: "grid-container grid-container-widescreen" }, "Sandbox payment portal — for testing; no money moves.")));
    header.append(banner);
    if (menu) wireMenu(banner);
  }
  const side = $("#side-menu");
  if (side) {
    clear(side);
    if (chrome === "full" && signedIn) side.append(sideMenu(page));
    else side.remove();
  }
  const foot = $("#site-footer");
  if (foot) {
    clear(foot);
    foot.append(footer());
  }
  if (title) document.title = `${title} | Contractor Permit Portal`;
  if (user?.company_name) setCompany(user.company_name);
  else if (chrome === "full" && signedIn && !session.company && may("profile")) fillCompany();
  if (auth && duty && !may(duty)) {
    await refuse(duty, user);
    return stop();
  }
  return getSession();
}

async function fillCompany() {
  try {
    const profile = await get("/profile");
    setCompany(profile.company_name);
  } catch {
    // The header simply stays without the name.
  }
}

export function setCompany(company) {
  if (!company) return;
  updateSession({ company });
  const el = document.getElementById("logged-in-as");
  if (el) el.textContent = company;
}
