// View Map / Locate My Address / every "View on Map" (map.html). The base map is the county's
// configuration (GET /map/config); the layers are GET /meta/rules map.layers, read for the view only
// (GET /map/features?layer=&bbox=, again after each move). Every marker is a link named by its
// feature's label; the "In view" list beside the map holds the same links for keyboard and
// screen-reader users. ?permit= / ?project= / ?parcel= / ?inspection= centre on one record,
// highlighted and announced; ?locate=1 starts in Locate My Address; ?layers=a,b chooses the layers.
import { get, problemIs, seg } from "../api.js";
import { addressCombo } from "../address-combo.js";
import { alertBox, h, $, clear, params, showMessage } from "../dom.js";
import { date } from "../format.js";
import { initPage } from "../layout.js";
import { addBasemap, attributionText, bboxOf, drawBackground, leaflet, lonLat, mapConfig, parcelStyle, siteLink, streetStyle, tooWide } from "../map-base.js";
import { may } from "../me.js";
import { rulesOrNull } from "../rules.js";

const query = params();
const locateFirst = query.get("locate") === "1";
const chosenLayers = (query.get("layers") || "").split(",").map((s) => s.trim()).filter(Boolean);
const pageId = locateFirst ? "locate" : chosenLayers.length === 1 ? `map-${chosenLayers[0]}` : "map";
await initPage({ page: pageId, duty: "permits", title: locateFirst ? "Locate My Address" : "View Map" });
if (locateFirst) {
  $("#map-heading").textContent = "Locate My Address";
  $("#locate-heading").textContent = "Find your address";
}

/** What the site calls each layer the API serves (names only: which layers exist is the rules'). */
const LAYERS = {
  permits: { name: "Permits", one: "Permit", duty: "permits" },
  inspections: { name: "Scheduled inspections", one: "Inspection", duty: "inspections" },
  projects: { name: "Projects", one: "Project", duty: "permits" },
  properties: { name: "Properties (parcels)", one: "Property", duty: "", county: true },
};
const layerInfo = (layer) => LAYERS[layer] || { name: layer ? layer[0].toUpperCase() + layer.slice(1) : "", one: layer, duty: "" };
const REFRESH_MS = 300;
const RECORD_ZOOM = 17;

const message = $("#page-message");
const mapEl = $("#map");
const statusEl = $("#map-status");
const focusEl = $("#map-focus");
const countEl = $("#inview-count");
const listEl = $("#inview-list");

let L;
try {
  L = leaflet();
} catch (error) {
  showMessage(message, "error", "The map could not be shown", error.message);
  countEl.textContent = "";
  throw error;
}

const [config, rules] = await Promise.all([
  mapConfig().catch((error) => {
    showMessage(message, "error", "The map's settings could not be loaded", error.detail || error.message);
    return null;
  }),
  rulesOrNull(),
]);
const mapRules = rules?.map || {};
const center = Array.isArray(config?.center) && config.center.length === 2 ? config.center : null;

// ---- the map --------------------------------------------------------------------------------------
const map = L.map(mapEl, {
  center: center ? [center[1], center[0]] : [0, 0],
  zoom: Number.isFinite(config?.zoom) ? config.zoom : center ? 13 : 2,
  maxZoom: 19,
  attributionControl: false, // our own line below the map, as text
  keyboard: true,
});
// Focusing a marker near the edge must not scroll Leaflet's container (the drawing would slide).
mapEl.addEventListener("scroll", () => { mapEl.scrollTop = 0; mapEl.scrollLeft = 0; });
const base = addBasemap(map, config?.basemap);
$("#map-attribution").textContent = attributionText(config?.basemap);
if (base.notice) showMessage(message, "info", null, base.notice);
const streets = L.layerGroup().addTo(map);
const parcels = L.layerGroup().addTo(map);

/** A DivIcon whose element carries an aria-label (a cluster: "12 places here: zoom in to see them"). */
const LabelledIcon = L.DivIcon.extend({
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    if (this.options.ariaLabel) div.setAttribute("aria-label", this.options.ariaLabel);
    return div;
  },
});

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  return new LabelledIcon({
    html: h("span", { class: "portal-cluster__count" }, String(n)),
    className: "portal-cluster",
    iconSize: [40, 40],
    ariaLabel: `${n} places here: zoom in to see them`,
  });
}

const markers = typeof L.markerClusterGroup === "function"
  ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 36, disableClusteringAtZoom: RECORD_ZOOM,
    spiderfyOnMaxZoom: true, iconCreateFunction: clusterIcon })
  : L.layerGroup();
markers.addTo(map);
const extras = L.layerGroup().addTo(map); // the highlighted record and the located address

/**
 * A marker for one feature: its icon is a link to the record, named by the label (visually hidden
 * text, also its tooltip), so Tab reaches it and Enter or a click opens it.
 */
function markerFor({ layer, label, link, lat, lon }, { highlight = false, className = "" } = {}) {
  const href = siteLink(link);
  const inner = href
    ? h("a", { class: "portal-marker__link", href, title: label }, h("span", { class: "usa-sr-only" }, label))
    : h("span", { class: "portal-marker__link", title: label }, h("span", { class: "usa-sr-only" }, label));
  const size = highlight ? 40 : 28;
  const classes = ["portal-marker", `portal-marker--${layer || "place"}`, highlight ? "portal-marker--highlight" : "", className];
  const icon = L.divIcon({ html: inner, className: classes.filter(Boolean).join(" "), iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
  return L.marker([lat, lon], { icon, keyboard: false, riseOnHover: true, zIndexOffset: highlight ? 1000 : 0 });
}

function asPlace(feature) {
  const p = feature?.properties || {};
  const [lon, lat] = feature?.geometry?.type === "Point" ? feature.geometry.coordinates || [] : [];
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  const layer = p.layer || String(feature.id || "").split(":")[0];
  return { key: `${layer}:${p.id}`, layer, id: p.id, label: p.label || p.id || "", link: p.link, status: p.status, lat, lon };
}

// ---- layers ---------------------------------------------------------------------------------------
const layerNames = (Array.isArray(mapRules.layers) ? mapRules.layers : []).filter((layer) => !layerInfo(layer).duty || may(layerInfo(layer).duty));
const layerList = $("#layer-list");
for (const layer of layerNames) {
  const id = `layer-${layer}`;
  const checked = chosenLayers.length ? chosenLayers.includes(layer) : !layerInfo(layer).county;
  layerList.append(h("div", { class: "usa-checkbox portal-layers__item" },
    h("input", { class: "usa-checkbox__input", id, type: "checkbox", name: "layer", value: layer, checked }),
    h("label", { class: "usa-checkbox__label", for: id },
      h("span", { class: `portal-swatch portal-swatch--${layer}`, "aria-hidden": "true" }), layerInfo(layer).name)));
}
$("#layers").hidden = !layerNames.length;
if (!rules) showMessage(message, "error", "The map's layers could not be loaded", "Reload the page to try again.");
const checkedLayers = () => [...layerList.querySelectorAll("input[name=layer]:checked")].map((input) => input.value);
layerList.addEventListener("change", () => scheduleRefresh(0));

// ---- what is in view ------------------------------------------------------------------------------
let shownMarkers = new Map(); // key -> marker in the cluster group
let target = null; // the record asked for (?permit= ...), highlighted
let sequence = 0;
let timer = null;

function scheduleRefresh(delay = REFRESH_MS) {
  clearTimeout(timer);
  mapEl.dataset.state = "loading"; // until the view's features have been read and drawn
  timer = setTimeout(refresh, delay);
}

function setStatus(lines) {
  const text = lines.filter(Boolean).join(" ");
  if (statusEl.textContent !== text) statusEl.textContent = text; // announced only when it changes
}

async function readLayer(layer, bbox, wide) {
  if (layerInfo(layer).county && wide) return { layer, zoomIn: true, features: [] };
  try {
    const answer = await get(`/map/features?layer=${encodeURIComponent(layer)}&bbox=${bbox}`);
    return { layer, features: Array.isArray(answer?.features) ? answer.features : [], truncated: Boolean(answer?.truncated), answer };
  } catch (error) {
    if (problemIs(error, "bbox-too-large")) return { layer, zoomIn: true, features: [] };
    return { layer, error, features: [] };
  }
}

async function readCounty(path, bbox) {
  try {
    return await get(`${path}bbox=${bbox}`);
  } catch (error) {
    if (problemIs(error, "bbox-too-large")) return { zoomIn: true };
    return { error };
  }
}

async function refresh() {
  clearTimeout(timer);
  const mine = ++sequence;
  const bounds = map.getBounds();
  const bbox = bboxOf(bounds);
  markView();
  mapEl.dataset.bbox = bbox; // the view the layers are read for (tests compare it with the API's answer)
  mapEl.dataset.state = "loading";
  const wide = tooWide(bounds, mapRules.max_bbox_degrees);
  const layers = checkedLayers();
  const drawCounty = base.drawsCounty && !wide;
  const [results, streetAnswer, parcelAnswer] = await Promise.all([
    Promise.all(layers.map((layer) => readLayer(layer, bbox, wide))),
    drawCounty ? readCounty("/map/streets?", bbox) : null,
    drawCounty && !layers.includes("properties") ? readCounty("/map/features?layer=properties&", bbox) : null,
  ]);
  if (mine !== sequence) return; // the map moved again meanwhile

  // The county's own drawing (basemap none): streets and parcels, only when zoomed in enough.
  const ownParcels = results.find((r) => r.layer === "properties" && r.answer)?.answer;
  if (drawCounty) {
    if (streetAnswer && !streetAnswer.error && !streetAnswer.zoomIn) drawBackground(streets, streetAnswer, streetStyle());
    const parcelFeatures = ownParcels || parcelAnswer;
    if (parcelFeatures && !parcelFeatures.error && !parcelFeatures.zoomIn) drawBackground(parcels, parcelFeatures, parcelStyle());
  } else {
    streets.clearLayers();
    parcels.clearLayers();
  }

  const places = [];
  const seen = new Set();
  for (const result of results) {
    for (const feature of result.features) {
      const place = asPlace(feature);
      if (!place || seen.has(place.key) || !bounds.contains([place.lat, place.lon])) continue;
      seen.add(place.key);
      places.push(place);
    }
  }
  drawMarkers(places);
  drawList(places, bounds);

  const lines = [];
  const countyZoom = base.drawsCounty && wide;
  if (countyZoom || results.some((r) => r.zoomIn && layerInfo(r.layer).county)) lines.push("Zoom in to see parcels.");
  for (const r of results) {
    const name = layerInfo(r.layer).name.toLowerCase();
    if (r.zoomIn && !layerInfo(r.layer).county) lines.push(`Zoom in to see ${name}.`);
    if (r.truncated) lines.push(`Only the first ${r.features.length.toLocaleString("en-US")} ${name} in view are shown: zoom in to see them all.`);
    if (r.error) lines.push(`The ${name} could not be loaded: ${r.error.detail || r.error.message}`);
  }
  if ((streetAnswer?.error || parcelAnswer?.error) && !lines.length) lines.push("The county's streets and parcels could not be loaded.");
  setStatus(lines);
  mapEl.dataset.state = "ready";
}

function drawMarkers(places) {
  const next = new Map();
  for (const place of places) {
    if (target && place.key === target.key) continue; // drawn once, highlighted
    next.set(place.key, shownMarkers.get(place.key) || markerFor(place));
  }
  const gone = [...shownMarkers].filter(([key]) => !next.has(key)).map(([, marker]) => marker);
  const added = [...next].filter(([key]) => !shownMarkers.has(key)).map(([, marker]) => marker);
  if (markers.removeLayers) markers.removeLayers(gone);
  else gone.forEach((marker) => markers.removeLayer(marker));
  if (markers.addLayers) markers.addLayers(added);
  else added.forEach((marker) => markers.addLayer(marker));
  shownMarkers = next;
}

function drawList(places, bounds) {
  clear(listEl);
  const items = [...places];
  if (target && bounds.contains([target.lat, target.lon]) && !items.some((p) => p.key === target.key)) items.push(target);
  const order = (p) => (target && p.key === target.key ? -1 : Math.max(0, layerNames.indexOf(p.layer)));
  items.sort((a, b) => order(a) - order(b) || String(a.label).localeCompare(String(b.label), "en-US", { numeric: true }));
  for (const place of items) {
    const highlighted = target && place.key === target.key;
    const href = siteLink(place.link);
    listEl.append(h("li", { class: `portal-inview__item${highlighted ? " portal-inview__item--highlight" : ""}` },
      h("span", { class: `portal-swatch portal-swatch--${place.layer}`, "aria-hidden": "true" }),
      h("span", { class: "portal-inview__kind" }, `${layerInfo(place.layer).one}: `),
      href ? h("a", { class: "usa-link", href }, place.label) : place.label,
      highlighted ? h("strong", { class: "portal-inview__note" }, " (highlighted)") : null));
  }
  const n = items.length;
  countEl.textContent = n
    ? `${n.toLocaleString("en-US")} in view`
    : checkedLayers().length ? "Nothing in view. Move the map or zoom out to see more." : "Choose a layer to show on the map.";
}

function markView() {
  mapEl.dataset.center = lonLat(map.getCenter());
  mapEl.dataset.zoom = String(map.getZoom());
}
map.on("moveend", () => {
  markView();
  scheduleRefresh();
});

// ---- one record, highlighted (View on Map) --------------------------------------------------------
async function findTarget() {
  const inspection = query.get("inspection");
  const permitNo = query.get("permit");
  const projectNo = query.get("project");
  const parcelNo = query.get("parcel");
  if (inspection) {
    let no = permitNo;
    if (!no) {
      const scheduled = await get("/inspections/scheduled");
      no = (scheduled.items || []).find((i) => i.inspection_id === inspection)?.permit_no;
      if (!no) throw Object.assign(new Error(`Inspection ${inspection} is not among your scheduled inspections.`), { shown: true });
    }
    const permit = await get(`/permits/${seg(no)}`);
    const found = (permit.inspections || []).find((i) => i.inspection_id === inspection);
    const what = found ? `${found.inspection_type} ${date(found.date)}` : "inspection";
    // As the inspections layer labels it (its feature is this one, highlighted): "RES17-0150 ADDRESSING 2017-03-20 · 34554 CLUE…".
    const label = found ? `${permit.permit_no} ${found.inspection_type} ${found.date} · ${permit.address || ""}` : permit.permit_no;
    return { key: `inspections:${inspection}`, layer: "inspections", id: inspection, lat: permit.lat, lon: permit.lon, label,
      link: `permit.html?permit_no=${encodeURIComponent(permit.permit_no)}#inspections`, what: `The ${what} inspection of permit ${permit.permit_no}${permit.address ? ` at ${permit.address}` : ""}` };
  }
  if (permitNo) {
    const permit = await get(`/permits/${seg(permitNo)}`);
    return { key: `permits:${permit.permit_no}`, layer: "permits", id: permit.permit_no, lat: permit.lat, lon: permit.lon,
      label: [permit.permit_no, permit.address].filter(Boolean).join(" · "),
      link: `permit.html?permit_no=${encodeURIComponent(permit.permit_no)}`, what: `Permit ${[permit.permit_no, permit.address].filter(Boolean).join(" · ")}` };
  }
  if (projectNo) {
    const project = await get(`/projects/${seg(projectNo)}`);
    return { key: `projects:${project.project_no}`, layer: "projects", id: project.project_no, lat: project.lat, lon: project.lon,
      label: [project.project_no, project.name].filter(Boolean).join(" · "),
      link: `project.html?project_no=${encodeURIComponent(project.project_no)}`, what: `Project ${[project.project_no, project.name].filter(Boolean).join(" · ")}` };
  }
  if (parcelNo) {
    const property = await get(`/properties/${seg(parcelNo)}`);
    return { key: `properties:${property.parcel_no}`, layer: "properties", id: property.parcel_no, lat: property.lat, lon: property.lon,
      label: [property.parcel_no, property.address].filter(Boolean).join(" · "), geometry: property.geometry,
      link: `property.html?parcel_no=${encodeURIComponent(property.parcel_no)}`, what: `Property ${[property.parcel_no, property.address].filter(Boolean).join(" · ")}` };
  }
  return null;
}

function announce(type, text) {
  clear(focusEl).append(alertBox(type, null, text));
}

async function showTarget() {
  const wanted = query.get("inspection") || query.get("permit") || query.get("project") || query.get("parcel");
  if (!wanted) return;
  try {
    const record = await findTarget();
    if (!record) return;
    if (!Number.isFinite(record.lat) || !Number.isFinite(record.lon)) {
      announce("warning", `${record.what} has no place on the map yet: it is not on a parcel.`);
      return;
    }
    target = record;
    if (record.geometry && record.geometry.type !== "Point") {
      extras.addLayer(L.geoJSON({ type: "Feature", geometry: record.geometry, properties: {} },
        { style: () => ({ color: "#1a4480", weight: 3, fillColor: "#ffbe2e", fillOpacity: 0.35, interactive: false }), interactive: false }));
    }
    extras.addLayer(markerFor(record, { highlight: true }));
    map.setView([record.lat, record.lon], Math.max(RECORD_ZOOM, map.getZoom()), { animate: false });
    mapEl.dataset.highlight = record.key;
    announce("info", `${record.what} is shown on the map, highlighted.`);
  } catch (error) {
    const text = error.shown ? error.message
      : problemIs(error, "not-found") || error.status === 404 ? `${wanted} was not found among your records.` : error.detail || error.message;
    announce("error", `The map cannot show ${wanted}: ${text}`);
  }
}

// ---- Locate My Address ----------------------------------------------------------------------------
const locateMessage = $("#locate-message");
let located = null;

function locateAt(item, how) {
  clear(locateMessage);
  if (!Number.isFinite(item?.lat) || !Number.isFinite(item?.lon)) return;
  if (located) extras.removeLayer(located);
  const link = item.parcel_no ? `property.html?parcel_no=${encodeURIComponent(item.parcel_no)}` : null;
  located = markerFor({ layer: "located", label: `${item.address} (${how})`, link, lat: item.lat, lon: item.lon }, { highlight: true, className: "portal-marker--located" });
  located.bindTooltip(h("span", {}, item.address), { permanent: true, direction: "top", offset: [0, -20], className: "portal-located-label" });
  extras.addLayer(located);
  map.setView([item.lat, item.lon], Math.max(RECORD_ZOOM, map.getZoom()), { animate: false });
  mapEl.dataset.located = item.address;
  announce("info", `The map is centred on ${item.address}${how === "nearest to your location" ? ", the address nearest to your location" : ""}.`);
}

const combo = addressCombo($("#locate-address"), {
  onChoose: (item) => locateAt(item, "the address you chose"),
  onError: (error) => showMessage(locateMessage, "error", "The addresses could not be looked up", error.detail || error.message),
});

$("#locate-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const typed = $("#locate-address").value.trim();
  if (!typed) {
    showMessage(locateMessage, "error", null, "Type a street address, then choose it from the list.");
    return;
  }
  const item = await combo.chooseTyped();
  if (!item) showMessage(locateMessage, "error", null, `No county address matches “${typed}”. Check the number and street name.`);
});

$("#my-location").addEventListener("click", () => {
  const button = $("#my-location");
  if (button.getAttribute("aria-disabled") === "true") return; // already asking
  if (!navigator.geolocation) {
    showMessage(locateMessage, "error", null, "This browser cannot share your location. Type your address instead.");
    return;
  }
  button.setAttribute("aria-disabled", "true");
  const done = () => button.removeAttribute("aria-disabled");
  navigator.geolocation.getCurrentPosition(async (position) => {
    try {
      const { latitude, longitude } = position.coords;
      const nearest = await get(`/geocode/nearest?lat=${latitude.toFixed(6)}&lon=${longitude.toFixed(6)}`);
      locateAt(nearest, "nearest to your location");
    } catch (error) {
      const text = error.status === 404 ? "No county parcel was found near your location. Type your address instead." : error.detail || error.message;
      showMessage(locateMessage, "error", "Your location could not be used", text);
    } finally {
      done();
    }
  }, (error) => {
    done();
    const text = error.code === 1 ? "The browser was not allowed to share your location. Allow it for this site, or type your address instead."
      : error.code === 3 ? "Finding your location took too long. Try again, or type your address instead."
        : "Your location could not be found. Type your address instead.";
    showMessage(locateMessage, "error", "Your location could not be used", text);
  }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 0 });
});

// ---- start ----------------------------------------------------------------------------------------
if (locateFirst) $("#locate-address").focus();
await showTarget();
await refresh();
