"""The Contractor Portal's Chalice app: blueprints, middleware, the schedule. No logic here."""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib import logs
from chalicelib.api import (
    auth,
    cart,
    checkout,
    company,
    inspections,
    jobs,
    map,
    meta,
    middleware,
    openapi_route,
    payments,
    permits,
    profile,
    projects,
    properties,
    public,
    sandbox,
    sandbox_payments,
    staff_accounts,
    staff_audit,
    staff_lists,
    staff_notices,
    staff_payments,
    staff_permits,
    staff_users,
)

app = Chalice(app_name="contractor-portal")
logs.configure(app.log)  # one JSON line per event, from every module (chalicelib/logs.py)
middleware.register(app)

for blueprint in (public, meta, auth, profile, permits, inspections, cart, checkout, payments, sandbox,
                  sandbox_payments, staff_accounts, staff_audit, staff_permits, jobs, openapi_route, staff_users,
                  staff_lists, staff_notices, staff_payments, company, properties, projects, map):
    app.register_blueprint(blueprint.bp)


@app.lambda_function(name="flag_expired_permits")
def flag_expired_permits(event: Any, context: Any) -> dict[str, int]:
    """The daily job. EventBridge Scheduler invokes it just after midnight on the county's own clock
    (infra/template.json: a schedule with a time zone, retries and a dead-letter queue), so no UTC cron
    here needs editing when the clocks change. `{"as_of": "YYYY-MM-DD"}` re-runs it for a date."""
    from chalicelib import bootstrap

    with logs.bound(request_id=logs.request_id(context), job="flag_expired_permits"):
        return bootstrap.run_expiry_job(event)
