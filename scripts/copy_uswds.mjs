// Copies the pinned USWDS build and axe-core from node_modules into web/vendor/.
// Idempotent: a file is copied only when missing or different in size/mtime.
// Usage: node scripts/copy_uswds.mjs
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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

const newer = (src, dest) => {
  if (!existsSync(dest)) return true;
  const a = statSync(src);
  const b = statSync(dest);
  return a.size !== b.size || a.mtimeMs > b.mtimeMs;
};
const copyOptions = { recursive: true, filter: (src, dest) => statSync(src).isDirectory() || newer(src, dest), preserveTimestamps: true };

// css/, fonts/, img/, js/ side by side so the stylesheet's relative ../fonts and ../img URLs resolve.
for (const part of ["css", "fonts", "img", "js"]) {
  cpSync(join(uswds, "dist", part), join(vendor, "uswds", part), copyOptions);
}
mkdirSync(join(vendor, "axe-core"), { recursive: true });
cpSync(join(axe, "axe.min.js"), join(vendor, "axe-core", "axe.min.js"), copyOptions);

const version = JSON.parse(readFileSync(join(uswds, "package.json"), "utf8")).version;
const axeVersion = JSON.parse(readFileSync(join(axe, "package.json"), "utf8")).version;
writeFileSync(join(vendor, "VERSIONS.txt"), `@uswds/uswds ${version}\naxe-core ${axeVersion}\n`);
console.log(`web/vendor: @uswds/uswds ${version}, axe-core ${axeVersion}`);
