"""Sign-in and profile: requests per call."""

from __future__ import annotations

from typing import Any

from bench.counting import Row, call, counting, portal

PASSWORD = "Build2Last"


def _seed_county(table: Any, count: int) -> None:
    """Businesses as registration stores them, in batch writes (a transaction each would take minutes)."""
    from chalicelib.domain.accounts import Company, User
    from chalicelib.store.accounts import company_item, user_item

    with table.batch_writer() as batch:
        for i in range(count):
            cid, name, email = f"c-bench{i:05d}", f"COUNTY BUILDER {i:05d} LLC", f"office{i}@example.com"
            batch.put_item(Item=company_item(Company(
                contractor_id=cid, company_name=name, license_no=f"CB{i:05d}", email=email, address=f"{i} MAIN ST",
                city="HAYDEN", state="ID", zip="83835", phone="208-555-0100", version=1)))
            batch.put_item(Item=user_item(User(cid, cid, email, company_name=name, version=1)))


def _named_users(client: Any, table: Any, rich: str, admin: str) -> list[Row]:
    """A company of twelve users: the first admin invites eleven (office and field), who accept."""
    import re

    emails = [f"user{i:02d}@rich.example.com" for i in range(11)]
    for i, email in enumerate(emails):
        call(client, "POST", "/company/users", {"email": email, "name": f"User {i:02d}",
                                                "role": "office" if i % 2 else "field"}, admin)
        mail = call(client, "GET", f"/sandbox/outbox?to={email}")["items"][0]
        code = re.search(r"one-time code is ([A-Z0-9-]+)\.", mail["body"]).group(1)  # type: ignore[union-attr]
        call(client, "POST", "/auth/invitations/accept", {
            "contractor_id": rich, "email": email, "code": code, "name": f"User {i:02d}",
            "security_question": "CAR", "secret_answer": "Corvette", "secret_answer_confirm": "Corvette",
            "password": PASSWORD, "password_confirm": PASSWORD})
    rows = []
    with counting(table) as tally:
        token = call(client, "POST", "/auth/login", {"contractor_id": rich, "email": emails[3],
                                                     "password": PASSWORD})["token"]
    rows.append(Row("accounts", "POST /auth/login with e-mail (a named user)", tally,
                    goal="≤ 2: 1 UpdateItem (attempt claimed, user read) + 1 transaction (session)"))
    with counting(table) as tally:
        call(client, "GET", "/me", token=token)
    rows.append(Row("accounts", "GET /me", tally, goal="≤ 2: session GetItem + 1 BatchGet (company + user)"))
    with counting(table) as tally:
        users = call(client, "GET", "/company/users", token=admin)
    rows.append(Row("accounts", f"GET /company/users ({len(users['items'])} users)", tally,
                    goal="≤ 2: session GetItem + 1 Query of the company's USER# items"))
    return rows


def run() -> list[Row]:
    from chalicelib import bootstrap
    from chalicelib.services.accounts import NewContractor
    from localdev.seed import seed_demo

    rows = []
    with portal() as (client, table, clock):
        report = seed_demo(clock)
        rich = report.contractor_ids["RICH CONTRACTOR"]
        accounts = bootstrap.accounts()
        pin = accounts.issue_pin(rich, "123456")
        token = call(client, "POST", "/auth/login", {"contractor_id": rich, "password": pin})["token"]
        call(client, "POST", "/auth/setup", {
            "security_question": "CAR", "secret_answer": "Corvette", "secret_answer_confirm": "Corvette",
            "password": PASSWORD, "password_confirm": PASSWORD}, token)
        for i in range(20):  # a fuller drop-down
            accounts.register_contractor(NewContractor(f"BENCH BUILDER {i:02d}", f"BB{i:04d}", f"b{i}@example.com"))

        with counting(table) as tally:
            token = call(client, "POST", "/auth/login", {"contractor_id": rich, "password": PASSWORD})["token"]
        rows.append(Row("accounts", "POST /auth/login (password)", tally,
                        goal="1 UpdateItem (attempt claimed, first admin read) + 1 transaction (the session)"))
        with counting(table) as tally:
            call(client, "GET", "/profile", token=token)
        rows.append(Row("accounts", "GET /profile (session-authenticated)", tally,
                        goal="session GetItem + 1 BatchGet (company + the signed-in user)"))
        rows += _named_users(client, table, rich, token)
        with counting(table) as tally:
            listing = call(client, "GET", "/contractors")
        rows.append(Row("accounts", f"GET /contractors ({listing['total']} businesses)", tally,
                        goal="1 Query, never a Scan"))
        _seed_county(table, 6_000 - listing["total"])  # a county-sized drop-down (one eTRAKiT county lists ~5,800)
        with counting(table) as tally:
            listing = call(client, "GET", "/contractors")
        rows.append(Row("accounts", f"GET /contractors ({listing['total']:,} businesses, the whole list)", tally,
                        goal="1 call, 2 Queries of GSI3's id+name entries (1 MB holds ~5,000); was ~30 calls"))
    return rows
