"""The one wiring of the portal: settings → table → unit of work, clock, notifier, provider → services.

The API (`chalicelib/api/*`), the daily job (`app.py`), `make run`'s seeding (`localdev/`), the benchmark
(`bench/`) and the tests all build their services here, so they run exactly what a request runs; tests
travel in time with `use_clock`. Each call builds a new service with a new unit of work (one per request).
Services and stores are imported inside the factories, not at the top: importing them pulls in boto3
(~100-200 ms), and `app.py` is imported on every cold start before any request needs it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.clock import Clock, SystemClock
from chalicelib.config import Settings, get_settings
from chalicelib.domain.errors import Unavailable
from chalicelib.store import dynamo

if TYPE_CHECKING:
    from chalicelib.domain.fees import FeeSchedule
    from chalicelib.notifier import Notifier
    from chalicelib.payments.provider import PaymentProvider
    from chalicelib.services.accounts import AccountService
    from chalicelib.services.cart import CartService
    from chalicelib.services.checkout import CheckoutService
    from chalicelib.services.company_users import CompanyUserService
    from chalicelib.services.expiry import ExpiryJob
    from chalicelib.services.map_features import MapFeatureService
    from chalicelib.services.notices import NoticeService
    from chalicelib.services.payments import PaymentService
    from chalicelib.services.permits import PermitService
    from chalicelib.services.pin_letters import PinLetterService
    from chalicelib.services.profile import ProfileService
    from chalicelib.services.projects import ProjectService
    from chalicelib.services.properties import PropertyService
    from chalicelib.services.staff_accounts import StaffAccountService
    from chalicelib.services.staff_lists import StaffLists
    from chalicelib.services.staff_payments import StaffPaymentService
    from chalicelib.services.staff_permits import StaffPermitService
    from chalicelib.store.outbox import OutboxStore
    from chalicelib.store.unit_of_work import UnitOfWork

_clock: Clock = SystemClock()


def use_clock(clock: Clock) -> None:
    """Tests travel in time through this."""
    global _clock
    _clock = clock


def clock() -> Clock:
    return _clock


def settings() -> Settings:
    return get_settings()


def table(s: Settings | None = None) -> Any:
    s = s or settings()
    return dynamo.table(s.table_name, s.dynamodb_endpoint, s.region)


def notifier(s: Settings | None = None) -> Notifier:
    from chalicelib.notifier import OutboxNotifier, SesNotifier
    from chalicelib.store.items import DynamoItems
    from chalicelib.store.outbox import OutboxStore

    s = s or settings()
    if s.notifier == "ses":
        import boto3

        return SesNotifier(boto3.client("ses", region_name=s.region), s.mail_from)
    return OutboxNotifier(OutboxStore(DynamoItems(table(s))), clock())


def uow(s: Settings | None = None) -> UnitOfWork:
    """A new unit of work over the portal's table: one per service, never shared between requests."""
    from chalicelib.store.items import DynamoItems
    from chalicelib.store.unit_of_work import UnitOfWork

    return UnitOfWork(DynamoItems(table(s)))


def accounts() -> AccountService:
    from chalicelib.services.accounts import AccountService, AuthConfig

    s = settings()
    return AccountService(uow(s), clock(), notifier(s), AuthConfig.from_settings(s))


def staff_accounts() -> StaffAccountService:
    """Staff accounts per person: invitations, changes, one's own password (services/staff_accounts.py)."""
    from chalicelib.services.accounts import AuthConfig
    from chalicelib.services.staff_accounts import StaffAccountService

    s = settings()
    return StaffAccountService(uow(s), clock(), notifier(s), AuthConfig.from_settings(s))


def company_users() -> CompanyUserService:
    """A company's named users, notifications and activity (services/company_users.py)."""
    from chalicelib.services.accounts import AuthConfig
    from chalicelib.services.company_users import CompanyUserService

    s = settings()
    return CompanyUserService(uow(s), clock(), notifier(s), AuthConfig.from_settings(s))


def profiles() -> ProfileService:
    from chalicelib.services.accounts import AuthConfig
    from chalicelib.services.profile import ProfileService

    s = settings()
    return ProfileService(uow(s), clock(), notifier(s), AuthConfig.from_settings(s))


def outbox() -> OutboxStore:
    from chalicelib.store.items import DynamoItems
    from chalicelib.store.outbox import OutboxStore

    return OutboxStore(DynamoItems(table()))


# --- cart, checkout and payments -------------------------------------------------------------


def fee_schedule(s: Settings | None = None) -> FeeSchedule:
    """The convenience-fee schedule: FEE_SCHEDULE (JSON) when set, else the guide's defaults."""
    from chalicelib.domain.fees import FeeSchedule

    s = s or settings()
    return FeeSchedule.from_json(s.fee_schedule_json) if s.fee_schedule_json else FeeSchedule.default()


def payment_provider(s: Settings | None = None) -> PaymentProvider:
    """The payment portal PAYMENT_PROVIDER names; the sandbox's page is on the static site."""
    from chalicelib.payments.provider import provider_for

    s = s or settings()
    if s.payment_provider.strip().lower() in ("", "none"):
        raise Unavailable("Online payment is not set up yet: pay your fees at the Community Development counter.")
    if s.payment_provider.strip().lower() == "sandbox":
        return provider_for("sandbox", portal_base_url=s.site_base_url)
    try:
        options = json.loads(s.payment_provider_settings or "{}")
    except ValueError as error:
        raise ValueError(f"PAYMENT_PROVIDER_SETTINGS is not JSON: {error}") from None
    if s.payment_provider.strip().lower() == "stripe":  # its key is a secret, never a plain setting
        options = {"api_base": s.stripe_api_base, **options, "api_key": s.payment_api_key}
    return provider_for(s.payment_provider, **options)


def cart() -> CartService:
    from chalicelib.services.cart import CartService

    s = settings()
    return CartService(uow(s), clock(), fee_schedule(s))


def checkout() -> CheckoutService:
    from chalicelib.services.checkout import CheckoutService

    s = settings()
    return CheckoutService(uow(s), clock(), fee_schedule(s), payment_provider(s), s.site_base_url)


def payments() -> PaymentService:
    from chalicelib.services.payments import PaymentService

    s = settings()
    return PaymentService(uow(s), clock(), notifier(s), s.webhook_secret, s.staff_email, s.time_zone)


# --- permits, inspections and the daily job ---------------------------------------------------


def _permit_parts() -> tuple[Any, Any, Any, Any]:
    from chalicelib.services.permits import PermitConfig

    s = settings()
    return uow(s), clock(), notifier(s), PermitConfig.from_settings(s)


def permits() -> PermitService:
    """The contractor's permits, dashboard and inspections."""
    from chalicelib.services.permits import PermitService

    return PermitService(*_permit_parts())


def staff_permits(actor: str = "") -> StaffPermitService:
    """Staff work on permits, kept in the audit trail under `actor` (the staff member's username)."""
    from chalicelib.services.staff_permits import StaffPermitService

    return StaffPermitService(*_permit_parts(), actor=actor)


def staff_lists() -> StaffLists:
    """The back office's lists and searches (read only)."""
    from chalicelib.services.staff_lists import StaffLists

    return StaffLists(uow(), clock())


def expiry_job() -> ExpiryJob:
    from chalicelib.services.expiry import ExpiryJob

    return ExpiryJob(*_permit_parts())


def run_expiry_job(event: object) -> dict[str, int]:
    """The scheduled invocation: `{}` (or the scheduler's own payload) runs as of the county's today;
    `{"as_of": "YYYY-MM-DD"}` re-runs it for that date (docs/runbook.md). A malformed `as_of` raises,
    so a hand-made invocation fails loudly instead of running for the wrong day."""
    from datetime import date

    as_of_text = event.get("as_of") if isinstance(event, dict) else None
    try:
        as_of = None if as_of_text is None else date.fromisoformat(str(as_of_text))
    except ValueError:
        raise ValueError(f"as_of must be a YYYY-MM-DD date, not {as_of_text!r}") from None
    from chalicelib import metrics

    try:
        result = expiry_job().run(as_of)
        metrics.count(metrics.PERMITS_FLAGGED_EXPIRED, result.flagged)
        metrics.count(metrics.EXPIRY_REMINDERS_SENT, result.reminded)
        metrics.count(metrics.EXPIRY_JOB_COMPLETED)  # the "job has not run" alarm watches this one
    finally:
        metrics.flush()  # once per invocation, also when the job failed (its mail failures, say)
    return {"flagged": result.flagged, "reminded": result.reminded}


def pin_letters(actor: str = "") -> PinLetterService:
    """PIN letters (what a contractor needs to sign in the first time), mailed under `actor`'s name."""
    from chalicelib.services.accounts import AuthConfig
    from chalicelib.services.pin_letters import PinLetterService

    s = settings()
    auth = AuthConfig.from_settings(s)
    return PinLetterService(uow(s), clock(), notifier(s), f"{s.site_base_url.rstrip('/')}/",
                            auth.pin_valid, auth.password_policy, s.time_zone, actor=actor)
# --- the back office's notices and payment lists ---------------------------------------------------


def notices(actor: str = "") -> NoticeService:
    """The staff notice queue; marking one read is kept in the audit trail under `actor`."""
    from chalicelib.services.notices import NoticeService

    return NoticeService(uow(), clock(), actor)


def staff_payments(actor: str = "") -> StaffPaymentService:
    """The back office's payment lists, detail and the day's CSV export; refunds recorded under `actor`."""
    from chalicelib.services.staff_payments import StaffPaymentService

    s = settings()
    return StaffPaymentService(uow(s), clock(), s.time_zone, actor=actor)


# --- properties, projects and the map ----------------------------------------------------------------


def properties() -> PropertyService:
    """Parcels and streets: imports, search, geocoding (services/properties.py)."""
    from chalicelib.services.properties import PropertyService

    return PropertyService(uow(), clock())


def projects() -> ProjectService:
    """A company's projects (services/projects.py)."""
    from chalicelib.services.projects import ProjectService

    return ProjectService(uow(), clock())


def map_features() -> MapFeatureService:
    """The map's layers in a view (services/map_features.py)."""
    from chalicelib.services.map_features import MapFeatureService

    return MapFeatureService(uow(), clock())
