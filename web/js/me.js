// Who is signed in (GET /me) and what their role may do. The answer's `may` is the site's only
// source of role rules: the menu, the page guards and every Pay / Add to cart button read it here,
// never a role table of their own (the API stays the judge: a forbidden call is a 403).
import { get } from "./api.js";
import { rulesOrNull } from "./rules.js";
import { getSession, updateSession } from "./session.js";

/** What each duty's page does, for the message shown to a role without it. */
const DOING = {
  permits: "see permits",
  inspections: "request or cancel inspections",
  payments: "pay fees",
  profile: "see the company's profile",
  "edit-profile": "change the company's profile",
  users: "manage the company's users",
  activity: "see the company's activity",
  applications: "apply for permits",
};

let current = null;

/**
 * GET /me could not be read (and nothing was kept with the session): the role is unknown, so `may`
 * is unknown too and the site shows what it always showed. It restates no role table: a call the
 * role may not make is still refused by the API (403), and its message is shown.
 */
function unknownUser() {
  const session = getSession() || {};
  return { role: "", first_admin: true, company_name: session.company || "", may: null, notifications: null, assumed: true };
}

function remember(me) {
  current = me && Array.isArray(me.may) ? me : unknownUser();
  return current;
}

let inflight = null; // this page's GET /me, so a page that wants it fresh (notifications) does not ask twice

function fetchMe() {
  if (inflight) return inflight;
  inflight = get("/me").then((me) => {
    updateSession({ me });
    return me;
  });
  return inflight;
}

/**
 * The signed-in user, read once per page load. A record already kept with the session is used at
 * once (a role change or a disabling ends the session, so it holds for the session's life) and
 * refreshed behind the page; without one the page waits for GET /me. A 401 sends the person to the
 * login (api.js). Any other failure falls back to the kept record, else to an unknown role.
 */
export async function loadMe() {
  const kept = getSession()?.me;
  if (kept && Array.isArray(kept.may)) {
    fetchMe().then(remember, () => {});
    return remember(kept);
  }
  try {
    return remember(await fetchMe());
  } catch {
    return remember(null);
  }
}

/** GET /me again, now (the notifications page shows the current choices). */
export async function freshMe() {
  return remember(await fetchMe());
}

/** Keep a user record the API answered (PUT /me/notifications returns it). */
export function keepMe(me) {
  updateSession({ me });
  return remember(me);
}

/** The user loadMe() read, or the one kept with the session, or null before either. */
export function me() {
  return current || getSession()?.me || null;
}

/** May the signed-in user do this duty (a name from GET /me's `may`)? True before GET /me is known. */
export function may(duty) {
  const user = me();
  if (!user || !Array.isArray(user.may)) return true;
  return user.may.includes(duty);
}

/** A named user (not the company's first admin, who signs in without an e-mail). */
export function isNamedUser(user = me()) {
  return Boolean(user && !user.assumed && user.first_admin === false);
}

/** A role's label from GET /meta/rules company_roles ("Field"), else the role capitalised. */
export async function roleLabel(role) {
  const roles = (await rulesOrNull())?.company_roles || [];
  const found = roles.find((r) => r.role === role);
  if (found?.label) return found.label;
  return role ? role[0].toUpperCase() + role.slice(1) : "";
}

/** "Your role (Field) cannot pay fees. Ask your company's administrator." */
export async function forbiddenText(duty, user = me()) {
  const label = await roleLabel(user?.role);
  return `Your role (${label}) cannot ${DOING[duty] || "use this page"}. Ask your company's administrator.`;
}
