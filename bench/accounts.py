"""Sign-in and profile: requests per call."""

from __future__ import annotations

from bench.counting import Row, call, counting, portal

PASSWORD = "Build2Last"



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
                        goal="1 BatchGet (account + source) + attempt claimed + 1 transaction"))
        with counting(table) as tally:
            call(client, "GET", "/profile", token=token)
        rows.append(Row("accounts", "GET /profile (session-authenticated)", tally,
                        goal="session GetItem + account GetItem"))
        with counting(table) as tally:
            listing = call(client, "GET", "/contractors")
        rows.append(Row("accounts", f"GET /contractors ({listing['total']} businesses)", tally,
                        goal="1 Query, never a Scan"))
    return rows
