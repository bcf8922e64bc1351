"""Settings, read from the environment when asked for, never at import.

Chalice's test client and `chalice local` patch the stage's environment variables around each
request, so a value cached at import time would be the wrong one. `get_settings()` is cheap: it
reads a handful of variables and is called once per request.

Every setting, its variable and its default is listed in README.md ("Settings").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _str(name: str, default: str) -> str:
    raw = os.environ.get(name, "").strip()
    return raw or default


DEFAULT_TIME_ZONE = "America/Los_Angeles"
"""COUNTY_TIME_ZONE unset: the county of the guide's demo (services take the zone from settings)."""

SECRET_MAX_AGE = 300
"""Seconds a value read from Secrets Manager is kept before it is read again: a rotated secret is in
use everywhere within this long (README.md, "Secrets")."""

SANDBOX_WEBHOOK_SECRET = "sandbox-secret"  # local use only: a real portal must be given a secret of its own
LOCAL_STAGE = "local"  # `make run` and the tests: the only stage that may use the public sandbox secret
DEMO_DATA_STAGES = frozenset({LOCAL_STAGE, "demo"})  # the only stages seeded with a default staff password


def _stage() -> str:
    """STAGE as .chalice/config.json sets it per stage.

    Left unset, a deployed Lambda (which always has AWS_LAMBDA_FUNCTION_NAME) is never taken for the
    local stage, so forgetting the variable cannot re-open the public secret; a process on a workstation
    (tests, scripts) is local.
    """
    stage = _str("STAGE", "").lower()
    if stage:
        return stage
    return "deployed" if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else LOCAL_STAGE


def payment_secret(arn: str) -> dict[str, str]:
    """The payment secret's JSON value (`{"webhook_secret", "api_key"}`), read through Powertools'
    cached parameters client: one Secrets Manager call per `SECRET_MAX_AGE` seconds per process, made
    the first time a request needs it (never at import). A value that is not a JSON object raises."""
    from aws_lambda_powertools.utilities.parameters import get_secret

    value = get_secret(arn, transform="json", max_age=SECRET_MAX_AGE)
    if not isinstance(value, dict):
        raise ValueError("the payment secret must be a JSON object with webhook_secret and api_key")
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def origin_secret(arn: str) -> str:
    """The value CloudFront sends in X-Origin-Verify (infra's OriginSecret), cached as the payment secret."""
    from aws_lambda_powertools.utilities.parameters import get_secret

    value = get_secret(arn, max_age=SECRET_MAX_AGE)
    if not isinstance(value, str) or len(value) < 16:
        raise ValueError("the origin secret must be a string of at least 16 characters")
    return value


def _payment_provider(stage: str, secret: str, secret_arn: str | None = None) -> str:
    """PAYMENT_PROVIDER, except that the sandbox portal outside the local stage needs a secret of its own.

    Its callbacks would otherwise be signed with a secret published in this repository, so anyone could
    forge an approval: such a stage is treated as having no portal (checkout 503, as prod's), not as a
    checkout whose callbacks can never be verified.
    """
    provider = _str("PAYMENT_PROVIDER", "sandbox")
    if secret_arn:  # the secret is the stage's own (one equal to the public one is refused when read)
        return provider
    if provider.lower() == "sandbox" and secret == SANDBOX_WEBHOOK_SECRET and stage != LOCAL_STAGE:
        return "none"
    return provider


@dataclass(frozen=True)
class Settings:
    """One snapshot of the portal's configuration."""

    stage: str  # STAGE: "local", "dev", "prod" (see _stage)
    table_name: str
    dynamodb_endpoint: str | None
    region: str
    time_zone: ZoneInfo
    # Secrets and sign-in.
    bcrypt_cost: int
    pin_valid_days: int
    session_idle_minutes: int
    session_absolute_hours: int
    max_failed_attempts: int
    lockout_minutes: int
    reset_code_minutes: int
    reset_code_attempts: int
    reset_codes_per_hour: int
    source_max_failed_attempts: int
    # Password policy (the county's rules are the defaults).
    password_min_length: int
    password_max_length: int
    password_check_common: bool
    # Outgoing mail and the web.
    notifier: str  # "sandbox" (local outbox) or "ses"
    mail_from: str
    staff_email: str
    site_base_url: str
    # Payments and inspections (used by later features; read here so one page lists them all).
    payment_provider: str
    payment_provider_settings: str
    payment_webhook_secret: str  # PAYMENT_WEBHOOK_SECRET: used only without PAYMENT_SECRET_ARN
    payment_secret_arn: str | None  # PAYMENT_SECRET_ARN: {"webhook_secret", "api_key"} in Secrets Manager
    payment_api_key_env: str  # PAYMENT_API_KEY: the provider's secret key without PAYMENT_SECRET_ARN (local)
    stripe_api_base: str  # STRIPE_API_BASE: Stripe's API, or a local fake of it in tests
    origin_secret_arn: str | None  # ORIGIN_SECRET_ARN: what CloudFront adds in X-Origin-Verify (deployed only)
    fee_schedule_json: str
    holidays: str
    inspection_request_cutoff: str
    inspection_cancel_cutoff: str
    expiry_reminder_days: int
    # Who the county is, as receipts print it.
    county_name: str = "Community Development"
    county_address: tuple[str, ...] = ()
    # Staff passwords: the same rules with a longer minimum (staff reach every contractor's records).
    staff_password_min_length: int = 12
    staff_password_max_length: int = 64
    # The map (GET /map/config): where it opens and which base map it draws under the county's layers.
    map_center: str = "-116.78,47.68"  # MAP_CENTER: "lon,lat"
    map_zoom: int = 13  # MAP_ZOOM
    map_basemap: str = "none"  # MAP_BASEMAP: none (our parcels and streets), xyz (tile server) or pmtiles
    map_tile_url: str = ""  # MAP_TILE_URL: the xyz template or the .pmtiles file's URL
    map_attribution: str = ""  # MAP_ATTRIBUTION

    @property
    def seeds_demo_data(self) -> bool:
        """Whether this stage may hold the demo data, with its published staff password (`admin`):
        only `local` and `demo`; every other stage's first supervisor is `make first-supervisor`'s."""
        return self.stage in DEMO_DATA_STAGES

    @property
    def webhook_secret(self) -> str | None:
        """The callback secret; None (callbacks refused) for the public sandbox default anywhere but the
        sandbox portal on the local stage: that secret is in this repository, so it proves nothing."""
        local_sandbox = self.stage == LOCAL_STAGE and self.payment_provider.strip().lower() == "sandbox"
        secret = self.payment_webhook_secret
        if self.payment_secret_arn:
            secret = payment_secret(self.payment_secret_arn).get("webhook_secret", "")
            local_sandbox = False  # a secret kept in Secrets Manager is never the public one
        if not secret or (secret == SANDBOX_WEBHOOK_SECRET and not local_sandbox):
            return None
        return secret

    @property
    def payment_api_key(self) -> str:
        """The payment provider's secret key (Stripe's `sk_...`): `api_key` of the payment secret, or
        PAYMENT_API_KEY without one; empty when unset."""
        if self.payment_secret_arn:
            return payment_secret(self.payment_secret_arn).get("api_key", "")
        return self.payment_api_key_env

    @property
    def sandbox_mode(self) -> bool:
        return self.notifier == "sandbox"


def get_settings() -> Settings:
    """Read the settings now. Raises ValueError for a malformed value (a deployment mistake)."""
    env = os.environ
    stage = _stage()
    webhook_secret = _str("PAYMENT_WEBHOOK_SECRET", SANDBOX_WEBHOOK_SECRET)
    secret_arn = _str("PAYMENT_SECRET_ARN", "") or None
    return Settings(
        stage=stage,
        table_name=_str("TABLE_NAME", "contractor-portal"),
        dynamodb_endpoint=env.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
        region=_str("AWS_REGION", _str("AWS_DEFAULT_REGION", "us-west-2")),
        time_zone=ZoneInfo(_str("COUNTY_TIME_ZONE", DEFAULT_TIME_ZONE)),
        bcrypt_cost=_int("BCRYPT_COST", 12),
        pin_valid_days=_int("PIN_VALID_DAYS", 30),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12),
        max_failed_attempts=_int("MAX_FAILED_ATTEMPTS", 5),
        lockout_minutes=_int("LOCKOUT_MINUTES", 15),
        reset_code_minutes=_int("RESET_CODE_MINUTES", 15),
        reset_code_attempts=_int("RESET_CODE_ATTEMPTS", 5),
        reset_codes_per_hour=_int("RESET_CODES_PER_HOUR", 3),
        source_max_failed_attempts=_int("SOURCE_MAX_FAILED_ATTEMPTS", 50),
        password_min_length=_int("PASSWORD_MIN_LENGTH", 6),
        password_max_length=_int("PASSWORD_MAX_LENGTH", 25),
        password_check_common=_str("PASSWORD_CHECK_COMMON", "true").lower() != "false",
        notifier=_str("NOTIFIER", "sandbox"),
        mail_from=_str("MAIL_FROM", "permits@example.gov"),
        staff_email=_str("STAFF_EMAIL", "permits-staff@example.gov"),
        site_base_url=_str("SITE_BASE_URL", "http://127.0.0.1:8080"),
        payment_provider=_payment_provider(stage, webhook_secret, secret_arn),
        payment_provider_settings=env.get("PAYMENT_PROVIDER_SETTINGS", "").strip(),
        payment_webhook_secret=webhook_secret,
        payment_secret_arn=secret_arn,
        payment_api_key_env=_str("PAYMENT_API_KEY", ""),
        stripe_api_base=_str("STRIPE_API_BASE", "https://api.stripe.com"),
        origin_secret_arn=_str("ORIGIN_SECRET_ARN", "") or None,
        fee_schedule_json=env.get("FEE_SCHEDULE", "").strip(),
        holidays=env.get("COUNTY_HOLIDAYS", "").strip(),
        inspection_request_cutoff=_str("INSPECTION_REQUEST_CUTOFF", "15:00"),
        inspection_cancel_cutoff=_str("INSPECTION_CANCEL_CUTOFF", "06:00"),
        expiry_reminder_days=_int("EXPIRY_REMINDER_DAYS", 14),
        county_name=_str("COUNTY_NAME", "Community Development"),
        county_address=address_lines(env.get("COUNTY_ADDRESS", "")),
        staff_password_min_length=_int("STAFF_PASSWORD_MIN_LENGTH", 12),
        staff_password_max_length=_int("STAFF_PASSWORD_MAX_LENGTH", 64),
        map_center=_str("MAP_CENTER", "-116.78,47.68"),
        map_zoom=_int("MAP_ZOOM", 13),
        map_basemap=_str("MAP_BASEMAP", "none").lower(),
        map_tile_url=_str("MAP_TILE_URL", ""),
        map_attribution=_str("MAP_ATTRIBUTION", ""),
    )


def address_lines(raw: str) -> tuple[str, ...]:
    """COUNTY_ADDRESS's lines: one variable, lines separated by "|" ("451 Main St|Boise, ID 83702")."""
    return tuple(line.strip() for line in raw.split("|") if line.strip())
