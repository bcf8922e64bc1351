// Search Projects and the project side of Pay Fees (the guide's Projects ▶ Search Projects / Pay Fees):
// this company's projects, GET /projects?q=, each with its fees due; Pay Fees puts every fee due on a
// project's permits into the cart in one step (POST /cart/projects/{no}).
import { get } from "../api.js";
import { h, $, clear, params, showMessage, table } from "../dom.js";
import { busy } from "../forms.js";
import { isPositive, money } from "../format.js";
import { initPage } from "../layout.js";
import { may } from "../me.js";
import { payProjectButton } from "../project-pay.js";

const paying = params().get("pay") === "1";
await initPage({ page: paying ? "projects-pay" : "projects", duty: paying ? "payments" : "permits", title: paying ? "Pay Fees of a Project" : "Search Projects" });
if (paying) {
  $("#search-heading").textContent = "Pay Fees of a Project";
  $("#projects-intro").textContent = "Choose a project: Pay Fees puts every fee due on its permits into your cart in one step.";
}
const form = $("#search-form");
const message = $("#page-message");
let rows = [];
let cursor = null;
let asked = "";

function projectLink(p) {
  return h("a", { class: "usa-link portal-permit-link", href: `project.html?project_no=${encodeURIComponent(p.project_no)}` }, p.project_no);
}

function actions(p) {
  const cell = h("span", { class: "portal-row-actions" },
    h("a", { class: "usa-link", href: `map.html?project=${encodeURIComponent(p.project_no)}`, "aria-label": `View on Map: ${p.project_no}` }, "View on Map"));
  if (may("payments") && isPositive(p.fees_due)) cell.append(payProjectButton(p, { small: true }));
  return cell;
}

function draw() {
  const box = clear($("#results"));
  if (!rows.length) return;
  const shown = paying ? rows.filter((p) => isPositive(p.fees_due)) : rows;
  if (!shown.length) {
    box.append(h("p", { class: "portal-empty" }, "No fees are due on these projects."));
    return;
  }
  box.append(table({
    headers: ["PROJECT NO.", "NAME", "STATUS", "FEES DUE", "LINKS"],
    rows: shown.map((p) => [projectLink(p), p.name || "", p.status || "", h("span", { class: "portal-money" }, money(p.fees_due)), actions(p)]),
    labelledBy: "search-heading",
    id: "projects-table",
  }));
}

function drawMore() {
  const more = clear($("#more"));
  if (!cursor) return;
  const button = h("button", { type: "button", class: "usa-button usa-button--outline" }, "Show more");
  button.addEventListener("click", () => busy(button, () => search(asked, cursor), "Loading more…"));
  more.append(button);
}

async function search(q, after = null) {
  clear(message);
  if (!after) {
    rows = [];
    clear($("#results"));
  }
  try {
    const parts = [q ? `q=${encodeURIComponent(q)}` : "", after ? `cursor=${encodeURIComponent(after)}` : ""].filter(Boolean);
    const list = await get(`/projects${parts.length ? `?${parts.join("&")}` : ""}`);
    rows = [...rows, ...(list.items || [])];
    cursor = list.next_cursor || null;
    asked = q;
    const n = rows.length;
    $("#results-count").textContent = n
      ? `${n.toLocaleString("en-US")} total record(s)${cursor ? " so far" : ""}`
      : q ? `No project matches “${q}”.` : "Your company has no projects.";
    draw();
    drawMore();
  } catch (error) {
    showMessage(message, "error", "The search failed", error.detail || error.message);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = form.elements.q.value.trim();
  const keep = paying ? "pay=1" : "";
  const search_ = [keep, q ? `q=${encodeURIComponent(q)}` : ""].filter(Boolean).join("&");
  history.replaceState(null, "", search_ ? `?${search_}` : "projects.html");
  busy($("#search-button"), () => search(q), "SEARCHING…");
});

const initial = params().get("q") || "";
form.elements.q.value = initial;
search(initial);
