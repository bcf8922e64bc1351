// The signed-in session, kept in sessionStorage (gone when the tab closes). The back office
// (web/staff/) keeps its own, so a staff sign-in never stands in for a contractor's or the reverse.
const KEY = /\/staff\//.test(location.pathname) ? "portal.staff-session" : "portal.session";

export function getSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

export function saveSession(login, extra = {}) {
  const previous = getSession() || {};
  const session = {
    ...previous,
    ...extra,
    token: login.token,
    expiresAt: login.expires_at,
    role: login.role,
    mustCompleteSetup: Boolean(login.must_complete_setup),
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function updateSession(fields) {
  const session = getSession();
  if (!session) return null;
  const next = { ...session, ...fields };
  sessionStorage.setItem(KEY, JSON.stringify(next));
  return next;
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

export function token() {
  return getSession()?.token || null;
}
