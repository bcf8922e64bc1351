"""Companies and their users, staff users, sessions, failed-attempt throttles and password-reset codes.

Keys are in `keys.py`; conditions are `chalicelib.store.items` conditions, which the item store
renders (DynamoDB) or evaluates (memory). Times are stored as epoch seconds, so the `ttl`
attribute and the checks use the same numbers.

One mapping per item type:

- the company's PROFILE item is the `Company`: `contractor_id`, `company_name`, `license_no`, `email`,
  `address`, `city`, `state`, `zip`, `phone`, `cell_phone`, `fax`, `created_at`, `updated_at`, `version`, and
  the directory's `GSI3PK`/`GSI3SK`.
- each of its users is an item of the company's partition, SK=USER#<user_id> (the first admin's id is the
  company's, a named user's `named_user_id`): `user_id`, `contractor_id`, `email`, `name`, `role`, `status`,
  `company_name` (the company's, so a sign-in reads one item), `security_question`, `secret_answer_hash`,
  `password_hash`, `pin_hash`, `pin_expires_at`, `setup_complete`, `notifications` (a map of flags),
  `invitation_digest`/`invitation_expires_at` (the one-time code as its keyed digest), `invited_at`,
  `invited_by`, `created_at`, `last_sign_in_at`, `version`; and the sign-in's failure count (`attempts`,
  `claimed_at`, `locked_until`), which saves of the user leave alone and which never carries a `ttl`.
  `save_company` and `save_user` are each conditioned on their own item's version as read, so a profile
  edit and a password change do not refuse each other, while two changes of one aggregate cannot both land.
  Tables from before users had items of their own kept the first user's attributes on PROFILE
  (`user_version` its version): `migrate_first_users` moves them.
- a staff account (STAFF#<name>, PROFILE): `username`, `display_name`, `email`, `role`, `status`,
  `password_hash`, `invitation_digest`/`invitation_expires_at` (the one-time code as its keyed digest),
  `invited_at`, `last_sign_in_at`, `version`, and `GSI1PK=STAFF`/`GSI1SK=<username>`, the staff list.
  An item without `status`/`role` (the demo desk account of an older table) reads as an active supervisor.
- sessions and their index entries, throttles, rate windows, reset codes and reset tokens: one small
  item each.

Two kinds of methods:
- *staged* (`add_company`, `add_user`, `save_company`, `save_user`, `save_account`, `keep_active_admin`,
  `add_staff`, `save_staff`, `keep_active_supervisor`, `use_reset_token`, `forget_throttles`): they add write
  actions to the unit of work; `uow.commit()` writes them as one transaction;
- *immediate* (everything else that writes): single conditional requests that must land before the
  caller goes on — an attempt is counted before its secret is checked (`claim_sign_in` counts it on the
  user's item and answers with the user, one UpdateItem) — or the one transaction of a sign-in (session,
  its index entry, the cleared failure count). They touch no pending state, so a
  service may run them from several threads at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import (
    Company,
    NotificationKind,
    ResetCode,
    ResetToken,
    Role,
    Session,
    StaffRole,
    StaffStatus,
    StaffUser,
    Throttle,
    User,
    UserRole,
    UserStatus,
    default_notifications,
    first_user_id,
)
from chalicelib.store import keys
from chalicelib.store.cursors import decode_cursor, encode_cursor, gsi1_key
from chalicelib.store.items import (
    Action,
    Check,
    Cond,
    ConditionFailed,
    Delete,
    Item,
    Put,
    Update,
    absent,
    at_version,
    eq,
    exists,
    lt,
    lte,
    ne,
    not_exists,
    present,
    query_all,
)

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

_DAY = 86400
log = logging.getLogger(__name__)

_COMPANY_TEXT = ("address", "city", "state", "zip", "phone", "cell_phone", "fax")
_USER_VERSION = "user_version"


def _epoch(at: datetime | None) -> int | None:
    return None if at is None else int(at.timestamp())


def _time(value: Decimal | int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def _text(value: Any) -> str:
    return str(value) if value else ""


# --- mappings ----------------------------------------------------------------------------------


def company_from_item(item: Item) -> Company:
    return Company(
        contractor_id=_text(item.get("contractor_id")),
        company_name=_text(item.get("company_name")),
        license_no=_text(item.get("license_no")),
        email=_text(item.get("email")),
        **{name: _text(item.get(name)) for name in _COMPANY_TEXT},
        created_at=_time(item.get("created_at")),
        updated_at=_time(item.get("updated_at")),
        version=int(item.get("version", 0) or 0),
    )


def user_from_item(item: Item) -> User:
    """A company's user, from its USER# item."""
    contractor_id = _text(item.get("contractor_id"))
    role = UserRole(_text(item.get("role")) or UserRole.ADMIN)
    notifications = item.get("notifications")
    return User(
        user_id=_text(item.get("user_id")) or first_user_id(contractor_id),
        contractor_id=contractor_id,
        email=_text(item.get("email")),
        role=role,
        name=_text(item.get("name")),
        company_name=_text(item.get("company_name")),
        security_question=_text(item.get("security_question")),
        secret_answer_hash=item.get("secret_answer_hash") or None,
        password_hash=item.get("password_hash") or None,
        pin_hash=item.get("pin_hash") or None,
        pin_expires_at=_time(item.get("pin_expires_at")),
        setup_complete=bool(item.get("setup_complete", False)),
        status=UserStatus(_text(item.get("status")) or UserStatus.ACTIVE),
        notifications={**default_notifications(role), **{str(k): bool(v) for k, v in (notifications or {}).items()
                                                         if str(k) in _NOTIFICATION_KEYS}},
        invitation_digest=item.get("invitation_digest") or None,
        invitation_expires_at=_time(item.get("invitation_expires_at")),
        invited_at=_time(item.get("invited_at")),
        invited_by=_text(item.get("invited_by")),
        created_at=_time(item.get("created_at")),
        last_sign_in_at=_time(item.get("last_sign_in_at")),
        version=int(item.get("version", 0) or 0),
    )


_NOTIFICATION_KEYS = frozenset(kind.value for kind in NotificationKind)

#: What the first user kept on the company's PROFILE item before users had items of their own
#: (`migrate_first_users` moves them).
_LEGACY_USER_ATTRIBUTES = ("security_question", "secret_answer_hash", "password_hash", "pin_hash", "pin_expires_at",
                           "setup_complete", _USER_VERSION)


def _company_attributes(company: Company) -> dict[str, Any]:
    """The company's own attributes of the PROFILE item (None: absent)."""
    return {
        "contractor_id": company.contractor_id,
        "company_name": company.company_name,
        "license_no": company.license_no,
        "email": company.email or None,
        **{name: getattr(company, name) or None for name in _COMPANY_TEXT},
        "GSI3PK": keys.DIRECTORY,
        "GSI3SK": keys.directory_sort_key(company.company_name, company.contractor_id),
        # The directory's entry before GSI3 (full items on GSI1): a save takes the item out of it.
        "GSI1PK": None,
        "GSI1SK": None,
        "created_at": _epoch(company.created_at),
        "updated_at": _epoch(company.updated_at),
    }


def company_item(company: Company) -> Item:
    """A company's PROFILE item as first stored, without its user: what bulk loads (the bench, tests of
    a county-sized directory) write in batches, since `add_company` is a transaction per business."""
    item = {**keys.contractor(company.contractor_id), **_company_attributes(company), "version": company.version}
    return {k: v for k, v in item.items() if v is not None}


def _user_attributes(user: User) -> dict[str, Any]:
    """A user's own attributes of its USER# item (None: absent). The sign-in's failure count
    (`attempts`, `claimed_at`, `locked_until`) is not the aggregate's: saves leave it alone."""
    return {
        "user_id": user.user_id,
        "contractor_id": user.contractor_id,
        "email": user.email or None,
        "name": user.name or None,
        "role": user.role.value,
        "status": user.status.value,
        "company_name": user.company_name or None,
        "security_question": user.security_question or None,
        "secret_answer_hash": user.secret_answer_hash,
        "password_hash": user.password_hash,
        "pin_hash": user.pin_hash,
        "pin_expires_at": _epoch(user.pin_expires_at),
        "setup_complete": user.setup_complete,
        "notifications": dict(user.notifications),
        "invitation_digest": user.invitation_digest,
        "invitation_expires_at": _epoch(user.invitation_expires_at),
        "invited_at": _epoch(user.invited_at),
        "invited_by": user.invited_by or None,
        "created_at": _epoch(user.created_at),
        "last_sign_in_at": _epoch(user.last_sign_in_at),
    }


def user_item(user: User) -> Item:
    """A user's USER# item (what `add_user` puts; bulk loads write it in batches with `company_item`)."""
    item = {**keys.user(user.contractor_id, user.user_id), **_user_attributes(user), "version": user.version}
    return {k: v for k, v in item.items() if v is not None}


def _throttle_from_item(item: Item | None) -> Throttle:
    if not item:
        return Throttle()
    return Throttle(failures=int(item.get("attempts", 0)), locked_until=_time(item.get("locked_until")))


def _session_from_item(token_hash: str, item: Item) -> Session:
    return Session(
        token_hash=token_hash,
        role=Role(item["role"]),
        principal_id=item["principal_id"],
        display_name=item.get("display_name", ""),
        created_at=_time(item["created_at"]),  # type: ignore[arg-type]
        last_seen_at=_time(item["last_seen_at"]),  # type: ignore[arg-type]
        absolute_expires_at=_time(item["absolute_expires_at"]),  # type: ignore[arg-type]
        setup_only=bool(item.get("setup_only", False)),
        user_id=_text(item.get("user_id")),
        staff_role=_text(item.get("staff_role")),
        user_role=_text(item.get("user_role")),
        user_email=_text(item.get("user_email")),
    )


_STAFF_OPTIONAL = ("password_hash", "invited_at", "last_sign_in_at", "invitation_digest", "invitation_expires_at")


def staff_from_item(item: Item) -> StaffUser:
    """A staff account. An item from before roles and statuses is the one seeded desk account: an
    active supervisor."""
    return StaffUser(
        username=_text(item.get("username")),
        display_name=_text(item.get("display_name")) or _text(item.get("username")),
        email=_text(item.get("email")),
        password_hash=item.get("password_hash") or None,
        role=StaffRole(_text(item.get("role")) or StaffRole.SUPERVISOR),
        status=StaffStatus(_text(item.get("status")) or StaffStatus.ACTIVE),
        invited_at=_time(item.get("invited_at")),
        last_sign_in_at=_time(item.get("last_sign_in_at")),
        invitation_digest=item.get("invitation_digest") or None,
        invitation_expires_at=_time(item.get("invitation_expires_at")),
        version=int(item.get("version", 0) or 0),
    )


def _staff_item(user: StaffUser) -> Item:
    item: Item = {
        **keys.staff(user.username), "username": user.username.lower(), "display_name": user.display_name,
        "email": user.email, "role": user.role.value, "status": user.status.value, "version": user.version,
        "GSI1PK": keys.STAFF_ALL, "GSI1SK": keys.staff_sort_key(user.username),
        "password_hash": user.password_hash, "invited_at": _epoch(user.invited_at),
        "last_sign_in_at": _epoch(user.last_sign_in_at), "invitation_digest": user.invitation_digest,
        "invitation_expires_at": _epoch(user.invitation_expires_at),
    }
    return {k: v for k, v in item.items() if v is not None}


def _active() -> Cond:
    return not_exists("status") | eq("status", StaffStatus.ACTIVE.value)


def _supervisor() -> Cond:
    return not_exists("role") | eq("role", StaffRole.SUPERVISOR.value)


def _valid_id(value: str) -> bool:
    """An id from a URL or a body: longer is no record, and a key DynamoDB refuses."""
    return 0 < len(value) <= 64


def _first_user_of_legacy(profile: Item) -> User:
    """The first user as a PROFILE item of an older table held it: the company's admin, at its e-mail."""
    contractor_id = _text(profile.get("contractor_id"))
    return User(
        user_id=first_user_id(contractor_id), contractor_id=contractor_id, email=_text(profile.get("email")),
        role=UserRole.ADMIN, company_name=_text(profile.get("company_name")),
        security_question=_text(profile.get("security_question")),
        secret_answer_hash=profile.get("secret_answer_hash") or None,
        password_hash=profile.get("password_hash") or None, pin_hash=profile.get("pin_hash") or None,
        pin_expires_at=_time(profile.get("pin_expires_at")),
        setup_complete=bool(profile.get("setup_complete", False)), status=UserStatus.ACTIVE,
        created_at=_time(profile.get("created_at")), version=int(profile.get(_USER_VERSION, 0) or 0) or 1,
    )


def _same_key(item: Item, key: dict[str, str]) -> bool:
    return item["PK"] == key["PK"] and item["SK"] == key["SK"]


# --- the repository ----------------------------------------------------------------------------


class AccountRepository:
    """Accounts through the unit of work's item store (`uow.accounts`)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items = uow.items

    # --- companies and their users -------------------------------------------------------------

    def company(self, contractor_id: str) -> Company | None:
        """The business (name, license, e-mail on file), or None. What other areas read to mail a contractor."""
        item = self._profile(contractor_id)
        return company_from_item(item) if item else None

    def user(self, contractor_id: str, user_id: str = "") -> User | None:
        """One of the company's users (its first admin when `user_id` is ""), or None: one GetItem."""
        if not _valid_id(contractor_id) or (user_id and not _valid_id(user_id)):
            return None
        item = self.items.get(keys.user(contractor_id, user_id or first_user_id(contractor_id)), consistent=True)
        return user_from_item(item) if item else None

    def company_and_user(self, contractor_id: str, user_id: str = "") -> tuple[Company, User] | None:
        """The company and one of its users (the first admin when `user_id` is ""): one BatchGetItem."""
        if not _valid_id(contractor_id) or (user_id and not _valid_id(user_id)):
            return None
        company_key = keys.contractor(contractor_id)
        user_key = keys.user(contractor_id, user_id or first_user_id(contractor_id))
        found = self.items.get_many([company_key, user_key], consistent=True)
        company = next((i for i in found if _same_key(i, company_key)), None)
        user = next((i for i in found if _same_key(i, user_key)), None)
        return (company_from_item(company), user_from_item(user)) if company and user else None

    def users(self, contractor_id: str) -> list[User]:
        """Every user of the company, by id: one consistent Query of its USER# items (a company has tens)."""
        if not _valid_id(contractor_id):
            return []
        items = query_all(self.items, keys.contractor_partition(contractor_id), sk_prefix=keys.USER_PREFIX,
                          consistent=True)
        return [user_from_item(i) for i in items]

    def add_user(self, user: User) -> None:
        """Staged: a new user of a company; the commit fails (StaleRecord) when the user exists."""
        user.version = 1
        self.uow.add(Put(user_item(user), absent()))

    def directory(self) -> list[Company]:
        """Every listed company, sorted by name, with only its id and name: a Query on GSI3, whose
        entries are that small (thousands to a 1 MB page)."""
        companies = [company_from_item(i) for i in query_all(self.items, keys.DIRECTORY, index="GSI3")]
        # One damaged item must not take the login drop-down down for every contractor.
        listed = [c for c in companies if c.listed]
        if len(listed) < len(companies):
            log.warning("directory: %d contractor item(s) without an id or a name left out",
                        len(companies) - len(listed))
        return listed

    def search_companies(self, name_start: str, limit: int,
                         cursor: str | None = None) -> tuple[list[tuple[Company, User]], str | None]:
        """A page of companies whose name starts with `name_start` (any case; "" for all), by name, with
        their first user: one Query of the directory (GSI3, ids and names only) and one BatchGetItem of
        the page's PROFILE items. `cursor`: the previous page's `next_cursor`."""
        start = decode_cursor(cursor, {"GSI3PK": keys.DIRECTORY})["key"] if cursor else None
        prefix = name_start.upper() or None
        # One entry more than the page: whether there is a next page is known without another request.
        page = self.items.query(keys.DIRECTORY, index="GSI3", sk_prefix=prefix, start=start, limit=limit + 1)
        entries = page.items[:limit]
        more = len(page.items) > limit or (page.next_key is not None and len(entries) == limit)
        accounts = self.companies_and_users([str(e.get("contractor_id", "")) for e in entries])
        by_id = {c.contractor_id: (c, u) for c, u in accounts}
        found = [by_id[str(e.get("contractor_id", ""))] for e in entries if str(e.get("contractor_id", "")) in by_id]
        last = entries[-1] if entries else None
        next_cursor = encode_cursor({"key": {k: str(last[k]) for k in ("PK", "SK", "GSI3PK", "GSI3SK")}}) \
            if more and last else None
        return found, next_cursor

    def companies_and_users(self, contractor_ids: list[str]) -> list[tuple[Company, User]]:
        """The companies (with their first admins) of these ids, in no order: BatchGetItem (eventually
        consistent: for lists), one request per fifty companies. A company without a user is left out."""
        ids = [i for i in dict.fromkeys(contractor_ids) if _valid_id(i)]
        wanted = [k for i in ids for k in (keys.contractor(i), keys.first_user(i))]
        items = self.items.get_many(wanted, consistent=False) if wanted else []
        profiles = {str(i.get("contractor_id", "")): i for i in items if i["SK"] == keys.PROFILE}
        users = {str(i.get("contractor_id", "")): i for i in items if i["SK"].startswith(keys.USER_PREFIX)}
        return [(company_from_item(profiles[i]), user_from_item(users[i])) for i in ids
                if i in profiles and i in users]

    def contractor_of_license(self, license_no: str) -> str | None:
        """The contractor holding a state license (its claim: one GetItem), or None."""
        text = license_no.strip()
        if not 0 < len(text) <= 64:
            return None
        claim = self.items.get(keys.license_claim(text), consistent=False)
        return str(claim["contractor_id"]) if claim and claim.get("contractor_id") else None

    def backfill_directory(self) -> int:
        """One-off for a table written before GSI3: moves every company still listed on GSI1
        (GSI1PK=DIRECTORY, full items) to GSI3. Idempotent: a moved item leaves GSI1's directory,
        so a second run finds nothing. Returns how many were moved."""
        moved = 0
        for item in query_all(self.items, keys.DIRECTORY, index="GSI1"):
            name, contractor_id = _text(item.get("company_name")), _text(item.get("contractor_id"))
            with suppress(ConditionFailed):  # deleted meanwhile: nothing to list
                self.items.update(Update(
                    {"PK": item["PK"], "SK": item["SK"]},
                    set={"GSI3PK": keys.DIRECTORY, "GSI3SK": keys.directory_sort_key(name, contractor_id),
                         "GSI1PK": None, "GSI1SK": None},
                    cond=present()))
                moved += 1
        return moved

    def add_company(self, company: Company, user: User) -> None:
        """Staged: the company, its first user, and the claim on its license (one account per
        license: the commit fails when any exists)."""
        if user.contractor_id != company.contractor_id or not user.first_admin:
            raise ValueError("a new company is created with its first user")
        company.version, user.version = 1, 1
        item = {**keys.contractor(company.contractor_id), **_company_attributes(company), "version": 1}
        item = {k: v for k, v in item.items() if v is not None}
        claim = {**keys.license_claim(company.license_no), "contractor_id": company.contractor_id}
        self.uow.add(Put(item, absent()), Put(user_item(user), absent()), Put(claim, absent()))

    def save_company(self, company: Company) -> None:
        """Staged: the company's attributes, if nobody changed the company since it was read."""
        changes, cond = self._company_changes(company)
        self.uow.add(Update(keys.contractor(company.contractor_id), set=changes, cond=present() & cond))

    def save_user(self, user: User, clear_sign_in: bool = False) -> None:
        """Staged: the user's attributes, if nobody changed the user since it was read; `clear_sign_in`:
        and its sign-in failure count is forgotten (a new PIN or password)."""
        version = user.version
        user.version = version + 1
        attributes = {**_user_attributes(user), "version": version + 1}
        if clear_sign_in:
            attributes.update(attempts=0, locked_until=None)
        self.uow.add(Update(keys.user(user.contractor_id, user.user_id), set=attributes,
                            cond=present() & at_version(version)))

    def save_account(self, company: Company, user: User) -> None:
        """Staged: both, each under its own version (two items, one transaction)."""
        if user.contractor_id != company.contractor_id:
            raise ValueError("a company is saved with one of its own users")
        self.save_company(company)
        self.save_user(user)

    def keep_active_admin(self, contractor_id: str, user_id: str) -> None:
        """Staged: the change commits only while that user is still an active admin, so two admins
        demoting each other at once cannot leave the company with none."""
        self.uow.add(Check(keys.user(contractor_id, user_id),
                           present() & eq("status", UserStatus.ACTIVE.value) & eq("role", UserRole.ADMIN.value)))

    @staticmethod
    def _company_changes(company: Company) -> tuple[dict[str, Any], Cond]:
        version = company.version
        company.version = version + 1
        return {**_company_attributes(company), "version": version + 1}, at_version(version)

    def migrate_first_users(self) -> int:
        """Companies and their users become separate records: each company whose first user still
        lives on its PROFILE item (tables written before named users) gets that user as its own
        USER# item, the company's first admin, and the PROFILE item loses the user's attributes —
        one transaction a company. Idempotent: a migrated company has nothing left to move, so a
        second run writes nothing. Reads the directory (a Query) and the profiles in batches, never
        a Scan. Returns how many companies were migrated."""
        migrated = 0
        ids = [str(e.get("contractor_id", "")) for e in query_all(self.items, keys.DIRECTORY, index="GSI3")]
        for start in range(0, len(ids), 50):
            batch = [i for i in ids[start:start + 50] if _valid_id(i)]
            wanted = [k for i in batch for k in (keys.contractor(i), keys.first_user(i))]
            found = self.items.get_many(wanted, consistent=True)
            profiles = {i["PK"]: i for i in found if i["SK"] == keys.PROFILE}
            have_user = {i["PK"] for i in found if i["SK"].startswith(keys.USER_PREFIX)}
            for pk, profile in profiles.items():
                legacy = [name for name in _LEGACY_USER_ATTRIBUTES if name in profile]
                if not legacy:
                    continue
                actions: list[Action] = [Update({"PK": pk, "SK": keys.PROFILE}, remove=tuple(legacy), cond=present())]
                if pk not in have_user:
                    actions.append(Put(user_item(_first_user_of_legacy(profile)), absent()))
                with suppress(ConditionFailed):  # migrated (or deleted) meanwhile by another run
                    self.items.write(actions)
                    migrated += 1
        return migrated

    def _profile(self, contractor_id: str) -> Item | None:
        # Strongly consistent: password checks and the profile read what the last request (or this one) wrote.
        return self.items.get(keys.contractor(contractor_id), consistent=True)

    # --- staff ---------------------------------------------------------------------------------

    def staff_with_throttle(self, username: str, kind: str, throttle_id: str) -> tuple[StaffUser | None, Throttle]:
        staff_key, throttle_key = keys.staff(username), keys.throttle(kind, throttle_id)
        found = self.items.get_many([staff_key, throttle_key], consistent=True)
        staff = next((i for i in found if _same_key(i, staff_key)), None)
        throttle = next((i for i in found if _same_key(i, throttle_key)), None)
        return (staff_from_item(staff) if staff else None), _throttle_from_item(throttle)

    def staff_user(self, username: str) -> StaffUser | None:
        """One staff account by name (GetItem, strongly consistent), or None."""
        item = self.items.get(keys.staff(username), consistent=True)
        return staff_from_item(item) if item else None

    def staff_page(self, limit: int, cursor: str | None) -> tuple[list[StaffUser], str | None]:
        """A page of staff accounts by user name: one Query on GSI1 (GSI1PK=STAFF), never a Scan."""
        partition = {"GSI1PK": keys.STAFF_ALL}
        start = decode_cursor(cursor, partition)["key"] if cursor else None
        page = self.items.query(keys.STAFF_ALL, index="GSI1", limit=limit, start=start)
        more = page.next_key is not None and len(page.items) == limit
        next_cursor = encode_cursor({"key": gsi1_key(page.items[-1])}) if more and page.items else None
        return [staff_from_item(i) for i in page.items], next_cursor

    def active_supervisors(self) -> list[StaffUser]:
        """Every active supervisor (the last-supervisor rule): the staff list read whole, a few dozen items."""
        return [u for u in (staff_from_item(i) for i in query_all(self.items, keys.STAFF_ALL, index="GSI1"))
                if u.active_supervisor]

    def put_staff(self, user: StaffUser) -> None:
        """Immediate: create or replace a staff user (the local demo seed and tests)."""
        user.version = user.version or 1
        self.items.write([Put(_staff_item(user))])

    def add_staff(self, user: StaffUser) -> None:
        """Staged: a new staff account; the commit fails (StaleRecord) when the name is taken."""
        user.version = 1
        self.uow.add(Put(_staff_item(user), absent()))

    def save_staff(self, user: StaffUser) -> None:
        """Staged: the account, if nobody changed it since it was read."""
        version = user.version
        user.version = version + 1
        item = _staff_item(user)
        changes = {k: v for k, v in item.items() if k not in ("PK", "SK")}
        gone = tuple(k for k in _STAFF_OPTIONAL if k not in item)
        self.uow.add(Update(keys.staff(user.username), set=changes, remove=gone,
                            cond=present() & at_version(version)))

    def keep_active_supervisor(self, username: str) -> None:
        """Staged: the change commits only while `username` is still an active supervisor, so two
        supervisors demoting each other at once cannot leave the county with none."""
        self.uow.add(Check(keys.staff(username), present() & _active() & _supervisor()))

    # --- throttles -----------------------------------------------------------------------------
    #
    # An attempt is counted *before* its secret is checked (`claim_attempt`, one conditional
    # UpdateItem), so guesses sent together cannot all be checked: once `limit` attempts are
    # counted (failed or still in flight) every further one is refused until a success clears
    # the count or the lock the limit-th failure sets runs out.

    def claim_attempt(self, kind: str, account_id: str, now: datetime, limit: int, lock_seconds: int) -> int | None:
        """Count one attempt; its number, or None when the account is locked or at its limit.

        A count at the limit whose last claim is older than a lock-out is stale (a request that died
        between claim and check): it no longer refuses, so no account stays stuck until the TTL."""
        epoch = _epoch(now) or 0
        not_locked = not_exists("locked_until") | lte("locked_until", epoch)
        under_limit = not_exists("attempts") | lt("attempts", limit) | lte("claimed_at", epoch - lock_seconds)
        try:
            new = self.items.update(Update(keys.throttle(kind, account_id),
                                           set={"ttl": epoch + _DAY, "claimed_at": epoch}, add={"attempts": 1},
                                           cond=not_locked & under_limit), return_new=True)
        except ConditionFailed:
            return None
        return int((new or {})["attempts"])

    def fail_attempt(self, kind: str, account_id: str, number: int, now: datetime, limit: int,
                     lock_seconds: int) -> None:
        """A claimed attempt failed: it is already counted; the `limit`-th one locks the account."""
        if number < limit:
            return
        locked_until = (_epoch(now) or 0) + lock_seconds
        with suppress(ConditionFailed):  # a success in between cleared the count: nothing to lock
            self.items.update(Update(keys.throttle(kind, account_id),
                                     set={"locked_until": locked_until, "attempts": 0, "ttl": locked_until + _DAY},
                                     cond=present()))

    def record_failure(self, kind: str, account_id: str, now: datetime, limit: int, lock_seconds: int) -> Throttle:
        """Count a failure after the fact (a source's failures, or a secret answer counted against
        the sign-in too); the `limit`-th one locks."""
        new = self.items.update(Update(keys.throttle(kind, account_id), set={"ttl": (_epoch(now) or 0) + _DAY},
                                       add={"attempts": 1}), return_new=True)
        attempts = int((new or {})["attempts"])
        if attempts < limit:
            return Throttle(failures=attempts)
        self.fail_attempt(kind, account_id, attempts, now, limit, lock_seconds)
        return Throttle(failures=0, locked_until=_time((_epoch(now) or 0) + lock_seconds))

    def clear_throttles(self, *kinds_and_ids: tuple[str, str]) -> None:
        """Immediate: forget the failure counts (a secret was right)."""
        self.items.delete_many([keys.throttle(kind, account_id) for kind, account_id in kinds_and_ids])

    def forget_throttles(self, *kinds_and_ids: tuple[str, str]) -> None:
        """Staged: forget the failure counts together with the change being committed."""
        self.uow.add(*(Delete(keys.throttle(kind, account_id)) for kind, account_id in kinds_and_ids))

    def throttle(self, kind: str, account_id: str) -> Throttle:
        return _throttle_from_item(self.items.get(keys.throttle(kind, account_id), consistent=True))

    # --- a company user's sign-in failures, on the user's own item --------------------------------
    #
    # The same rule as the throttles above (`attempts`, `claimed_at`, `locked_until`), kept on the
    # USER# item so that one UpdateItem counts a sign-in's attempt *and* reads the user it checks.
    # No `ttl` here: that would delete the user.

    def claim_sign_in(self, contractor_id: str, user_id: str, now: datetime, limit: int,
                      lock_seconds: int) -> tuple[User | None, int | None, Throttle]:
        """Count one sign-in attempt of a user and read the user, in one conditional UpdateItem.
        Returns (user, attempt number, throttle): (None, None, -) when there is no such user;
        (user, None, its lock) when the user is locked or at the limit."""
        if not _valid_id(contractor_id) or not _valid_id(user_id):
            return None, None, Throttle()
        epoch = _epoch(now) or 0
        not_locked = not_exists("locked_until") | lte("locked_until", epoch)
        under_limit = not_exists("attempts") | lt("attempts", limit) | lte("claimed_at", epoch - lock_seconds)
        key = keys.user(contractor_id, user_id)
        try:
            item = self.items.update_returning_item(Update(key, set={"claimed_at": epoch}, add={"attempts": 1},
                                                           cond=present() & not_locked & under_limit))
        except ConditionFailed:
            found = self.items.get(key, consistent=True)
            if found is None:
                return None, None, Throttle()
            return user_from_item(found), None, _throttle_from_item(found)
        return user_from_item(item), int(item["attempts"]), Throttle(failures=int(item["attempts"]))

    def fail_sign_in(self, contractor_id: str, user_id: str, number: int, now: datetime, limit: int,
                     lock_seconds: int) -> None:
        """A claimed sign-in failed: it is already counted; the `limit`-th one locks the user."""
        if number < limit:
            return
        with suppress(ConditionFailed):
            self.items.update(Update(keys.user(contractor_id, user_id),
                                     set={"locked_until": (_epoch(now) or 0) + lock_seconds, "attempts": 0},
                                     cond=present()))

    def record_sign_in_failure(self, contractor_id: str, user_id: str, now: datetime, limit: int,
                               lock_seconds: int) -> None:
        """Count a failure after the fact (a wrong secret answer counts against signing in too)."""
        try:
            new = self.items.update(Update(keys.user(contractor_id, user_id), add={"attempts": 1},
                                           set={"claimed_at": _epoch(now)}, cond=present()), return_new=True)
        except ConditionFailed:
            return
        self.fail_sign_in(contractor_id, user_id, int((new or {})["attempts"]), now, limit, lock_seconds)

    def give_back_sign_in(self, contractor_id: str, user_id: str) -> None:
        """Uncount a claimed attempt that was refused for its source's lock, not its secret: a source
        that is locked out cannot lock a user out by guessing on."""
        with suppress(ConditionFailed):
            self.items.update(Update(keys.user(contractor_id, user_id), add={"attempts": -1},
                                     cond=present() & exists("attempts") & ne("attempts", 0)))

    def sign_in_throttle(self, contractor_id: str, user_id: str) -> Throttle:
        item = self.items.get(keys.user(contractor_id, user_id), consistent=True) if _valid_id(user_id) else None
        return _throttle_from_item(item)

    def clear_sign_in(self, contractor_id: str, user_id: str) -> None:
        """Immediate: forget the user's failure count (a secret was right)."""
        with suppress(ConditionFailed):
            self.items.update(Update(keys.user(contractor_id, user_id), set={"attempts": 0}, remove=("locked_until",),
                                     cond=present()))

    # --- rate limits ---------------------------------------------------------------------------

    def take_from_window(self, kind: str, account_id: str, window_start: int, limit: int) -> bool:
        """Count one use in a fixed window (e.g. reset codes mailed per hour); False past `limit`."""
        try:
            self.items.update(Update(keys.rate_window(kind, account_id, window_start),
                                     set={"ttl": window_start + 2 * _DAY}, add={"uses": 1},
                                     cond=not_exists("uses") | lt("uses", limit)))
        except ConditionFailed:
            return False
        return True

    # --- sessions ------------------------------------------------------------------------------

    def open_session(self, session: Session, clear_throttle: tuple[str, str] | None = None,
                     source_throttle: tuple[str, str] | None = None, now: datetime | None = None) -> str:
        """Immediate, one transaction: the session and its entry under the principal (revocation finds
        every one); `clear_throttle` (kind, id): the sign-in succeeded, so its failure count goes too.
        A staff session records `last_sign_in_at` on the staff account, a company user's on the user
        (clearing its failure count), each on condition that the account is still active;
        `source_throttle` (kind, id): and that the caller's source is not locked out.
        Returns "opened", "inactive" (the account was disabled meanwhile) or "source-locked";
        nothing is written unless "opened"."""
        ttl = _epoch(session.absolute_expires_at)
        item = {
            **keys.session(session.token_hash),
            "role": session.role.value,
            "principal_id": session.principal_id,
            "display_name": session.display_name,
            "created_at": _epoch(session.created_at),
            "last_seen_at": _epoch(session.last_seen_at),
            "absolute_expires_at": ttl,
            "setup_only": session.setup_only,
            "ttl": ttl,
        }
        for name in ("user_id", "staff_role", "user_role", "user_email"):
            if getattr(session, name):
                item[name] = getattr(session, name)
        entry = {**keys.session_index_entry(session.role, session.principal_id, session.token_hash), "ttl": ttl}
        if session.user_id:
            entry["user_id"] = session.user_id
        actions: list[Action] = [Put(item), Put(entry)]
        if clear_throttle:
            actions.append(Delete(keys.throttle(*clear_throttle)))
        if session.role is Role.STAFF:  # the sign-in is recorded, and lands only while the account is active
            actions.append(Update(keys.staff(session.principal_id), set={"last_sign_in_at": _epoch(session.created_at)},
                                  cond=present() & _active()))
        elif session.user_id:
            actions.append(Update(keys.user(session.principal_id, session.user_id),
                                  set={"last_sign_in_at": _epoch(session.created_at), "attempts": 0},
                                  remove=("locked_until",),
                                  cond=present() & eq("status", UserStatus.ACTIVE.value)))
        if source_throttle:
            epoch = _epoch(now or session.created_at) or 0
            actions.append(Check(keys.throttle(*source_throttle),
                                 not_exists("locked_until") | lte("locked_until", epoch)))
        try:
            self.items.write(actions)
        except ConditionFailed as refused:
            if source_throttle and len(refused.reasons) == len(actions) and \
                    refused.reasons[-1] == "ConditionalCheckFailed":
                return "source-locked"
            return "inactive"
        return "opened"

    def session(self, token_hash: str) -> Session | None:
        # Strongly consistent: a session made by the previous request must work, and one deleted must not.
        item = self.items.get(keys.session(token_hash), consistent=True)
        return _session_from_item(token_hash, item) if item else None

    def touch_session(self, token_hash: str, now: datetime) -> None:
        with suppress(ConditionFailed):  # never resurrect a revoked session
            self.items.update(Update(keys.session(token_hash), set={"last_seen_at": _epoch(now)}, cond=present()))

    def end_session(self, role: Role, principal_id: str, token_hash: str) -> None:
        self.items.delete_many([keys.session(token_hash), keys.session_index_entry(role, principal_id, token_hash)])

    def revoke_sessions(self, role: Role, principal_id: str, keep: str | None = None, user_id: str = "") -> int:
        """Immediate: delete every session of a principal (but `keep`), or only of one of its users
        (`user_id`; an entry from before users is the first admin's); returns how many were revoked."""
        entries = query_all(self.items, keys.principal_partition(role, principal_id),
                            sk_prefix=keys.SESSION_PREFIX, consistent=True)
        if user_id:
            entries = [e for e in entries if (_text(e.get("user_id")) or principal_id) == user_id]
        doomed = [h for h in (e["SK"][len(keys.SESSION_PREFIX):] for e in entries) if h != keep]
        to_delete = [k for h in doomed for k in (keys.session(h), keys.session_index_entry(role, principal_id, h))]
        if to_delete:
            self.items.delete_many(to_delete)
        return len(doomed)

    # --- password reset ------------------------------------------------------------------------

    def put_reset_code(self, contractor_id: str, digest: str, expires_at: datetime, user_id: str = "") -> None:
        """Immediate: the user's one live code (a new one replaces the last)."""
        self.items.write([Put({**keys.reset_code(contractor_id, user_id), "digest": digest,
                               "expires_at": _epoch(expires_at), "ttl": _epoch(expires_at)})])

    def reset_code(self, contractor_id: str, user_id: str = "") -> ResetCode | None:
        item = self.items.get(keys.reset_code(contractor_id, user_id), consistent=True)
        return ResetCode(item["digest"], _time(item["expires_at"])) if item else None  # type: ignore[arg-type]

    def trade_reset_code(self, contractor_id: str, digest: str, token_hash: str, expires_at: datetime,
                         user_id: str = "") -> bool:
        """Immediate, one transaction: delete the code if it is still the one checked and store the reset
        token; False when another request used the code first (one use, even when raced)."""
        token: Item = {**keys.reset_token(token_hash), "contractor_id": contractor_id,
                       "expires_at": _epoch(expires_at), "ttl": _epoch(expires_at)}
        if user_id:
            token["user_id"] = user_id
        try:
            self.items.write([Delete(keys.reset_code(contractor_id, user_id), eq("digest", digest)),
                              Put(token, absent())])
        except ConditionFailed:
            return False
        return True

    def reset_token(self, token_hash: str) -> ResetToken | None:
        item = self.items.get(keys.reset_token(token_hash), consistent=True)
        if not item:
            return None
        return ResetToken(item["contractor_id"], _time(item["expires_at"]),  # type: ignore[arg-type]
                          _text(item.get("user_id")))

    def reset_token_exists(self, token_hash: str) -> bool:
        """Whether the token is still unused (after a commit that failed: was it the token or the user?)."""
        return self.items.get(keys.reset_token(token_hash), consistent=True) is not None

    def use_reset_token(self, token_hash: str) -> None:
        """Staged: the token is used up by the change being committed (which fails if it already was)."""
        self.uow.add(Delete(keys.reset_token(token_hash), present()))

    def companies_by_id(self, contractor_ids: Iterable[str]) -> dict[str, Company]:
        """The businesses of several contractors (lists that name the company), by id: `companies_and_users`'
        one BatchGetItem per 100. An id with no company is left out."""
        return {c.contractor_id: c for c, _ in self.companies_and_users(list(contractor_ids))}
