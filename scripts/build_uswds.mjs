// Builds the portal's USWDS stylesheet from the pinned @uswds/uswds Sass sources (web/sass/uswds.scss,
// only the components the site uses) into web/vendor/uswds/css/uswds.min.css — the path every page
// links — and copies only the font and image files that stylesheet refers to. Compressed, no source map.
// Usage: node scripts/build_uswds.mjs   (scripts/copy_uswds.mjs calls it too)
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const uswds = join(root, "node_modules", "@uswds", "uswds");
const entry = join(root, "web", "sass", "uswds.scss");
const out = join(root, "web", "vendor", "uswds");

/** Every relative url(...) in the CSS, resolved against css/: e.g. "fonts/source-sans-pro/x.woff2". */
export function referencedFiles(css) {
  const files = new Set();
  for (const match of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
    const ref = match[1].split(/[?#]/)[0];
    if (!ref || /^(data:|[a-z]+:|\/)/i.test(ref)) continue;
    const path = normalize(join("css", ref));
    if (path.startsWith("..")) throw new Error(`the stylesheet refers outside vendor/uswds: ${ref}`);
    files.add(path.split(sep).join("/"));
  }
  return [...files].sort();
}

export async function buildUswds() {
  if (!existsSync(uswds)) throw new Error(`missing ${uswds}: run "npm ci" first`);
  const sass = await import("sass");
  const result = sass.compile(entry, {
    loadPaths: [join(uswds, "packages")],
    style: "compressed",
    sourceMap: false,
    quietDeps: true, // USWDS's own deprecation notices are not ours to fix
  });
  const css = result.css;
  const files = referencedFiles(css);
  // Start clean, so no stale file of the full USWDS build (11 MB of images, every font) stays behind.
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "css"), { recursive: true });
  writeFileSync(join(out, "css", "uswds.min.css"), css);
  for (const file of files) {
    const src = join(uswds, "dist", file);
    if (!existsSync(src)) throw new Error(`the stylesheet refers to ${file}, which USWDS does not ship`);
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(src, join(out, file));
  }
  return { bytes: Buffer.byteLength(css), files };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  buildUswds()
    .then(({ bytes, files }) => console.log(`web/vendor/uswds/css/uswds.min.css: ${bytes} bytes, ${files.length} files it refers to`))
    .catch((error) => {
      console.error(error.message ?? error);
      process.exit(1);
    });
}
