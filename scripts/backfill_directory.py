"""One-off, idempotent: list a table's businesses on GSI3, the login drop-down's index.

Tables written before GSI3 existed keep each business's directory entry on GSI1 (GSI1PK=DIRECTORY);
after the stack update has added GSI3 (and it is ACTIVE), run this once with the deployment's
TABLE_NAME and AWS credentials in the environment: `python scripts/backfill_directory.py`. Each
business moved leaves GSI1's directory, so running it again moves nothing; a profile save moves a
business too. New tables (tests, `make run`) never need it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    from chalicelib import bootstrap

    moved = bootstrap.uow().accounts.backfill_directory()
    print(f"{moved} business(es) moved to GSI3")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
