// Audit entries ({at, by, action, subject, before?, after?}, GET /staff/audit) as a table: who, when,
// what, to which record, and what changed (before → after). Used by the audit trail and the job page.
import { h, table } from "../dom.js";
import { countyTimestamp } from "../format.js";

function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map(show).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** "field: before → after" for each field either side names. */
export function changes(entry) {
  const before = entry.before || {};
  const after = entry.after || {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (!names.length) return "";
  return h("ul", { class: "staff-change" }, names.map((name) => {
    const was = name in before ? show(before[name]) : null;
    const now = name in after ? show(after[name]) : null;
    const text = was === null ? now : now === null ? `${was} → (removed)` : was === now ? now : `${was} → ${now}`;
    return h("li", {}, h("strong", {}, `${name}: `), text);
  }));
}

export function subjectLink(subject) {
  return h("a", { class: "usa-link", href: `audit.html?subject=${encodeURIComponent(subject)}` }, subject);
}

export function auditTable(entries, { caption, zone, id, withSubject = true }) {
  const headers = ["WHEN", "WHO", "WHAT", ...(withSubject ? ["RECORD"] : []), "BEFORE → AFTER"];
  return table({
    caption,
    headers,
    rows: entries.map((e) => [countyTimestamp(e.at, zone), e.by || "(console)", e.action,
      ...(withSubject ? [subjectLink(e.subject)] : []), changes(e)]),
    id,
  });
}
