"""The single-table key design: every access pattern and the key that serves it.

Table `PK`/`SK` (strings), global secondary indexes `GSI1`, `GSI2`, `GSI4` (the back office's permit search;
projection ALL), `GSI5` (the map's geohash cells and the parcel/project links; projection ALL) and `GSI3` (the
directory), and a TTL attribute `ttl` (epoch seconds) that lets DynamoDB delete sessions, codes and throttles.

Access pattern → request → key:

- contractor by id (login, profile) → GetItem → PK=CONTRACTOR#<id>, SK=PROFILE
- login drop-down, contractors by name → Query GSI3 (sparse, projects only contractor_id and company_name,
  so thousands of businesses fit a 1 MB page) → GSI3PK=DIRECTORY, GSI3SK=<COMPANY NAME>#<id>
- one account per state license → conditional Put in the same transaction → PK=LICENSE#<license>, SK=LICENSE
- staff user by name → GetItem → PK=STAFF#<username>, SK=PROFILE
- staff users by name (the back office's list, paged) → Query GSI1 → GSI1PK=STAFF, GSI1SK=<username>
- session per request → GetItem → PK=SESSION#<sha256(token)>, SK=SESSION
- a principal's sessions (revoke all) → consistent Query → PK=<principal key>, SK begins_with SESSION#
  (a company user's entries carry `user_id`: one user's sessions are that Query's entries of that user)
- failed attempts of one account, existing or not → GetItem, batched with the account
  → PK=THROTTLE#<kind>#<id>, SK=THROTTLE
  (kinds: contractor, staff, reset-code, reset-answer; source: the caller's address and the window,
  THROTTLE#source#<ip>#<window start>)
- uses in a fixed window (reset codes mailed per hour) → conditional UpdateItem ADD
  → PK=RATE#<kind>#<id>#<window start epoch>, SK=RATE
- password-reset code of a company's user → GetItem → PK=CONTRACTOR#<id>, SK=RESET_CODE (the first
  admin) or RESET_CODE#<user_id> (a named user)
- password-reset token → GetItem → PK=RESET#<sha256(token)>, SK=RESET
- a company's user by id (sign-in, GET /me; the first admin's id is the company's, a named user's
  follows from the e-mail: `domain.accounts.named_user_id`, so a sign-in with an e-mail is a key)
  → GetItem or UpdateItem → PK=CONTRACTOR#<id>, SK=USER#<user_id> (the user's sign-in failures are
  counted on this item too: a sign-in claims its attempt and reads the user in one UpdateItem)
- a company's users (the Users page, notices to each user who asked) → Query → PK=CONTRACTOR#<id>,
  SK begins_with USER#
- a company's activity, newest first → Query (descending) → PK=CONTRACTOR#<id>,
  SK=ACTIVITY#<at, microseconds>#<entry id>
- sandbox outbox by address, newest first → Query → PK=OUTBOX#<address>, SK=<sent_at>#<id>
  (all mail: GSI1PK=OUTBOX)
- permit detail with fees, inspections, reviews, attachments, its status timeline → Query
  → PK=PERMIT#<no>, SK=PERMIT | FEE#<id> | INSPECTION#<id> | REVIEW#<id> | ATTACHMENT#<id> | STATUS#<seq>
- dashboard: a contractor's permits, fees and inspections → Query GSI1
  → GSI1PK=CONTRACTOR#<id>, GSI1SK begins_with PERMIT# (PERMIT#<no>, PERMIT#<no>#FEE#<id>, ...)
- finished permits (FINALED, CLOSED; CANCELLED 30 days after) → the same items under
  GSI1SK ARCHIVE#PERMIT#<no>..., out of the dashboard's range; search pages through PERMIT# then ARCHIVE#
- cancelled permits due to leave the dashboard (the daily job, in the same Query as the expiries)
  → PK=PERMIT#<no>, SK=ARCHIVE_DUE, GSI2PK=EXPIRY, GSI2SK=<date>#<no>
- paid items, newest first → Query GSI1 → GSI1PK=CONTRACTOR#<id>, GSI1SK begins_with PAYMENT#<created_at>
  (an unapplied approval is indexed at <its payment's GSI1SK>#UNAPPLIED#<transaction_id>, read with it)
- one payment per receipt number (its short number is unique, not just probably so) → conditional Put in the
  checkout's transaction → PK=RECEIPT#<receipt_no>, SK=RECEIPT
- payment with its lines → Query → PK=PAYMENT#<id>, SK=PAYMENT | LINE#<fee_id> | UNAPPLIED#<transaction_id>
  (UNAPPLIED#: an approval that could not be applied to a payment that had already ended — a refund is due)
- a contractor's cart, one item per permit in it → consistent Query → PK=CONTRACTOR#<id>, SK begins_with CART#
  (SK=CART#<permit_no>; no GSI attributes, so the dashboard's GSI1 Query never sees it)
- permits falling due (the daily job) → Query GSI2, sparse (only unflagged permits with an expiry date)
  → GSI2PK=EXPIRY, GSI2SK=<expires_date>#<no>
- expiry reminders falling due (the daily job) → Query GSI2, sparse: one entry per permit per expiry date,
  armed until its reminder is sent → PK=PERMIT#<no>, SK=REMINDER#<expires_date>,
  GSI2PK=REMINDER, GSI2SK=<expires_date>#<no> (the job looks EXPIRY_REMINDER_DAYS ahead)
- one inspection by id (cancel, record a result) → GetItem: the id embeds the permit number
  (RES17-0150-1a2b3c4d) → PK=PERMIT#<no>, SK=INSPECTION#<id>
- one scheduled inspection per permit, type and day → conditional Put (attribute_not_exists) in the same
  TransactWriteItems as the inspection, Delete in the same one as its cancellation or result
  → PK=PERMIT#<no>, SK=INSPECTION_SLOT#<type>#<date> (`inspection_id` names the holder; no GSI
  attributes, and load() skips it: INSPECTION_SLOT# does not begin with INSPECTION#)
- next permit number of a prefix and year → UpdateItem ADD (atomic counter) → PK=SEQ#PERMIT#<prefix><yy>, SK=SEQ

Names here are the only place key strings are spelled; the rest of the store calls these functions.
"""

from __future__ import annotations

Key = dict[str, str]

PROFILE = "PROFILE"
DIRECTORY = "DIRECTORY"
SESSION_PREFIX = "SESSION#"


def contractor(contractor_id: str) -> Key:
    return {"PK": f"CONTRACTOR#{contractor_id}", "SK": PROFILE}


def contractor_partition(contractor_id: str) -> str:
    return f"CONTRACTOR#{contractor_id}"


def directory_sort_key(company_name: str, contractor_id: str) -> str:
    return f"{company_name.upper()}#{contractor_id}"


def license_claim(license_no: str) -> Key:
    return {"PK": f"LICENSE#{license_no.upper()}", "SK": "LICENSE"}


def staff(username: str) -> Key:
    return {"PK": f"STAFF#{username.lower()}", "SK": PROFILE}


STAFF_ALL = "STAFF"


def staff_sort_key(username: str) -> str:
    return username.lower()


def principal_partition(role: str, principal_id: str) -> str:
    """The partition that owns a principal's session index entries."""
    if role == "staff":
        return f"STAFF#{principal_id.lower()}"
    return contractor_partition(principal_id)


def session(token_hash: str) -> Key:
    return {"PK": f"SESSION#{token_hash}", "SK": "SESSION"}


def session_index_entry(role: str, principal_id: str, token_hash: str) -> Key:
    return {"PK": principal_partition(role, principal_id), "SK": f"{SESSION_PREFIX}{token_hash}"}


def throttle(kind: str, account_id: str) -> Key:
    return {"PK": f"THROTTLE#{kind}#{account_id.lower()}", "SK": "THROTTLE"}


def rate_window(kind: str, account_id: str, window_start: int) -> Key:
    return {"PK": f"RATE#{kind}#{account_id.lower()}#{window_start}", "SK": "RATE"}


def reset_code(contractor_id: str, user_id: str = "") -> Key:
    named = user_id and user_id != contractor_id
    return {"PK": contractor_partition(contractor_id), "SK": f"RESET_CODE#{user_id}" if named else "RESET_CODE"}


def reset_token(token_hash: str) -> Key:
    return {"PK": f"RESET#{token_hash}", "SK": "RESET"}


USER_PREFIX = "USER#"
ACTIVITY_PREFIX = "ACTIVITY#"


def user(contractor_id: str, user_id: str) -> Key:
    return {"PK": contractor_partition(contractor_id), "SK": f"{USER_PREFIX}{user_id}"}


def first_user(contractor_id: str) -> Key:
    """A company's first user (the PIN holder): the user whose id is the company's."""
    return user(contractor_id, contractor_id)


def activity(contractor_id: str, sort_key: str) -> Key:
    return {"PK": contractor_partition(contractor_id), "SK": f"{ACTIVITY_PREFIX}{sort_key}"}


def outbox_partition(address: str) -> str:
    return f"OUTBOX#{address.strip().lower()}"


OUTBOX_ALL = "OUTBOX"


def permit_partition(permit_no: str) -> str:
    return f"PERMIT#{permit_no.upper()}"


def permit_no_of(partition: str) -> str:
    """The permit number of a PERMIT#<no> partition key ("" for any other partition)."""
    return partition.removeprefix("PERMIT#") if partition.startswith("PERMIT#") else ""


def contractor_permit_prefix(permit_no: str, archived: bool = False) -> str:
    """GSI1 sort key of a permit under its contractor; its fees and inspections extend it.

    A finished permit's entries move to the ARCHIVE# range, out of the dashboard's (PERMIT#): the
    dashboard's cost follows what is active, and search reads the archive after it, paged."""
    return f"{ARCHIVE_PREFIX if archived else ''}PERMIT#{permit_no.upper()}"


ARCHIVE_PREFIX = "ARCHIVE#"
ACTIVE_PERMITS_RANGE = "PERMIT#"
ARCHIVED_PERMITS_RANGE = "ARCHIVE#PERMIT#"


def payment_partition(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


PAYMENT_SK = "PAYMENT"
LINE_PREFIX = "LINE#"
UNAPPLIED_PREFIX = "UNAPPLIED#"
CART_PREFIX = "CART#"
PAYMENT_INDEX_PREFIX = "PAYMENT#"


def payment(payment_id: str) -> Key:
    return {"PK": payment_partition(payment_id), "SK": PAYMENT_SK}


def receipt_claim(receipt_no: str) -> Key:
    return {"PK": f"RECEIPT#{receipt_no}", "SK": "RECEIPT"}


def payment_line(payment_id: str, fee_id: str) -> Key:
    return {"PK": payment_partition(payment_id), "SK": f"{LINE_PREFIX}{fee_id}"}


def payment_unapplied(payment_id: str, transaction_id: str) -> Key:
    return {"PK": payment_partition(payment_id), "SK": f"{UNAPPLIED_PREFIX}{transaction_id}"}


def contractor_payment_sort_key(created_at: str, payment_id: str) -> str:
    """GSI1 sort key of a payment under its contractor: RFC 3339 time first, so newest first sorts."""
    return f"{PAYMENT_INDEX_PREFIX}{created_at}#{payment_id}"


def contractor_unapplied_sort_key(created_at: str, payment_id: str, transaction_id: str) -> str:
    """GSI1 sort key of an unapplied approval: just after its payment's, so Paid Items reads both at once."""
    return f"{contractor_payment_sort_key(created_at, payment_id)}#{UNAPPLIED_PREFIX}{transaction_id}"


def cart_entry(contractor_id: str, permit_no: str) -> Key:
    return {"PK": contractor_partition(contractor_id), "SK": f"{CART_PREFIX}{permit_no.upper()}"}


# --- permits (see chalicelib/store/permits.py) ---------------------------------------------------

PERMIT_SK = "PERMIT"
INSPECTION_PREFIX = "INSPECTION#"
REVIEW_PREFIX = "REVIEW#"
ATTACHMENT_PREFIX = "ATTACHMENT#"
REMINDER_PREFIX = "REMINDER#"
EXPIRY_INDEX = "EXPIRY"
REMINDER_INDEX = "REMINDER"


def permit(permit_no: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": PERMIT_SK}


def inspection(permit_no: str, inspection_id: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": f"{INSPECTION_PREFIX}{inspection_id}"}


def review(permit_no: str, review_id: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": f"{REVIEW_PREFIX}{review_id}"}


def attachment(permit_no: str, attachment_id: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": f"{ATTACHMENT_PREFIX}{attachment_id}"}


def reminder(permit_no: str, expires_date: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": f"{REMINDER_PREFIX}{expires_date}"}


def contractor_inspection_sort_key(permit_no: str, inspection_id: str, archived: bool = False) -> str:
    return f"{contractor_permit_prefix(permit_no, archived)}#{INSPECTION_PREFIX}{inspection_id}"


def expiry_sort_key(expires_date: str, permit_no: str) -> str:
    return f"{expires_date}#{permit_no.upper()}"


def permit_counter(prefix: str, yy: int) -> Key:
    return {"PK": f"SEQ#PERMIT#{prefix.upper()}{yy:02d}", "SK": "SEQ"}


INSPECTION_SLOT_PREFIX = "INSPECTION_SLOT#"
FEE_PREFIX = "FEE#"
ARCHIVE_DUE_SK = "ARCHIVE_DUE"


def fee(permit_no: str, fee_id: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": f"{FEE_PREFIX}{fee_id}"}


def contractor_fee_sort_key(permit_no: str, fee_id: str, archived: bool = False) -> str:
    return f"{contractor_permit_prefix(permit_no, archived)}#{FEE_PREFIX}{fee_id}"


def archive_due(permit_no: str) -> Key:
    """A cancelled permit's day to leave the dashboard, in the daily job's EXPIRY index (sparse GSI2)."""
    return {"PK": permit_partition(permit_no), "SK": ARCHIVE_DUE_SK}


def inspection_slot(permit_no: str, inspection_type: str, day: str) -> Key:
    """The claim on a permit's inspection type for one day (`day` ISO, last so a `#` in a type stays unambiguous)."""
    return {"PK": permit_partition(permit_no), "SK": f"{INSPECTION_SLOT_PREFIX}{inspection_type.upper()}#{day}"}


STATUS_PREFIX = "STATUS#"


def status_change(permit_no: str, seq: int) -> Key:
    """One step of a permit's timeline (detail only, no GSI keys): numbered in order, never rewritten."""
    return {"PK": permit_partition(permit_no), "SK": f"{STATUS_PREFIX}{seq:05d}"}


# --- the audit trail -------------------------------------------------------------------------------
# - a record's audit entries, newest first → Query → PK=AUDIT#<subject>, SK=<at>#<entry id>
# - every entry, newest first → Query GSI1 → GSI1PK=AUDIT, GSI1SK=<at>#<entry id> (staff actions are a few
#   thousand a day at most: one index partition takes them without sharding)

AUDIT_ALL = "AUDIT"


def audit_partition(subject: str) -> str:
    return f"AUDIT#{subject}"


# --- the back office's lists (docs/back-office.md "Lists") ----------------------------------------
# - contractors by the start of their name → Query GSI3 (the directory: GSI3SK=<COMPANY NAME>#<id>)
#   begins_with the upper-cased start, then one BatchGetItem of the page's PROFILE items
# - contractor by license number → GetItem of the license claim (LICENSE#<license>), then its PROFILE
# - permits of one status, by address → Query GSI4 → GSI4PK=PERMITS#<status>, GSI4SK=<address search form>#<no>
#   (the permit root; its fees at <that>#FEE#<fee_id>, so one Query reads each permit with its fees and
#   a row's FEES DUE is the domain's, counted now); the start of an address → begins_with on each
#   status's partition (a fixed handful); a permit number → the permit's partition
# - the day's inspections, by address then time window → Query GSI2 → GSI2PK=INSPECTIONS#<date>,
#   GSI2SK=<address search form>#<window rank>#<no>#<inspection id> (the inspection item, with the
#   permit's `address`; every inspection of the day, whatever its status)
# - payments whose money is to be refunded: the refund-required queue below (REFUNDS_REQUIRED)

PERMITS_BY_STATUS_PREFIX = "PERMITS#"
INSPECTIONS_BY_DAY_PREFIX = "INSPECTIONS#"


def permits_by_status(status: str) -> str:
    return f"{PERMITS_BY_STATUS_PREFIX}{status}"


def permit_search_sort_key(address_form: str, permit_no: str) -> str:
    return f"{address_form}#{permit_no.upper()}"


def fee_search_sort_key(address_form: str, permit_no: str, fee_id: str) -> str:
    return f"{permit_search_sort_key(address_form, permit_no)}#{FEE_PREFIX}{fee_id}"


def inspections_on(day: str) -> str:
    return f"{INSPECTIONS_BY_DAY_PREFIX}{day}"


def inspection_day_sort_key(address_form: str, window_rank: int, permit_no: str, inspection_id: str) -> str:
    return f"{address_form}#{window_rank}#{permit_no.upper()}#{inspection_id}"


# --- staff notices (see chalicelib/store/notices.py) -------------------------------------------------
# - one notice by id (mark it read) → GetItem → PK=NOTICE#<id>, SK=NOTICE
# - every notice, newest first → Query GSI1 → GSI1PK=NOTICES, GSI1SK=<at>#<id>
# - unread notices, newest first (and how many) → Query GSI2, sparse: only unread notices carry it, and
#   marking one read removes it → GSI2PK=NOTICES_UNREAD, GSI2SK=<at>#<id>
# (a few hundred notices a day at most: one index partition each takes them without sharding)

NOTICE_SK = "NOTICE"
NOTICES_ALL = "NOTICES"
NOTICES_UNREAD = "NOTICES_UNREAD"


def notice(notice_id: str) -> Key:
    return {"PK": f"NOTICE#{notice_id}", "SK": NOTICE_SK}


# --- the back office's payment lists (see chalicelib/store/payments.py) ------------------------------
# - every payment, newest first; a county day's (a range of it) → Query GSI2 → GSI2PK=PAYMENTS,
#   GSI2SK=<created_at RFC 3339 UTC>#<payment_id> (on the payment's root item, written with it)
# - the refund-required queue, newest first → Query GSI2, sparse → GSI2PK=REFUNDS_REQUIRED,
#   GSI2SK=<payment's created_at>#<payment_id>#<transaction_id>: one entry per refund due, on the
#   unapplied approval's own item, or PK=PAYMENT#<id>, SK=REFUND_REQUIRED for a payment approved
#   after its fees were taken (the root's GSI2 is the PAYMENTS list)

PAYMENTS_ALL = "PAYMENTS"
REFUNDS_REQUIRED = "REFUNDS_REQUIRED"
REFUND_REQUIRED_SK = "REFUND_REQUIRED"


def payment_list_sort_key(created_at: str, payment_id: str) -> str:
    return f"{created_at}#{payment_id}"


def refund_entry_sort_key(created_at: str, payment_id: str, transaction_id: str) -> str:
    return f"{created_at}#{payment_id}#{transaction_id}"


def payment_refund_required(payment_id: str) -> Key:
    return {"PK": payment_partition(payment_id), "SK": REFUND_REQUIRED_SK}


# --- properties, projects and the map (see chalicelib/store/properties.py, projects.py) -----------------
# - a parcel (GET /properties/{parcel_no}) → GetItem → PK=PARCEL#<parcel_no>, SK=PARCEL (geometry kept as
#   a JSON string attribute)
# - address search, geocoding → Query → PK=ADDR#<first 2 chars of the query's longest token>,
#   SK begins_with <token> (items SK=<token>#<parcel_no>, one per (token, parcel), with the parcel's
#   address, city, zip, lat, lon, no geometry): cost ∝ parcels with that token prefix; the other tokens
#   are matched in memory
# - parcel number search → Query → PK=APN#<first 3 chars>, SK begins_with <parcel number> (item SK=<no>)
# - the map, county layers (properties, streets) → Query GSI5 per geohash-5 cell of the view
#   → GSI5PK=MAP#<layer>#COUNTY#<geohash 5>, GSI5SK=<geohash 9>#<id> (on the parcel item; a street has one
#   item per cell it crosses: PK=STREET#<id>, SK=CELL#<geohash 5>)
# - the map, a company's layers (permits, inspections, projects) → Query GSI5 of the company's layer,
#   begins_with each covering cell (precision 5, coarser for a wide view: at most 16 ranges)
#   → GSI5PK=MAP#<layer>#<contractor_id>, GSI5SK=<geohash 9>#<id> (on the permit root, each SCHEDULED
#   inspection item, the project item: written with them, so saves keep it current). One partition per
#   company and layer: a company's permits are thousands at most, and any zoom is a few ranges of it.
# - a parcel's permits (GET /properties/{parcel_no}) → Query GSI5 → GSI5PK=PARCEL#<parcel_no>,
#   GSI5SK=PERMIT#<permit_no> (a small item in the permit's partition, PK=PERMIT#<no>, SK=PARCEL, written
#   and deleted with the permit's aggregate, carrying contractor_id)
# - a project (GET /projects/{no}) → GetItem → PK=PROJECT#<no>, SK=PROJECT; a company's projects → Query
#   GSI1 → GSI1PK=CONTRACTOR#<id>, GSI1SK begins_with PROJECT# (the dashboard reads PERMIT#, never these)
# - a project's permits → Query GSI5 → GSI5PK=PROJECT#<no>, GSI5SK=PERMIT#<permit_no> (PK=PERMIT#<no>,
#   SK=PROJECT, in the permit's partition like its parcel link, so one save keeps both)
# - next project number of a year → UpdateItem ADD → PK=SEQ#PROJECT#<yyyy>, SK=SEQ

PARCEL_SK = "PARCEL"
PROJECT_SK = "PROJECT"
STREET_CELL_PREFIX = "CELL#"
COUNTY = "COUNTY"
PROJECT_INDEX_PREFIX = "PROJECT#"


def parcel(parcel_no: str) -> Key:
    return {"PK": f"PARCEL#{parcel_no}", "SK": PARCEL_SK}


def address_token(token: str, parcel_no: str) -> Key:
    return {"PK": address_token_partition(token), "SK": f"{token}#{parcel_no}"}


def address_token_partition(token: str) -> str:
    return f"ADDR#{token[:2]}"


def apn_entry(parcel_no: str) -> Key:
    return {"PK": apn_partition(parcel_no), "SK": parcel_no}


def apn_partition(parcel_no: str) -> str:
    return f"APN#{parcel_no[:3]}"


def county_map_cell(layer: str, cell: str) -> str:
    return f"MAP#{layer}#{COUNTY}#{cell}"


def company_map_partition(layer: str, contractor_id: str) -> str:
    return f"MAP#{layer}#{contractor_id}"


def map_sort_key(point_hash: str, record_id: str) -> str:
    return f"{point_hash}#{record_id}"


def street_cell(street_id: str, cell: str) -> Key:
    return {"PK": f"STREET#{street_id}", "SK": f"{STREET_CELL_PREFIX}{cell}"}


def permit_parcel_link(permit_no: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": PARCEL_SK}


def permit_project_link(permit_no: str) -> Key:
    return {"PK": permit_partition(permit_no), "SK": PROJECT_SK}


def parcel_permits(parcel_no: str) -> str:
    return f"PARCEL#{parcel_no}"


def project_permits(project_no: str) -> str:
    return f"PROJECT#{project_no}"


def linked_permit_sort_key(permit_no: str) -> str:
    return f"PERMIT#{permit_no.upper()}"


def project(project_no: str) -> Key:
    return {"PK": f"PROJECT#{project_no}", "SK": PROJECT_SK}


def contractor_project_sort_key(project_no: str) -> str:
    return f"{PROJECT_INDEX_PREFIX}{project_no}"


def project_counter(year: int) -> Key:
    return {"PK": f"SEQ#PROJECT#{year}", "SK": "SEQ"}
