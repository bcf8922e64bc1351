// Formatting for the county's screens. Money arrives from the API as strings with two
// decimals ("1054.70"); it is formatted as a string, never through a float.

const MONEY = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** "1054.70" -> "$1,054.70"; "-5" -> "-$5.00"; anything unreadable is shown as given. */
export function money(value) {
  if (value === null || value === undefined || value === "") return "";
  const text = String(value).trim();
  const match = MONEY.exec(text);
  if (!match) return text;
  const [, sign, whole, cents = ""] = match;
  const digits = whole.replace(/^0+(?=\d)/, "");
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const negative = sign && /[1-9]/.test(digits + cents);
  return `${negative ? "-" : ""}$${grouped}.${cents.padEnd(2, "0")}`;
}

/** True when a money string is more than zero. */
export function isPositive(value) {
  const match = MONEY.exec(String(value ?? "").trim());
  return Boolean(match && !match[1] && /[1-9]/.test(match[2] + (match[3] || "")));
}

/** "2017-03-20" -> "3/20/2017" (the county's way); other text is shown as given. */
export function date(value) {
  if (!value) return "";
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
  if (!match) return String(value);
  return `${Number(match[2])}/${Number(match[3])}/${match[1]}`;
}

/**
 * The one way the site writes a time of day, as the server's messages do (chalicelib/domain/wording.py
 * clock_time): a 24-hour "15:00" (the rules' cut-offs) -> "3:00 PM", "00:30" -> "12:30 AM".
 */
export function clockTime(value) {
  const match = /^(\d{1,2}):(\d{2})/.exec(String(value ?? ""));
  if (!match) return String(value ?? "");
  const hours = Number(match[1]);
  return `${hours % 12 || 12}:${match[2]} ${hours < 12 ? "AM" : "PM"}`;
}

/** An RFC 3339 timestamp shown as the user's local date and time: "3/20/2017 2:05 PM". */
export function timestamp(value) {
  if (!value) return "";
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) return String(value);
  const day = `${when.getMonth() + 1}/${when.getDate()}/${when.getFullYear()}`;
  return `${day} ${clockTime(`${when.getHours()}:${String(when.getMinutes()).padStart(2, "0")}`)}`;
}

/** Words for time windows. Payment method names come from GET /meta/rules (rules.js). */
export const TIME_WINDOWS = { AM: "Morning (AM)", PM: "Afternoon (PM)", ANY: "Any time" };

/** An inspection's time window in words ("AM" -> "Morning (AM)"); a missing one is any time. */
export function timeWindow(value) {
  return TIME_WINDOWS[value || "ANY"] || String(value);
}

/** A payment method's name from the API's payment_methods ([{method, name, label}]); the code if unknown. */
export function paymentMethod(value, methods = []) {
  const found = (methods || []).find((m) => m.method === value);
  return found?.name || found?.label || value || "";
}

/**
 * An instant's parts on the county's clock (GET /meta/rules county.time_zone), not the browser's:
 * a contractor on a trip still reads the county's times. An unknown zone falls back to the browser's.
 */
function zonedParts(value, timeZone) {
  if (!value) return null;
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) return null;
  const options = { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h12", timeZoneName: "short" };
  let format;
  try {
    format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone || undefined });
  } catch {
    format = new Intl.DateTimeFormat("en-US", options);
  }
  return Object.fromEntries(format.formatToParts(when).map((part) => [part.type, part.value]));
}

/** An RFC 3339 instant as a time of day in the county's zone: "3:42 PM" (the one 12-hour format). */
export function countyClock(value, timeZone) {
  const p = zonedParts(value, timeZone);
  if (!p) return String(value ?? "");
  return clockTime(`${Number(p.hour) % 12 + (p.dayPeriod === "PM" ? 12 : 0)}:${p.minute}`);
}

/** An RFC 3339 instant in the county's zone with US date and the zone's name: "12/3/2026 3:42 PM PST". */
export function countyTimestamp(value, timeZone) {
  const p = zonedParts(value, timeZone);
  if (!p) return value ? String(value) : "";
  return `${p.month}/${p.day}/${p.year} ${countyClock(value, timeZone)} ${p.timeZoneName}`;
}

/** The words for a payment holding a permit's fees: "Payment in progress — until 3:42 PM". */
export function paymentInProgress(until, timeZone) {
  return `Payment in progress — until ${countyClock(until, timeZone)}`;
}
