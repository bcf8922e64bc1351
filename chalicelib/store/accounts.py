"""Contractors, staff users, sessions, failed-attempt throttles and password-reset codes.

Keys are in `keys.py`. Times are stored as epoch seconds so the `ttl` attribute and the checks
use the same numbers.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from chalicelib.domain.accounts import Contractor, Role, Session, StaffUser, Throttle
from chalicelib.domain.errors import Conflict
from chalicelib.store import keys
from chalicelib.store.common import batch_delete, batch_get, from_epoch, query_all, to_epoch
from chalicelib.store.expressions import transact_put, update_args

_CONTRACTOR_FIELDS = (
    "contractor_id", "company_name", "license_no", "email", "address", "city", "state", "zip", "phone",
    "cell_phone", "fax", "security_question", "secret_answer_hash", "password_hash", "pin_hash",
)
_DAY = 86400
log = logging.getLogger(__name__)


def _is_conditional_failure(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")


def contractor_from_item(item: dict[str, Any]) -> Contractor:
    values = {name: item.get(name) for name in _CONTRACTOR_FIELDS}
    for text in ("address", "city", "state", "zip", "phone", "cell_phone", "fax", "security_question"):
        values[text] = values[text] or ""
    return Contractor(
        **values,
        pin_expires_at=from_epoch(item.get("pin_expires_at")),
        setup_complete=bool(item.get("setup_complete", False)),
        created_at=from_epoch(item.get("created_at")),
        updated_at=from_epoch(item.get("updated_at")),
    )


def _throttle_from_item(item: dict[str, Any] | None) -> Throttle:
    if not item:
        return Throttle()
    return Throttle(failures=int(item.get("attempts", 0)), locked_until=from_epoch(item.get("locked_until")))


class AccountStore:
    def __init__(self, table: Any) -> None:
        self.table = table
        self.client = table.meta.client

    # --- contractors -------------------------------------------------------------------------

    def get_contractor(self, contractor_id: str) -> Contractor | None:
        # Strongly consistent: password checks and the profile read what the last request (or this one) wrote.
        item = self.table.get_item(Key=keys.contractor(contractor_id), ConsistentRead=True).get("Item")
        return contractor_from_item(item) if item else None

    def get_contractor_with_throttle(self, contractor_id: str, kind: str,
                                     throttle_id: str) -> tuple[Contractor | None, Throttle]:
        """The account and one throttle (the caller's source) in one BatchGetItem."""
        account_key, throttle_key = keys.contractor(contractor_id), keys.throttle(kind, throttle_id)
        items = batch_get(self.table, [account_key, throttle_key], consistent=True)
        account = next((i for i in items if i["PK"] == account_key["PK"] and i["SK"] == account_key["SK"]), None)
        throttle = next((i for i in items if i["PK"] == throttle_key["PK"]), None)
        return (contractor_from_item(account) if account else None), _throttle_from_item(throttle)

    def list_directory(self) -> list[tuple[str, str]]:
        """(contractor_id, company_name) of every contractor, sorted by name: one Query on GSI1."""
        items = query_all(
            self.table,
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.DIRECTORY),
            ProjectionExpression="contractor_id, company_name",
        )
        # One damaged item must not take the login drop-down down for every contractor.
        listed = [(i["contractor_id"], i["company_name"]) for i in items
                  if str(i.get("contractor_id") or "").strip() and str(i.get("company_name") or "").strip()]
        if len(listed) < len(items):
            log.warning("directory: %d contractor item(s) without an id or a name left out", len(items) - len(listed))
        return listed

    def create_contractor(self, contractor: Contractor) -> None:
        """Write the account and claim its license in one transaction: one account per license."""
        item = {
            **keys.contractor(contractor.contractor_id),
            "GSI1PK": keys.DIRECTORY,
            "GSI1SK": keys.directory_sort_key(contractor.company_name, contractor.contractor_id),
            **{name: getattr(contractor, name) for name in _CONTRACTOR_FIELDS if getattr(contractor, name)},
            "setup_complete": contractor.setup_complete,
            "pin_expires_at": to_epoch(contractor.pin_expires_at),
            "created_at": to_epoch(contractor.created_at),
            "updated_at": to_epoch(contractor.updated_at),
        }
        item = {k: v for k, v in item.items() if v is not None}
        claim = {**keys.license_claim(contractor.license_no), "contractor_id": contractor.contractor_id}
        try:
            self.client.transact_write_items(TransactItems=[
                transact_put(self.table.name, item, Attr("PK").not_exists()),
                transact_put(self.table.name, claim, Attr("PK").not_exists()),
            ])
        except ClientError as error:
            if _is_conditional_failure(error):
                raise Conflict(f"State license {contractor.license_no} is already registered.") from error
            raise

    def update_contractor(
        self,
        contractor_id: str,
        changes: dict[str, Any],
        remove: tuple[str, ...] = (),
        require: dict[str, Any] | None = None,
    ) -> bool:
        """Apply changes to an existing contractor whose attributes equal `require`; False if not."""
        args = update_args(set_=changes, remove=remove)
        condition = Attr("PK").exists()
        for name, value in (require or {}).items():
            condition = condition & Attr(name).eq(value)
        try:
            self.table.update_item(Key=keys.contractor(contractor_id), ConditionExpression=condition, **args)
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise
        return True

    # --- staff -------------------------------------------------------------------------------

    def get_staff_with_throttle(self, username: str, kind: str,
                                throttle_id: str) -> tuple[StaffUser | None, Throttle]:
        staff_key, throttle_key = keys.staff(username), keys.throttle(kind, throttle_id)
        items = batch_get(self.table, [staff_key, throttle_key], consistent=True)
        staff = next((i for i in items if i["PK"] == staff_key["PK"]), None)
        throttle = next((i for i in items if i["PK"] == throttle_key["PK"]), None)
        user = None
        if staff:
            user = StaffUser(staff["username"], staff.get("display_name", staff["username"]),
                             staff.get("email", ""), staff["password_hash"])
        return user, _throttle_from_item(throttle)

    def put_staff(self, user: StaffUser) -> None:
        self.table.put_item(Item={**keys.staff(user.username), "username": user.username.lower(),
                                  "display_name": user.display_name, "email": user.email,
                                  "password_hash": user.password_hash})

    # --- throttles ---------------------------------------------------------------------------
    #
    # An attempt is counted *before* its secret is checked (`claim_attempt`, one conditional
    # UpdateItem), so guesses sent together cannot all be checked: once `limit` attempts are
    # counted (failed or still in flight) every further one is refused until a success clears
    # the count or the lock the limit-th failure sets runs out.

    def claim_attempt(self, kind: str, account_id: str, now: datetime, limit: int,
                      lock_seconds: int) -> int | None:
        """Count one attempt; its number, or None when the account is locked or at its limit.

        A count at the limit whose last claim is older than a lock-out is stale (a request that died
        between claim and check): it no longer refuses, so no account stays stuck until the TTL."""
        epoch = to_epoch(now) or 0
        not_locked = Attr("locked_until").not_exists() | Attr("locked_until").lte(epoch)
        under_limit = (Attr("attempts").not_exists() | Attr("attempts").lt(limit)
                       | Attr("claimed_at").lte(epoch - lock_seconds))
        try:
            response = self.table.update_item(
                Key=keys.throttle(kind, account_id), ReturnValues="UPDATED_NEW",
                ConditionExpression=not_locked & under_limit,
                **update_args(set_={"ttl": epoch + _DAY, "claimed_at": epoch}, add={"attempts": 1}),
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                return None
            raise
        return int(response["Attributes"]["attempts"])

    def fail_attempt(self, kind: str, account_id: str, number: int, now: datetime, limit: int,
                     lock_seconds: int) -> None:
        """A claimed attempt failed: it is already counted; the `limit`-th one locks the account."""
        if number < limit:
            return
        locked_until = (to_epoch(now) or 0) + lock_seconds
        try:
            self.table.update_item(
                Key=keys.throttle(kind, account_id),
                ConditionExpression=Attr("PK").exists(),  # a success in between cleared the count
                **update_args(set_={"locked_until": locked_until, "attempts": 0, "ttl": locked_until + _DAY}),
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise

    def record_failure(self, kind: str, account_id: str, now: datetime, limit: int,
                       lock_seconds: int) -> Throttle:
        """Count a failure after the fact (a source's failures, or a secret answer counted against
        the sign-in too); the `limit`-th one locks."""
        response = self.table.update_item(
            Key=keys.throttle(kind, account_id), ReturnValues="UPDATED_NEW",
            **update_args(set_={"ttl": (to_epoch(now) or 0) + _DAY}, add={"attempts": 1}),
        )
        attempts = int(response["Attributes"]["attempts"])
        if attempts < limit:
            return Throttle(failures=attempts)
        self.fail_attempt(kind, account_id, attempts, now, limit, lock_seconds)
        return Throttle(failures=0, locked_until=from_epoch((to_epoch(now) or 0) + lock_seconds))

    def clear_throttles(self, *kinds_and_ids: tuple[str, str]) -> None:
        batch_delete(self.table, [keys.throttle(kind, account_id) for kind, account_id in kinds_and_ids])

    def get_throttle(self, kind: str, account_id: str) -> Throttle:
        item = self.table.get_item(Key=keys.throttle(kind, account_id), ConsistentRead=True).get("Item")
        return _throttle_from_item(item)

    # --- rate limits -------------------------------------------------------------------------

    def take_from_window(self, kind: str, account_id: str, window_start: int, limit: int) -> bool:
        """Count one use in a fixed window (e.g. reset codes mailed per hour); False past `limit`."""
        key = keys.rate_window(kind, account_id, window_start)
        under_limit = Attr("uses").not_exists() | Attr("uses").lt(limit)
        try:
            self.table.update_item(
                Key=key, ConditionExpression=under_limit,
                **update_args(set_={"ttl": window_start + 2 * _DAY}, add={"uses": 1}),
            )
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise
        return True

    # --- sessions ----------------------------------------------------------------------------

    def create_session(self, session: Session, clear_throttle: tuple[str, str] | None = None) -> None:
        """The session and its entry under the principal, together: revocation finds every one.
        `clear_throttle` (kind, id): the sign-in succeeded, so its failure count goes in the same write."""
        ttl = to_epoch(session.absolute_expires_at)
        item = {
            **keys.session(session.token_hash),
            "role": session.role.value,
            "principal_id": session.principal_id,
            "display_name": session.display_name,
            "created_at": to_epoch(session.created_at),
            "last_seen_at": to_epoch(session.last_seen_at),
            "absolute_expires_at": ttl,
            "setup_only": session.setup_only,
            "ttl": ttl,
        }
        entry = {**keys.session_index_entry(session.role, session.principal_id, session.token_hash),
                 "ttl": ttl}
        actions = [transact_put(self.table.name, item), transact_put(self.table.name, entry)]
        if clear_throttle:
            actions.append({"Delete": {"TableName": self.table.name, "Key": keys.throttle(*clear_throttle)}})
        self.client.transact_write_items(TransactItems=actions)

    def get_session(self, token_hash: str) -> Session | None:
        # Strongly consistent: a session made by the previous request must work, and one deleted must not.
        item = self.table.get_item(Key=keys.session(token_hash), ConsistentRead=True).get("Item")
        if not item:
            return None
        return Session(
            token_hash=token_hash,
            role=Role(item["role"]),
            principal_id=item["principal_id"],
            display_name=item.get("display_name", ""),
            created_at=from_epoch(item["created_at"]),
            last_seen_at=from_epoch(item["last_seen_at"]),
            absolute_expires_at=from_epoch(item["absolute_expires_at"]),
            setup_only=bool(item.get("setup_only", False)),
        )

    def touch_session(self, token_hash: str, now: datetime) -> None:
        try:
            self.table.update_item(
                Key=keys.session(token_hash),
                ConditionExpression=Attr("PK").exists(),  # never resurrect a revoked session
                **update_args(set_={"last_seen_at": to_epoch(now)}),
            )
        except ClientError as error:
            if not _is_conditional_failure(error):
                raise

    def delete_session(self, role: Role, principal_id: str, token_hash: str) -> None:
        batch_delete(self.table, [keys.session(token_hash),
                                  keys.session_index_entry(role, principal_id, token_hash)])

    def revoke_sessions(self, role: Role, principal_id: str, keep: str | None = None) -> int:
        """Delete every session of a principal (but `keep`); returns how many were revoked."""
        entries = query_all(
            self.table,
            KeyConditionExpression=Key("PK").eq(keys.principal_partition(role, principal_id))
            & Key("SK").begins_with(keys.SESSION_PREFIX),
            ConsistentRead=True,
            ProjectionExpression="PK, SK",
        )
        doomed = [e["SK"][len(keys.SESSION_PREFIX):] for e in entries]
        doomed = [h for h in doomed if h != keep]
        to_delete = [k for h in doomed for k in (keys.session(h),
                                                  keys.session_index_entry(role, principal_id, h))]
        if to_delete:
            batch_delete(self.table, to_delete)
        return len(doomed)

    # --- password reset ----------------------------------------------------------------------

    def put_reset_code(self, contractor_id: str, digest: str, expires_at: datetime) -> None:
        self.table.put_item(Item={**keys.reset_code(contractor_id), "digest": digest,
                                  "expires_at": to_epoch(expires_at), "ttl": to_epoch(expires_at)})

    def get_reset_code(self, contractor_id: str) -> dict[str, Any] | None:
        item = self.table.get_item(Key=keys.reset_code(contractor_id), ConsistentRead=True).get("Item")
        if not item:
            return None
        return {"digest": item["digest"], "expires_at": from_epoch(item["expires_at"])}

    def consume_reset_code(self, contractor_id: str, digest: str) -> bool:
        """Delete the code if it is still the one checked; False when another request used it first."""
        return self._delete_if(keys.reset_code(contractor_id), Attr("digest").eq(digest))

    def put_reset_token(self, token_hash: str, contractor_id: str, expires_at: datetime) -> None:
        self.table.put_item(Item={**keys.reset_token(token_hash), "contractor_id": contractor_id,
                                  "expires_at": to_epoch(expires_at), "ttl": to_epoch(expires_at)})

    def get_reset_token(self, token_hash: str) -> tuple[str, datetime] | None:
        item = self.table.get_item(Key=keys.reset_token(token_hash), ConsistentRead=True).get("Item")
        return (item["contractor_id"], from_epoch(item["expires_at"])) if item else None

    def consume_reset_token(self, token_hash: str) -> bool:
        """Delete the reset token; False when another request used it first (one use, even when raced)."""
        return self._delete_if(keys.reset_token(token_hash), Attr("PK").exists())

    def _delete_if(self, key: dict[str, str], condition: Any) -> bool:
        try:
            self.table.delete_item(Key=key, ConditionExpression=condition)
        except ClientError as error:
            if _is_conditional_failure(error):
                return False
            raise
        return True
