// Puts the site's vendor assets into web/vendor/: the USWDS stylesheet built from the pinned Sass
// sources with only the components the site uses (scripts/build_uswds.mjs, web/sass/uswds.scss) and the
// font and image files it refers to, and axe-core for the browser tests' accessibility checks.
// No page loads USWDS's JavaScript (uswds.min.js), so it is not copied.
// Usage: node scripts/copy_uswds.mjs
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { buildUswds } from "./build_uswds.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const uswds = join(root, "node_modules", "@uswds", "uswds");
const axe = join(root, "node_modules", "axe-core");
const vendor = join(root, "web", "vendor");

for (const dir of [uswds, axe]) {
  if (!existsSync(dir)) {
    console.error(`missing ${dir}: run "npm ci" first`);
    process.exit(1);
  }
}

const { bytes, files } = await buildUswds();
mkdirSync(join(vendor, "axe-core"), { recursive: true });
copyFileSync(join(axe, "axe.min.js"), join(vendor, "axe-core", "axe.min.js"));

const version = JSON.parse(readFileSync(join(uswds, "package.json"), "utf8")).version;
const axeVersion = JSON.parse(readFileSync(join(axe, "package.json"), "utf8")).version;
const sassVersion = JSON.parse(readFileSync(join(root, "node_modules", "sass", "package.json"), "utf8")).version;
writeFileSync(join(vendor, "VERSIONS.txt"), `@uswds/uswds ${version} (built with sass ${sassVersion})\naxe-core ${axeVersion}\n`);
console.log(`web/vendor: @uswds/uswds ${version} (uswds.min.css ${bytes} bytes, ${files.length} fonts and images), axe-core ${axeVersion}`);
