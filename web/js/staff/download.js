// Files the API answers to a signed-in staff member (the payments CSV): fetched with the bearer
// token (a plain link cannot carry it) and handed to the browser as a download of a Blob.
import { API_BASE_URL, ApiError, toLogin } from "../api.js";
import { h } from "../dom.js";
import { token } from "../session.js";

/** GET path with the staff token and save the answer as `filename`; a refusal is raised as ApiError. */
export async function download(path, filename) {
  let response;
  try {
    response = await fetch(API_BASE_URL + path, {
      headers: { Accept: "text/csv, application/problem+json", Authorization: `Bearer ${token()}` },
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, { title: "Network error", detail: "The portal could not be reached. Check your connection and try again." });
  }
  if (response.status === 401) {
    toLogin("expired");
    return new Promise(() => {});
  }
  if (!response.ok) {
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      problem = {};
    }
    throw new ApiError(response.status, problem);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob;
}
