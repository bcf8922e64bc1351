// The signed-in session, kept in sessionStorage (gone when the tab closes). The back office
// (web/staff/) keeps its own, so a staff sign-in never stands in for a contractor's or the reverse.
//
// A new tab starts with an empty sessionStorage. Rather than keep the token anywhere longer-lived
// (localStorage, a cookie), a tab without a session asks the other tabs of this origin over a
// BroadcastChannel, and any signed-in one hands its session over (README, "Where the browser keeps
// the session"). Logging out is told to every tab the same way. The contractor site and the back
// office use separate keys and separate channels, so the two never mix.
const STAFF = /\/staff\//.test(location.pathname);
const KEY = STAFF ? "portal.staff-session" : "portal.session";
const CHANNEL = STAFF ? "portal.staff-session" : "portal.session";
/** How long a tab without a session waits for another tab's answer before it is sent to log in. */
export const HANDOFF_WAIT_MS = 300;

export function getSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
}

function store(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function saveSession(login, extra = {}) {
  const previous = getSession() || {};
  return store({
    ...previous,
    ...extra,
    token: login.token,
    expiresAt: login.expires_at,
    role: login.role,
    mustCompleteSetup: Boolean(login.must_complete_setup),
  });
}

export function updateSession(fields) {
  const session = getSession();
  if (!session) return null;
  return store({ ...session, ...fields });
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

export function token() {
  return getSession()?.token || null;
}

// --- The hand-off between tabs -------------------------------------------------------------------

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
let waiting = null; // resolve() of the pending request, while this tab waits for an answer
let ready = null; // the promise sessionReady() answers, once per page

/** What a tab does when told to log out: the login page, with the reason it shows. */
function loggedOutElsewhere() {
  clearSession();
  location.assign("index.html?reason=logout");
}

function usable(session) {
  return Boolean(session && typeof session === "object" && typeof session.token === "string" && session.token);
}

if (channel) {
  channel.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type === "request") {
      // Only a signed-in tab answers; its session is handed over as it is kept here.
      const session = getSession();
      if (usable(session)) channel.postMessage({ type: "session", session });
    } else if (message.type === "session") {
      if (waiting && !usable(getSession()) && usable(message.session)) {
        store(message.session);
        waiting(getSession());
      }
    } else if (message.type === "logout") {
      if (getSession()) loggedOutElsewhere();
    }
  });
}

/**
 * The session of this tab, or of another signed-in tab of this origin, or null: resolves at once
 * when this tab has one, else after the first tab's answer or HANDOFF_WAIT_MS without one.
 * Asked once per page load.
 */
export function sessionReady() {
  if (usable(getSession())) return Promise.resolve(getSession());
  if (!channel) return Promise.resolve(null);
  if (!ready) {
    ready = new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), HANDOFF_WAIT_MS);
      function finish(session) {
        clearTimeout(timer);
        waiting = null;
        resolve(session);
      }
      waiting = finish;
      channel.postMessage({ type: "request" });
    });
  }
  return ready;
}

/** Tell every other tab of this origin (same site: contractor or back office) that the person logged out. */
export function broadcastLogout() {
  channel?.postMessage({ type: "logout" });
}
