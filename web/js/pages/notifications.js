// My notifications: which e-mails this user gets (PUT /me/notifications). The choices and their
// labels are the API's (GET /meta/rules notifications), the current values the user's (GET /me).
import { put } from "../api.js";
import { h, $, clear, showMessage } from "../dom.js";
import { busy, showErrors } from "../forms.js";
import { initPage } from "../layout.js";
import { freshMe, keepMe } from "../me.js";
import { rules } from "../rules.js";

await initPage({ page: "notifications", title: "My notifications" });
const form = $("#notifications-form");
const choices = $("#choices");
const message = $("#page-message");
const save = $("#save-button");
let offered = []; // [{key, label}] from the rules
let keys = [];

function draw(list, current) {
  offered = list;
  keys = list.map((item) => item.key);
  clear(choices);
  for (const item of list) {
    const id = `notify-${item.key}`;
    choices.append(h("div", { class: "usa-checkbox" },
      h("input", { class: "usa-checkbox__input", id, type: "checkbox", name: item.key, checked: current?.[item.key] === true }),
      h("label", { class: "usa-checkbox__label", for: id }, item.label || item.key)));
  }
}

async function load() {
  try {
    const [all, user] = await Promise.all([rules(), freshMe()]);
    if (user.email) $("#my-email").textContent = user.email;
    draw(all.notifications || [], user.notifications || {});
    if (!keys.length) throw new Error("The portal offers no notifications to choose.");
  } catch (error) {
    clear(choices);
    save.hidden = true;
    showMessage(message, "error", "Your notifications could not be loaded", error.detail || error.message);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clear(message);
  const body = Object.fromEntries(keys.map((key) => [key, Boolean(form.elements[key]?.checked)]));
  busy(save, async () => {
    try {
      const user = keepMe(await put("/me/notifications", body));
      draw(offered, user.notifications || body);
      showMessage(message, "success", null, "Saved: your notification choices are updated.");
    } catch (error) {
      showErrors(form, error, { fallback: "Your notification choices could not be saved." });
    }
  }, "SAVING…");
});

load();
