"""Build the deployment package: `chalice package`, then a deployment.zip that carries precompiled bytecode.

    python scripts/build_package.py --stage prod --merge-template infra/template.json --out build

`chalice package` zips the sources only, so every cold start would compile ~200 modules before the first request.
This script unpacks Chalice's zip into a temporary staging directory (never the source tree: bytecode compiled
there with unchecked hashes would be used silently after a later edit of the .py), compiles it there, and writes
the zip back deterministically (sorted entries, fixed timestamps and permissions), so two builds of the same
sources are byte-identical.

Choices, for the reviewer:
- `--invalidation-mode unchecked-hash`: the package is immutable, so the interpreter need not stat or hash the
  source to trust the .pyc (zip timestamps are fixed anyway, which would break timestamp-based .pyc).
- optimisation level 0: Lambda's runtime runs without -O, so it looks for `*.cpython-313.pyc`, not `.opt-1.pyc`;
  and our code uses `assert` for invariants that -O would strip.
- the .py files stay beside the .pyc: tracebacks in CloudWatch show source lines, and the zip grows little.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Any fixed date >= 1980 (the zip format's epoch); what matters is that it never changes.
FIXED_DATE_TIME = (2020, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
DIR_MODE = 0o755
EXEC_MODE = 0o755


@dataclass(frozen=True)
class PackageStats:
    path: Path
    size: int
    py_files: int
    pyc_files: int

    def describe(self) -> str:
        return (f"{self.path}: {self.size:,} bytes ({self.size / 1_048_576:.1f} MiB), "
                f"{self.py_files} .py, {self.pyc_files} .pyc")


def chalice_package(stage: str, out: Path, merge_template: Path | None, python: str = sys.executable) -> None:
    """`chalice package` into `out` (replaced), from the project root."""
    if out.exists():
        shutil.rmtree(out)
    # chalice has no __main__; its console script is chalice.cli:main.
    command = [python, "-c", "import sys; from chalice.cli import main; sys.exit(main())",
               "package", "--stage", stage]
    if merge_template is not None:
        command += ["--merge-template", str(merge_template)]
    command.append(str(out))
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-west-2")}
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def compile_tree(directory: Path) -> None:
    """Compile every .py under `directory` to __pycache__/*.cpython-313.pyc, trusted without a source check."""
    ok = compileall.compile_dir(
        str(directory), quiet=1, optimize=0, workers=0,
        invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH,
        # Paths in code objects (tracebacks) are those inside the package, not the staging directory's.
        stripdir=str(directory), prependdir="/var/task",
    )
    if not ok:
        raise SystemExit(f"compileall failed under {directory}")


def write_deterministic_zip(source: Path, target: Path) -> None:
    """Zip `source` into `target`: sorted entries, fixed timestamps, normalised permissions, no directory entries."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            name = path.relative_to(source).as_posix()
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr carries the mode
            mode = EXEC_MODE if path.stat().st_mode & stat.S_IXUSR else FILE_MODE
            info.external_attr = (stat.S_IFREG | mode) << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(target)


def count(zip_path: Path) -> PackageStats:
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
    return PackageStats(zip_path, zip_path.stat().st_size,
                        py_files=sum(n.endswith(".py") for n in names),
                        pyc_files=sum(n.endswith(".pyc") for n in names))


def add_bytecode(zip_path: Path) -> PackageStats:
    """Rewrite `zip_path` in place with bytecode added, compiled in a staging directory outside the source tree."""
    with tempfile.TemporaryDirectory(prefix="portal-package-") as staging_name:
        staging = Path(staging_name)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(staging)
            # Chalice's own modes (e.g. an executable in a wheel) survive the round trip.
            for info in archive.infolist():
                mode = (info.external_attr >> 16) & 0o777
                if mode and not info.is_dir():
                    (staging / info.filename).chmod(mode | stat.S_IRUSR | stat.S_IWUSR)
        for stale in list(staging.rglob("__pycache__")):
            shutil.rmtree(stale)  # whatever Chalice picked up is not ours to trust
        compile_tree(staging)
        write_deterministic_zip(staging, zip_path)
    return count(zip_path)


def build(stage: str, out: Path, merge_template: Path | None) -> PackageStats:
    if merge_template is not None and not merge_template.exists():
        print(f"{merge_template} not found: packaging without a merge template", file=sys.stderr)
        merge_template = None
    out = out.resolve()
    chalice_package(stage, out, merge_template.resolve() if merge_template else None)
    return add_bytecode(out / "deployment.zip")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--merge-template", type=Path, default=None,
                        help="CloudFormation template merged into Chalice's (skipped if the file is absent)")
    parser.add_argument("--out", type=Path, default=Path("build"))
    parser.add_argument("--bytecode-only", type=Path, metavar="ZIP",
                        help="only add bytecode to an existing deployment.zip (no chalice package)")
    args = parser.parse_args(argv)
    if args.bytecode_only is not None:
        stats = add_bytecode(args.bytecode_only)
    else:
        stats = build(args.stage, args.out, args.merge_template)
    print(stats.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
