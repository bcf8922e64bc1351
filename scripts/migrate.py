"""Bring a table written by an earlier release up to this one: idempotent, safe to run on every start.

Runs at the start of `make run` (scripts/run_local.py) and after every `make deploy` (mk/deploy.mk),
with the deployment's TABLE_NAME (and AWS credentials) in the environment:
`python scripts/migrate.py`. Today's step:

- companies and their users become separate records (issue 13): each company whose first user still
  lives on its PROFILE item gets that user as its own USER# item, the company's first admin
  (`AccountRepository.migrate_first_users`). A migrated company has nothing left to move, so a second
  run writes nothing. It reads the directory (a Query) and the profiles in batches, never a Scan.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def migrate() -> dict[str, int]:
    """Every step, in order; how many records each changed."""
    from chalicelib import bootstrap

    return {"first_users": bootstrap.uow().accounts.migrate_first_users()}


def main() -> int:
    counts = migrate()
    print(f"migrate: {counts['first_users']} compan(y/ies) given their first admin as a user record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
