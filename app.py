"""The Contractor Portal's Chalice app: blueprints, middleware, the schedule. No logic here."""

from __future__ import annotations

import logging

from chalice import Chalice

from chalicelib.api import auth, middleware, profile, public, sandbox, staff_accounts

app = Chalice(app_name="contractor-portal")
app.log.setLevel(logging.INFO)
logging.getLogger("contractor_portal").setLevel(logging.INFO)
app.api.cors = middleware.SiteCORSConfig()
middleware.register(app)

for blueprint in (public, auth, profile, staff_accounts, sandbox):
    app.register_blueprint(blueprint.bp)
