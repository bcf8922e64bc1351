// Inspection rows and their cancel buttons (permit page and Scheduled inspections).
import { del, seg } from "./api.js";
import { h, showMessage } from "./dom.js";
import { busy } from "./forms.js";
import { date, timeWindow } from "./format.js";

/**
 * Ask in the page before cancelling: a modal <dialog> (focus moves into it, Escape is "No", and the
 * browser gives focus back to the Cancel button on close). Resolves true only for "Yes".
 */
export function confirmCancel(inspection) {
  return new Promise((resolve) => {
    const what = `The ${inspection.inspection_type} inspection of ${date(inspection.date)} (${timeWindow(inspection.time_window)})`;
    const no = h("button", { type: "button", class: "usa-button usa-button--outline", value: "no" }, "No, keep it");
    const yes = h("button", { type: "button", class: "usa-button usa-button--secondary", value: "yes" }, "Yes, cancel it");
    const dialog = h(
      "dialog",
      { class: "portal-dialog", "aria-labelledby": "cancel-dialog-heading", "aria-describedby": "cancel-dialog-text" },
      h("h2", { id: "cancel-dialog-heading", class: "margin-top-0" }, "Cancel this inspection?"),
      h("p", { id: "cancel-dialog-text" }, `${what}${inspection.permit_no ? ` on permit ${inspection.permit_no}` : ""} will be cancelled and the inspector told.`),
      h("ul", { class: "usa-button-group" }, h("li", { class: "usa-button-group__item" }, no), h("li", { class: "usa-button-group__item" }, yes)),
    );
    let answer = false;
    yes.addEventListener("click", () => { answer = true; dialog.close(); });
    no.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice first: Enter on an accidental open keeps the inspection
  });
}

export function cancelButton(inspection, messageArea, onDone) {
  const label = `Cancel the ${inspection.inspection_type} inspection of ${date(inspection.date)}`;
  const button = h("button", { type: "button", class: "usa-button usa-button--secondary usa-button--small portal-small-button", "aria-label": label }, "Cancel");
  button.addEventListener("click", async () => {
    if (!(await confirmCancel(inspection))) return;
    await busy(button, async () => {
      try {
        await del(`/inspections/${seg(inspection.inspection_id)}`);
        showMessage(messageArea, "success", null, `The ${inspection.inspection_type} inspection of ${date(inspection.date)} is cancelled.`);
        await onDone?.();
      } catch (error) {
        showMessage(messageArea, "error", "The inspection could not be cancelled", error.detail || error.message);
      }
    }, "Cancelling…");
  });
  return button;
}
