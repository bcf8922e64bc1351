// Inspection rows and their cancel buttons (permit page and Scheduled inspections).
import { del, seg } from "./api.js";
import { h, showMessage } from "./dom.js";
import { busy } from "./forms.js";
import { date } from "./format.js";

export function cancelButton(inspection, messageArea, onDone) {
  const label = `Cancel the ${inspection.inspection_type} inspection of ${date(inspection.date)}`;
  const button = h("button", { type: "button", class: "usa-button usa-button--secondary usa-button--small portal-small-button", "aria-label": label }, "Cancel");
  button.addEventListener("click", () =>
    busy(button, async () => {
      try {
        await del(`/inspections/${seg(inspection.inspection_id)}`);
        showMessage(messageArea, "success", null, `The ${inspection.inspection_type} inspection of ${date(inspection.date)} is cancelled.`);
        await onDone?.();
      } catch (error) {
        showMessage(messageArea, "error", "The inspection could not be cancelled", error.detail || error.message);
      }
    }, "Cancelling…"),
  );
  return button;
}
