"""One-off, idempotent: the back office's list indexes for a table written before them.

After the stack update has added GSI4 (and it is ACTIVE), run this once with the deployment's
TABLE_NAME and AWS credentials in the environment: `python scripts/backfill_staff_indexes.py`. It
finds every permit and payment with Queries (the directory, then each contractor's GSI1 range) and
saves each permit through its repository, which writes the search (GSI4) and the day's-inspections
(GSI2) entries it lacks; payments with a refund due get their REFUNDS entries. Running it again
writes nothing; any later save of a permit indexes it too. New tables (tests, `make run`) never need it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    from chalicelib import bootstrap
    from chalicelib.store.backfill import backfill_list_indexes

    counts = backfill_list_indexes(bootstrap.uow)
    print(f"{counts['permits']} permit(s) indexed, {counts['refund_entries']} refund entr(y/ies) added")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
