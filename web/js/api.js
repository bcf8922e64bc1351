// The one client of the portal API (see API.md). Base URL from config.js, which
// `make run` writes; the bearer token from the session. Errors are RFC 9457 problem
// details, raised as ApiError so pages can put each message beside its field. Pages branch
// on the problem's type (problemIs(error, "wrong-secret-answer")), never on its English text.
import { clearSession, sessionReady, token, updateSession } from "./session.js";

let base = "";
try {
  const config = await import("../config.js");
  base = String(config.API_BASE_URL || "").replace(/\/+$/, "");
} catch {
  base = ""; // same origin (e.g. behind one CDN)
}
export const API_BASE_URL = base;

export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.type = typeof problem.type === "string" ? problem.type : "about:blank";
    this.title = problem.title || "";
    this.detail = problem.detail || "";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.retryAfter = problem.retryAfter || null;
    // After a wrong password, PIN, secret answer or code: failures left before the lock-out.
    this.attemptsLeft = Number.isInteger(problem.attempts_left) ? problem.attempts_left : null;
  }
}

/**
 * The slug of a problem type: "https://permits.example.gov/problems/fees-due" -> "fees-due";
 * "" for about:blank (a plain HTTP error) or no type at all.
 */
export function problemSlug(error) {
  const type = String(error?.type || "");
  if (!type || type === "about:blank") return "";
  const path = type.split(/[?#]/)[0].replace(/\/+$/, "");
  return path.slice(path.lastIndexOf("/") + 1);
}

/** True when the error (an ApiError or a problem object) has one of these problem types. */
export function problemIs(error, ...slugs) {
  const slug = problemSlug(error);
  return Boolean(slug) && slugs.includes(slug);
}

/**
 * Send the user back to log in, with a reason the login page shows. A 401 ("expired") ends this
 * tab's session; callers that merely found no session (initPage) wait for sessionReady() first, so
 * a new tab of a signed-in person is not sent away before another tab could hand its session over.
 */
export function toLogin(reason = "expired") {
  clearSession();
  const here = location.pathname.split("/").pop() || "index.html";
  const next = here === "index.html" ? "" : `&next=${encodeURIComponent(here + location.search)}`;
  location.assign(`index.html?reason=${encodeURIComponent(reason)}${next}`);
}

/**
 * request("GET", "/dashboard") -> parsed JSON (null for 204).
 * options.auth (default true) sends the token; a 401 on an authenticated call ends the session;
 * options.cache is fetch's cache mode (default "no-store").
 */
export async function request(method, path, body, { auth = true, on401 = "login", cache = "no-store" } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  // A new tab may not have its session yet: another signed-in tab hands it over first (session.js).
  const bearer = auth ? token() || (await sessionReady())?.token || null : null;
  if (auth && bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache, // "no-store" unless a public, ETag-validated answer (GET /meta/common-passwords)
    });
  } catch {
    throw new ApiError(0, {
      title: "Network error",
      detail: "The portal could not be reached. Check your connection and try again.",
    });
  }
  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 200) };
    }
  }
  if (response.ok) return data;
  const problem = data && typeof data === "object" ? data : {};
  const retry = response.headers.get("Retry-After");
  if (retry) problem.retryAfter = retry;
  // 401 on a call that sent a token: the session is over (session-ended, or no token: about:blank).
  if (response.status === 401 && auth && on401 === "login") {
    toLogin("expired");
    // Never resolves: the page is being replaced.
    return new Promise(() => {});
  }
  if (auth && problemIs(problem, "setup-required") && !/\/setup\.html$/.test(location.pathname)) {
    // A PIN session: nothing but first-login set-up works until it is done.
    updateSession({ mustCompleteSetup: true });
    location.assign("setup.html");
    return new Promise(() => {});
  }
  throw new ApiError(response.status, problem);
}

export const get = (path, options) => request("GET", path, undefined, options);
export const post = (path, body, options) => request("POST", path, body ?? {}, options);
export const put = (path, body, options) => request("PUT", path, body, options);
export const del = (path, options) => request("DELETE", path, undefined, options);

/** Path segment encoding for ids and permit numbers. */
export const seg = (value) => encodeURIComponent(String(value));
