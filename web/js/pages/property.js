// A property (property.html?parcel_no=): the parcel's details, its shape on a small map (the county's
// base map: its tiles, or its own streets), this company's permits on it, and View on Map. The small map
// is a picture (role img, named by the parcel): it takes no focus; the big map is one link away.
import { get, problemIs, seg } from "../api.js";
import { h, $, clear, params, showMessage } from "../dom.js";
import { initPage } from "../layout.js";
import { addBasemap, attributionText, bboxOf, drawBackground, leaflet, mapConfig, streetStyle } from "../map-base.js";
import { permitTable, summaryList } from "../permit-table.js";

await initPage({ page: "property", duty: "permits", title: "Property" });
const parcelNo = params().get("parcel_no") || "";
const message = $("#page-message");

async function drawMap(p) {
  if (!Number.isFinite(p.lat) || !Number.isFinite(p.lon)) return;
  let L;
  try {
    L = leaflet();
  } catch {
    return; // the details and permits are there without the picture
  }
  const el = $("#property-map");
  el.hidden = false;
  el.setAttribute("aria-label", `Map of parcel ${p.parcel_no} at ${p.address || "its address"}, outlined`);
  const map = L.map(el, { center: [p.lat, p.lon], zoom: 18, attributionControl: false, zoomControl: false, keyboard: false,
    dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, touchZoom: false, tap: false });
  const config = await mapConfig().catch(() => null);
  const base = addBasemap(map, config?.basemap);
  $("#map-attribution").textContent = attributionText(config?.basemap);
  const streets = base.drawsCounty ? L.layerGroup().addTo(map) : null; // under the parcel's outline
  const shape = { color: "#1a4480", weight: 3, fillColor: "#ffbe2e", fillOpacity: 0.35, interactive: false };
  let outline = null;
  if (p.geometry && p.geometry.type !== "Point") {
    outline = L.geoJSON({ type: "Feature", geometry: p.geometry, properties: {} }, { style: () => shape, interactive: false }).addTo(map);
    map.fitBounds(outline.getBounds(), { padding: [24, 24], maxZoom: 19, animate: false });
  } else {
    L.circleMarker([p.lat, p.lon], { ...shape, radius: 8, fillOpacity: 0.9 }).addTo(map);
  }
  if (streets) {
    get(`/map/streets?bbox=${bboxOf(map.getBounds())}`)
      .then((answer) => {
        drawBackground(streets, answer, streetStyle());
        streets.eachLayer((layer) => layer.bringToBack?.());
      })
      .catch(() => {}); // the parcel is outlined without its streets
  }
}

async function load() {
  if (!parcelNo) {
    clear($("#property-summary"));
    showMessage(message, "error", "No property chosen", "Find a property with Search Property.");
    return;
  }
  try {
    const p = await get(`/properties/${seg(parcelNo)}`);
    document.title = `Property ${p.parcel_no} | Contractor Permit Portal`;
    $("#property-heading").textContent = `Property ${p.parcel_no}`;
    clear($("#property-summary")).append(summaryList([
      ["Parcel number", p.parcel_no],
      ["Address", p.address],
      ["City", p.city],
      ["State", p.state],
      ["Zip", p.zip],
    ]));
    clear($("#property-actions")).append(
      h("a", { class: "usa-button usa-button--outline", href: `map.html?parcel=${encodeURIComponent(p.parcel_no)}` }, "View on Map"));
    await drawMap(p);
    clear($("#permits")).append(await permitTable(p.permits, { labelledBy: "permits-heading", id: "property-permits", message,
      empty: "Your company has no permits on this property." }));
  } catch (error) {
    clear($("#property-summary"));
    clear($("#permits"));
    const text = problemIs(error, "not-found") || error.status === 404 ? `Property ${parcelNo} was not found.` : error.detail || error.message;
    showMessage(message, "error", "The property could not be loaded", text);
  }
}
load();
