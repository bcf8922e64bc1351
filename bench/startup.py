"""Import time of app.py in a fresh interpreter (what a Lambda cold start pays before a request), in the
source tree and in the packaged zip (build/deployment.zip, `make package`) with and without its
precompiled bytecode, beside bare `import chalice, boto3`; and the zip's size."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.counting import Row

ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT / "build" / "deployment.zip"
RUNS = 7


def _median_ms(statement: str, cwd: Path, path: str | None = None) -> float:
    probe = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    # No bytecode is written, so every run pays what a cold start pays with the files it is given.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if path is not None:
        env["PYTHONPATH"] = path
    samples = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True,
                             check=True, env=env)
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples) * 1000


def _packaged_rows() -> list[Row]:
    if not ZIP.exists():
        return [Row("startup", "import app from the packaged zip", value="no build/deployment.zip",
                    goal="run `make package` first")]
    rows = [Row("startup", "deployment.zip size", value=f"{ZIP.stat().st_size / 1_048_576:.1f} MiB",
                goal="under Lambda's 50 MiB zipped")]
    with tempfile.TemporaryDirectory() as tmp:
        with_pyc, without_pyc = Path(tmp) / "with", Path(tmp) / "without"
        with zipfile.ZipFile(ZIP) as archive:
            archive.extractall(with_pyc)
        shutil.copytree(with_pyc, without_pyc, ignore=shutil.ignore_patterns("__pycache__"))
        # Lambda's runtime provides boto3; the zip's own packages come first on the path, as in /var/task.
        for label, folder in (("with bytecode", with_pyc), ("without bytecode", without_pyc)):
            ms = _median_ms("import app", folder, str(folder))
            rows.append(Row("startup", f"import app from the unpacked zip, {label} (median of {RUNS})",
                            value=f"{ms:.0f} ms", goal="bytecode shipped in the zip"))
    return rows


def run() -> list[Row]:
    rows = [
        Row("startup", f"import app in the source tree (median of {RUNS}, fresh interpreter)",
            value=f"{_median_ms('import app', ROOT):.0f} ms", goal="no boto3 or settings at import"),
        Row("startup", f"bare import chalice, boto3 (median of {RUNS})",
            value=f"{_median_ms('import chalice, boto3', ROOT):.0f} ms", goal="the floor"),
    ]
    return rows + _packaged_rows()
