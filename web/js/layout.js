// The chrome of every page: the guide's header links, the side menu, the footer, and
// the sign-in guard. Pages call initPage() first.
import { get, post, toLogin } from "./api.js";
import { h, $, clear } from "./dom.js";
import { clearSession, getSession, updateSession } from "./session.js";

const TOP_LINKS = [
  { id: "home", href: "index.html", text: "HOME" },
  { id: "dashboard", href: "dashboard.html", text: "DASHBOARD" },
  { id: "profile", href: "profile.html", text: "VIEW/EDIT PROFILE" },
  { id: "cart", href: "cart.html", text: "VIEW CART" },
];

// The guide's side menu, with only the features this portal has.
const SIDE_MENU = [
  { title: "Permits", links: [
    { id: "search", href: "search.html", text: "Search Permit" },
    { id: "cart", href: "cart.html", text: "Pay Fees" },
  ] },
  { title: "Inspections", links: [
    { id: "schedule", href: "schedule.html", text: "Schedule" },
    { id: "inspections", href: "inspections.html", text: "Scheduled" },
  ] },
  { title: "Shopping Cart", links: [
    { id: "pay-all", href: "pay-all.html", text: "Pay All Fees" },
    { id: "paid-items", href: "paid-items.html", text: "Paid Items" },
  ] },
];

function brand() {
  return h(
    "div",
    { class: "portal-header__top" },
    h(
      "div",
      { class: "grid-container grid-container-widescreen portal-header__inner" },
      h("a", { class: "portal-brand", href: "index.html" },
        h("span", { class: "portal-brand__agency" }, "Community Development"),
        h("span", { class: "portal-brand__name" }, "Contractor Permit Portal")),
    ),
  );
}

function topNav(page, company) {
  const list = h("ul", { class: "portal-topnav__list" });
  for (const link of TOP_LINKS) {
    list.append(h("li", {}, h("a", { href: link.href, "aria-current": link.id === page ? "page" : null }, link.text)));
  }
  const logout = h("button", { type: "button", class: "portal-topnav__button", id: "logout-button" }, "LOG OUT");
  logout.addEventListener("click", () => logOut(logout));
  list.append(h("li", {}, logout));
  list.append(h("li", { class: "portal-topnav__who" }, "LOGGED IN AS: ", h("strong", { id: "logged-in-as" }, company || "")));
  return h("nav", { class: "portal-topnav", "aria-label": "Main" }, h("div", { class: "grid-container grid-container-widescreen" }, list));
}

function sideMenu(page) {
  const list = h("ul", { class: "usa-sidenav" });
  list.append(h("li", { class: "usa-sidenav__item" }, h("a", { href: "dashboard.html", class: page === "dashboard" ? "usa-current" : null, "aria-current": page === "dashboard" ? "page" : null }, "My Dashboard")));
  for (const section of SIDE_MENU) {
    const sub = h("ul", { class: "usa-sidenav__sublist" });
    for (const link of section.links) {
      const current = link.id === page;
      sub.append(h("li", { class: "usa-sidenav__item" }, h("a", { href: link.href, class: current ? "usa-current" : null, "aria-current": current ? "page" : null }, link.text)));
    }
    list.append(h("li", { class: "usa-sidenav__item" }, h("span", { class: "portal-sidenav__section" }, section.title), sub));
  }
  return h("nav", { class: "portal-sidemenu", "aria-label": "Side menu" }, list);
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
  location.assign("index.html?reason=logout");
}

/**
 * Set up a page. options.auth: a signed-in contractor is required (default true).
 * options.chrome: "full" (header + side menu), "public" (brand only), "portal" (payment portal).
 * Returns the session (or null on public pages).
 */
export function initPage({ page, auth = true, chrome = "full", title } = {}) {
  const session = getSession();
  if (auth && !session?.token) {
    toLogin("signin");
    throw new Error("not signed in");
  }
  if (auth && session.mustCompleteSetup && page !== "setup") {
    location.assign("setup.html");
    throw new Error("setup required");
  }
  const header = $("#site-header");
  if (header) {
    clear(header);
    const banner = h("header", { class: "portal-header" }, brand());
    if (chrome === "full" && session?.token && !session.mustCompleteSetup) banner.append(topNav(page, session.company));
    if (chrome === "portal") banner.append(h("div", { class: "portal-sandbox-strip" }, h("div", { class: "grid-container grid-container-widescreen" }, "Sandbox payment portal — for testing; no money moves.")));
    header.append(banner);
  }
  const side = $("#side-menu");
  if (side) {
    clear(side);
    if (chrome === "full" && session?.token && !session.mustCompleteSetup) side.append(sideMenu(page));
    else side.remove();
  }
  const foot = $("#site-footer");
  if (foot) {
    clear(foot);
    foot.append(footer());
  }
  if (title) document.title = `${title} | Contractor Permit Portal`;
  if (chrome === "full" && session?.token && !session.mustCompleteSetup && !session.company) fillCompany();
  return session;
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
