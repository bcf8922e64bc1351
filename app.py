"""The Contractor Portal's Chalice app: blueprints, middleware, the schedule. No logic here."""

from __future__ import annotations

from chalice import Chalice, Cron

from chalicelib import logs
from chalicelib.api import (
    auth,
    cart,
    checkout,
    inspections,
    jobs,
    meta,
    middleware,
    payments,
    permits,
    profile,
    public,
    sandbox,
    sandbox_payments,
    staff_accounts,
    staff_permits,
)

app = Chalice(app_name="contractor-portal")
logs.configure(app.log)  # one JSON line per event, from every module (chalicelib/logs.py)
app.api.cors = middleware.SiteCORSConfig()
middleware.register(app)

for blueprint in (public, meta, auth, profile, permits, inspections, cart, checkout, payments, sandbox,
                  sandbox_payments, staff_accounts, staff_permits, jobs):
    app.register_blueprint(blueprint.bp)


@app.schedule(Cron(30, 8, "*", "*", "?", "*"), name="flag_expired_permits")
def flag_expired_permits(event: object) -> None:
    """Daily at 08:30 UTC, just after midnight in the county (00:30 PST / 01:30 PDT)."""
    from chalicelib import bootstrap

    with logs.bound(request_id=logs.request_id(getattr(event, "context", None)), job="flag_expired_permits"):
        bootstrap.expiry_job().run()
