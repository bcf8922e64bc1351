"""`make first-supervisor USERNAME=… NAME=… EMAIL=…`: the first staff account of a deployed stage.

A deployed stage has no staff account and no default password (only `local` and `demo` are seeded
with the demo's `admin`). This creates an INVITED supervisor in the stage's table (TABLE_NAME and
AWS credentials from the environment; the Makefile reads TABLE_NAME and SITE_BASE_URL from the stack's
outputs when they are not set) and prints its one-time code and the back office's accept page: the
person opens the page, types the code, and chooses their password (the staff policy's). The code
works once, for 72 hours; nothing is mailed (SES may not deliver yet). The act is in the audit trail.

It refuses while an active supervisor exists (they invite everyone else from Staff accounts), unless
`--force`: a county whose every supervisor has lost their password.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--username", required=True, help="the sign-in name, e.g. jdoe")
    parser.add_argument("--name", required=True, help="the person's name, e.g. 'Jane Doe'")
    parser.add_argument("--email", required=True, help="the person's e-mail address")
    parser.add_argument("--force", action="store_true", help="even though an active supervisor exists")
    args = parser.parse_args(argv)

    from chalicelib import bootstrap
    from chalicelib.domain.errors import PortalError

    service = bootstrap.staff_accounts()
    try:
        user, code = service.create_first_supervisor(args.username, args.name, args.email, force=args.force)
    except PortalError as error:
        problems = "".join(f"\n  {e.field}: {e.message}" for e in error.errors)
        print(f"not created: {error.detail}{problems}", file=sys.stderr)
        return 1
    settings = bootstrap.settings()
    print(f"supervisor {user.username} ({user.display_name}, {user.email}) created in {settings.table_name}: INVITED")
    print(f"  one-time code: {code}")
    print(f"  valid until:   {user.invitation_expires_at:%Y-%m-%d %H:%M} UTC (72 hours), once")
    print(f"  accept at:     {service.accept_link(user.username)}")
    print("Give the code to the person by a channel other than this link's; they choose their password there.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
