// Projects ▶ Pay Fees: every fee due on a project's permits into the cart in one step
// (POST /cart/projects/{no}), then the cart. Nothing due (409 no-fees-due) or any refusal is said
// beside the button, in a status of its own.
import { post, problemIs, seg } from "./api.js";
import { h } from "./dom.js";
import { busy } from "./forms.js";
import { isPositive, money } from "./format.js";

export function payProjectButton(project, { small = false } = {}) {
  const due = isPositive(project.fees_due);
  const button = h("button", { type: "button", class: `usa-button${small ? " usa-button--small portal-small-button" : ""}` }, "Pay Fees");
  // The accessible name starts with the visible words (WCAG 2.5.3) and says which project.
  button.setAttribute("aria-label", due ? `Pay Fees of ${money(project.fees_due)} due on project ${project.project_no}` : `Pay Fees of project ${project.project_no}`);
  const note = h("span", { class: "portal-pay-note", role: "status" });
  button.addEventListener("click", () => busy(button, async () => {
    note.textContent = "";
    try {
      await post(`/cart/projects/${seg(project.project_no)}`, {});
      location.assign("cart.html");
    } catch (error) {
      note.textContent = problemIs(error, "no-fees-due")
        ? error.detail || `No fees are due on project ${project.project_no}.`
        : `The fees could not be added to the cart: ${error.detail || error.message}`;
      note.classList.toggle("portal-pay-note--error", !problemIs(error, "no-fees-due"));
    }
  }, "Adding to cart…"));
  return h("span", { class: "portal-pay" }, button, note);
}
