"""Run every benchmark section and print one Markdown table."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.counting import Row

SECTIONS = ("bench.startup", "bench.accounts", "bench.permits", "bench.payments", "bench.pages", "bench.staff_lists",
            "bench.properties")


def main() -> None:
    logging.disable(logging.INFO)
    # The calls measured emit their metrics (EMF lines on stdout); the table is what this prints.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    rows: list[Row] = []
    for name in SECTIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue  # that area has no benchmark yet
            raise
        rows.extend(module.run())
    print("| area | what | DynamoDB requests | items read | goal |")
    print("|---|---|---|---|---|")
    for row in rows:
        if row.tally is None:
            print(f"| {row.section} | {row.what} | {row.value} | | {row.goal} |")
        else:
            t = row.tally
            print(f"| {row.section} | {row.what} | {t.requests} ({t.describe()}) | {t.items_read} | {row.goal} |")


if __name__ == "__main__":
    main()
