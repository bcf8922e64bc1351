import { h, $, clear } from "../../dom.js";
import { initStaffPage } from "../layout.js";

const me = await initStaffPage({ page: "today", title: "Today" });
const today = $("#today");
clear(today);
today.append(h("p", {}, `Welcome, ${me.name || me.username}.`));
