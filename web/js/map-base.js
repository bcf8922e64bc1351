// What the map page and the small parcel map share: Leaflet (window.L, loaded by the page from
// vendor/leaflet with leaflet.markercluster), the county's map configuration (GET /map/config) and the
// base map it names, the view as the API's bbox, and features' links kept to the site's own pages.
//
// CSP: Leaflet positions everything through element.style (the CSSOM), which style-src 'self' allows;
// no <style> element or style="" attribute is written, so the site needs no 'unsafe-inline'. Text from
// the API is always put in with textContent (an HTMLElement as a DivIcon's html or a tooltip's
// content), never through Leaflet's HTML strings, and the attribution is a paragraph of our own.
import { get } from "./api.js";

/** Leaflet, as vendor/leaflet/leaflet.js defines it (a classic script, before the page's module). */
export function leaflet() {
  const L = window.L;
  if (!L || typeof L.map !== "function") throw new Error("The map library could not be loaded.");
  return L;
}

let config = null;

/** GET /map/config (public), once per page: {center: [lon, lat], zoom, basemap: {kind, url?, attribution?}}. */
export function mapConfig() {
  if (!config) {
    config = get("/map/config", { auth: false }).catch((error) => {
      config = null;
      throw error;
    });
  }
  return config;
}

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
const six = (value) => Number(value).toFixed(6);

/** A Leaflet bounds as the API's bbox "w,s,e,n" (inside the lon/lat ranges, 6 decimals). */
export function bboxOf(bounds) {
  const w = clamp(bounds.getWest(), -180, 180);
  const e = clamp(bounds.getEast(), -180, 180);
  const s = clamp(bounds.getSouth(), -90, 90);
  const n = clamp(bounds.getNorth(), -90, 90);
  return [w, s, e, n].map(six).join(",");
}

/** Is the view wider or taller than the county layers allow (GET /meta/rules map.max_bbox_degrees)? */
export function tooWide(bounds, maxDegrees) {
  if (!maxDegrees) return false;
  return bounds.getEast() - bounds.getWest() > maxDegrees || bounds.getNorth() - bounds.getSouth() > maxDegrees;
}

/** A feature's link, kept to a page of this site (relative, no scheme): anything else is not followed. */
export function siteLink(link) {
  const text = String(link || "");
  if (!text || /^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith("//") || text.startsWith("\\")) return null;
  return text;
}

/** "lon,lat" of a Leaflet point, 6 decimals: the map's data-center, which tests and scripts can read. */
export function lonLat(latlng) {
  return `${six(latlng.lng)},${six(latlng.lat)}`;
}

/**
 * The base map the configuration names. `xyz`: the county's tile server (L.tileLayer; its origin is in
 * the CSP when MAP_TILE_URL is set). `pmtiles` needs the protomaps-leaflet plugin, which the site does
 * not include: the county's own drawing is used instead and the caller is told. `none`: nothing here;
 * the caller draws streets and parcels from the API (drawCountyLines).
 * Returns {kind, drawsCounty, notice} — drawsCounty: the county's streets and parcels are to be drawn.
 */
export function addBasemap(map, basemap = {}) {
  const L = leaflet();
  const kind = basemap.kind || "none";
  if (kind === "xyz" && basemap.url) {
    L.tileLayer(basemap.url, { maxZoom: 19, attribution: "" }).addTo(map);
    return { kind, drawsCounty: false, notice: "" };
  }
  if (kind === "pmtiles") {
    return {
      kind,
      drawsCounty: true,
      notice: "The county's PMTiles base map needs a map plugin this site does not include yet: its own streets and parcels are drawn instead.",
    };
  }
  return { kind: "none", drawsCounty: true, notice: "" };
}

/** The attribution line under a map: Leaflet's, and the base map's own (text, from MAP_ATTRIBUTION). */
export function attributionText(basemap = {}) {
  const parts = ["Map: Leaflet"];
  if (basemap.kind === "xyz" && basemap.attribution) parts.push(String(basemap.attribution));
  else parts.push("streets and parcels: the county's GIS");
  return parts.join(" · ");
}

/** Street centre lines (GeoJSON LineStrings from GET /map/streets), drawn as a quiet background. */
export function streetStyle() {
  return { color: "#71767a", weight: 3, opacity: 0.9, interactive: false };
}

/** Parcels as the county's background: outlines when a feature has a polygon, small dots for points. */
export function parcelStyle() {
  return { color: "#a9aeb1", weight: 1, fillColor: "#f0f0f0", fillOpacity: 0.4, interactive: false };
}

/**
 * Draw a GeoJSON FeatureCollection's shapes into a Leaflet layer group (cleared first), non-interactive:
 * lines and polygons as given, points as small circles. Nothing from the features' properties is drawn.
 */
export function drawBackground(group, collection, style) {
  const L = leaflet();
  group.clearLayers();
  const features = Array.isArray(collection?.features) ? collection.features : [];
  for (const feature of features) {
    const geometry = feature?.geometry;
    if (!geometry) continue;
    if (geometry.type === "Point") {
      const [lon, lat] = geometry.coordinates || [];
      if (Number.isFinite(lat) && Number.isFinite(lon)) {
        group.addLayer(L.circleMarker([lat, lon], { ...style, radius: 3, fillOpacity: 0.9 }));
      }
    } else {
      group.addLayer(L.geoJSON({ type: "Feature", geometry, properties: {} }, { style: () => style, interactive: false }));
    }
  }
}
