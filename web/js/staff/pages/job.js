// Run the expiry job now (supervisors): POST /staff/jobs/flag-expired {"as_of"?} answers
// {"flagged", "reminded"}; the runs staff started are in the audit trail (subject job:flag-expired).
import { get, post } from "../../api.js";
import { h, $, clear, showMessage } from "../../dom.js";
import { busy, clearErrors, showErrors, values } from "../../forms.js";
import { date } from "../../format.js";
import { rulesOrNull } from "../../rules.js";
import { auditTable } from "../audit-view.js";
import { initStaffPage, may } from "../layout.js";

const me = await initStaffPage({ page: "job", duty: "job", title: "Expiry job" });
const zone = (await rulesOrNull())?.county?.time_zone;
const SUBJECT = "job:flag-expired";
const form = $("#job-form");
const runs = $("#runs");

const plural = (n, one, many) => `${n} ${Number(n) === 1 ? one : many}`;

async function loadRuns() {
  clear(runs);
  if (!may(me, "audit")) {
    runs.append(h("p", {}, "Earlier runs are in the audit trail."));
    return;
  }
  try {
    const page = await get(`/staff/audit?subject=${encodeURIComponent(SUBJECT)}&limit=10`);
    const items = page.items || [];
    if (!items.length) {
      runs.append(h("p", { class: "portal-empty" }, "No one has run the job from the back office yet."));
      return;
    }
    runs.append(auditTable(items, { caption: "The job's last runs by staff, newest first", zone, id: "runs-table", withSubject: false }),
      h("p", {}, h("a", { class: "usa-link", href: `audit.html?subject=${encodeURIComponent(SUBJECT)}` }, "Every run in the audit trail")));
  } catch (error) {
    runs.append(h("p", {}, `Earlier runs could not be loaded: ${error.detail || error.message}`));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = values(form);
  busy($("#job-button"), async () => {
    try {
      const result = await post("/staff/jobs/flag-expired", body.as_of ? { as_of: body.as_of } : {});
      clearErrors(form);
      const when = body.as_of ? `as of ${date(body.as_of)}` : "as of today";
      const box = showMessage($("#job-result"), "success", "The expiry job ran",
        `Run ${when}: ${plural(result.flagged, "permit", "permits")} flagged expired; ${plural(result.reminded, "reminder", "reminders")} of a coming expiry mailed.`);
      box.setAttribute("tabindex", "-1");
      box.focus();
      await loadRuns();
    } catch (error) {
      clear($("#job-result"));
      showErrors(form, error);
    }
  }, "Running…");
});

loadRuns();
