// Puts the site's vendor assets into web/vendor/: the USWDS stylesheet built from the pinned Sass
// sources with only the components the site uses (scripts/build_uswds.mjs, web/sass/uswds.scss) and the
// font and image files it refers to, axe-core for the browser tests' accessibility checks, and the map
// page's Leaflet and leaflet.markercluster (script, stylesheet, marker images: served from the site's own
// origin, never a CDN). No page loads USWDS's JavaScript (uswds.min.js), so it is not copied.
// Usage: node scripts/copy_uswds.mjs
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { buildUswds } from "./build_uswds.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const uswds = join(root, "node_modules", "@uswds", "uswds");
const axe = join(root, "node_modules", "axe-core");
const leaflet = join(root, "node_modules", "leaflet");
const cluster = join(root, "node_modules", "leaflet.markercluster");
const vendor = join(root, "web", "vendor");

for (const dir of [uswds, axe, leaflet, cluster]) {
  if (!existsSync(dir)) {
    console.error(`missing ${dir}: run "npm ci" first`);
    process.exit(1);
  }
}

const { bytes, files } = await buildUswds();
mkdirSync(join(vendor, "axe-core"), { recursive: true });
copyFileSync(join(axe, "axe.min.js"), join(vendor, "axe-core", "axe.min.js"));

// Leaflet: the minified UMD build (window.L, which leaflet.markercluster extends), its stylesheet and the
// images that stylesheet refers to (images/layers.png, the default marker), kept beside it as Leaflet ships them.
const copyAll = (from, to, names) => {
  mkdirSync(to, { recursive: true });
  for (const name of names) copyFileSync(join(from, name), join(to, name));
};
rmSync(join(vendor, "leaflet"), { recursive: true, force: true });
copyAll(join(leaflet, "dist"), join(vendor, "leaflet"), ["leaflet.js", "leaflet.css"]);
copyAll(join(leaflet, "dist", "images"), join(vendor, "leaflet", "images"), readdirSync(join(leaflet, "dist", "images")));
rmSync(join(vendor, "leaflet.markercluster"), { recursive: true, force: true });
copyAll(join(cluster, "dist"), join(vendor, "leaflet.markercluster"),
  ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]);

const version = JSON.parse(readFileSync(join(uswds, "package.json"), "utf8")).version;
const axeVersion = JSON.parse(readFileSync(join(axe, "package.json"), "utf8")).version;
const sassVersion = JSON.parse(readFileSync(join(root, "node_modules", "sass", "package.json"), "utf8")).version;
const leafletVersion = JSON.parse(readFileSync(join(leaflet, "package.json"), "utf8")).version;
const clusterVersion = JSON.parse(readFileSync(join(cluster, "package.json"), "utf8")).version;
writeFileSync(join(vendor, "VERSIONS.txt"), `@uswds/uswds ${version} (built with sass ${sassVersion})\naxe-core ${axeVersion}\n`
  + `leaflet ${leafletVersion}\nleaflet.markercluster ${clusterVersion}\n`);
console.log(`web/vendor: @uswds/uswds ${version} (uswds.min.css ${bytes} bytes, ${files.length} fonts and images), axe-core ${axeVersion}, `
  + `leaflet ${leafletVersion}, leaflet.markercluster ${clusterVersion}`);
