"""Import time of app.py in a fresh interpreter (what a Lambda cold start pays before a request)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from bench.counting import Row

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"


def run() -> list[Row]:
    samples = []
    for _ in range(7):
        out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
        samples.append(float(out.stdout.strip()))
    median_ms = statistics.median(samples) * 1000
    return [Row("startup", "import app (median of 7, fresh interpreter)", value=f"{median_ms:.0f} ms",
                goal="no boto3 or settings at import")]
