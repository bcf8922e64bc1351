"""The Permit aggregate's items, and the repository that loads and saves it.

Items of a permit's partition (keys spelled in `keys.py`):

- permit      PK=PERMIT#<no> SK=PERMIT            GSI1PK=CONTRACTOR#<id> GSI1SK=PERMIT#<no> (ARCHIVE#PERMIT#<no>
              once finished); GSI2PK=EXPIRY GSI2SK=<expires_date>#<no> only while unflagged with an expiry
              date; GSI4PK=PERMITS#<status> GSI4SK=<address search form>#<no> (the back office's search).
              GSI5PK=MAP#permits#<contractor_id> GSI5SK=<geohash 9>#<no> while it has a place (the map).
              Carries what a dashboard row needs; `version` guards the whole aggregate.
- fee         PK=PERMIT#<no> SK=FEE#<fee_id>      GSI1 under the permit's sort key (dashboard, cart), GSI4
              under the permit's (search rows count FEES DUE); mapped in `store/fees.py`.
- inspection  PK=PERMIT#<no> SK=INSPECTION#<id>   GSI1 under the permit's sort key; GSI2PK=INSPECTIONS#<date>
              GSI2SK=<address search form>#<window rank>#<no>#<id> with the permit's `address` (the day's list).
              While SCHEDULED on a placed permit: GSI5PK=MAP#inspections#<contractor_id> (the map).
- parcel link PK=PERMIT#<no> SK=PARCEL  GSI5PK=PARCEL#<parcel_no> GSI5SK=PERMIT#<no> (a parcel's permits)
- project link PK=PERMIT#<no> SK=PROJECT GSI5PK=PROJECT#<project_no> GSI5SK=PERMIT#<no> (a project's permits)
- slot        PK=PERMIT#<no> SK=INSPECTION_SLOT#<type>#<date>  `inspection_id` of the holder: one
              scheduled inspection per permit, type and day, gone with its cancellation or result;
              `ttl` clears claims a week after their day. No GSI keys.
- review      PK=PERMIT#<no> SK=REVIEW#<id>       (detail only)
- attachment  PK=PERMIT#<no> SK=ATTACHMENT#<id>   (detail only; metadata, the file lives elsewhere)
- status      PK=PERMIT#<no> SK=STATUS#<seq>       one step of the timeline (detail only; written once)
- archive-due PK=PERMIT#<no> SK=ARCHIVE_DUE       GSI2PK=EXPIRY GSI2SK=<date>#<no>, while a cancelled
              permit waits to leave the dashboard (the job's one Query of what falls due finds both).
- reminder    PK=PERMIT#<no> SK=REMINDER#<expires_date>  GSI2PK=REMINDER GSI2SK=<expires_date>#<no> while
              armed. Not part of the aggregate: the daily job's, written best-effort after a save.
- counter     PK=SEQ#PERMIT#<prefix><yy> SK=SEQ   `seq` incremented atomically.

Every item but the reminders is derived from the aggregate by `permit_items` (index attributes too, so
every write path keeps the indexes: a status change or a new address rewrites the root, fees and
inspections whose keys follow them); a save writes the items that differ from those read, and the root
at the next version (`unit_of_work.aggregate_changes`).
Dates are ISO strings (county dates); instants are epoch seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.geo import POINT_PRECISION, encode
from chalicelib.domain.inspections import Inspection, InspectionStatus, RecordedResult, TimeWindow, window_rank
from chalicelib.domain.permits import Attachment, Permit, PermitStatus, Review, StatusChange, address_search_form
from chalicelib.store import keys
from chalicelib.store.common import from_epoch, to_epoch
from chalicelib.store.cursors import decode_cursor, encode_cursor, gsi1_key
from chalicelib.store.fees import fee_attributes, fee_from_item
from chalicelib.store.items import (
    ConditionFailed,
    Item,
    Put,
    Update,
    exists,
    not_exists,
    query_all,
    query_pages,
)
from chalicelib.store.unit_of_work import aggregate_changes, item_key

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

_DAY = 86400
_SLOT_KEPT_DAYS = 7
"""A claim outlives its day by a week: no request can name a past day, so TTL may then clear it."""

_OWNED = (keys.PERMIT_SK, keys.FEE_PREFIX, keys.INSPECTION_PREFIX, keys.INSPECTION_SLOT_PREFIX, keys.REVIEW_PREFIX,
          keys.ATTACHMENT_PREFIX, keys.ARCHIVE_DUE_SK, keys.STATUS_PREFIX, keys.PARCEL_SK, keys.PROJECT_SK)
"""Sort keys of the items the aggregate owns (a save may create, rewrite or delete them)."""


_ITEMS_PER_PERMIT = 4
"""What a page of a contractor's permits expects to read per permit on GSI1 (a guess: only the cost changes)."""

_SEARCH_ITEMS_PER_PERMIT = 3
"""What a page of the back office's permit search expects to read per permit on GSI4 (the root and its fees)."""

_INDEXED_KINDS = frozenset({keys.PERMIT_SK, keys.FEE_PREFIX, keys.INSPECTION_PREFIX})
"""What a contractor's GSI1 range holds of each permit."""


_EXACT = frozenset({keys.PERMIT_SK, keys.ARCHIVE_DUE_SK, keys.PARCEL_SK, keys.PROJECT_SK})
"""Sort keys of the aggregate's single items (the rest are prefixes of many)."""


def coordinate(value: float | None) -> Decimal | None:
    """A latitude or longitude as stored: a number of 6 decimals (DynamoDB takes no floats)."""
    return None if value is None else Decimal(f"{value:.6f}")


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def map_entry(layer: str, contractor_id: str, lat: float | None, lon: float | None, record_id: str) -> Item:
    """GSI5 attributes that put a company's record on its map layer (None values: off the map)."""
    if lat is None or lon is None:
        return {"GSI5PK": None, "GSI5SK": None}
    return {"GSI5PK": keys.company_map_partition(layer, contractor_id),
            "GSI5SK": keys.map_sort_key(encode(lat, lon, POINT_PRECISION), record_id)}


def _kind(item: Item) -> str:
    sk = str(item.get("SK", ""))
    if sk in _EXACT:
        return sk
    return next((p for p in _OWNED if p.endswith("#") and sk.startswith(p)), sk)


def _owned(item: Item) -> bool:
    sk = str(item.get("SK", ""))
    return sk in _EXACT or any(sk.startswith(p) for p in _OWNED if p.endswith("#"))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


# --- aggregate → items ---------------------------------------------------------------------------


def permit_root_item(permit: Permit) -> Item:
    no = permit.permit_no
    item: Item = {
        **keys.permit(no),
        "GSI1PK": keys.contractor_partition(permit.contractor_id),
        "GSI1SK": keys.contractor_permit_prefix(no, permit.archived),
        "permit_no": no, "contractor_id": permit.contractor_id, "address": permit.address,
        "type": permit.type, "status": permit.status.value, "description": permit.description,
        "applied_date": _iso(permit.applied_date), "issued_date": _iso(permit.issued_date),
        "expires_date": _iso(permit.expires_date), "expired": permit.expired,
        "inspection_types": list(permit.inspection_types), "version": permit.version,
        "created_at": to_epoch(permit.created_at), "status_changed_on": _iso(permit.status_changed_on),
        "archived": permit.archived or None, "GSI2PK": None, "GSI2SK": None,
        # The back office's search (GSI4): by status, then address; its fees sort right after it.
        "GSI4PK": keys.permits_by_status(permit.status.value),
        "GSI4SK": keys.permit_search_sort_key(address_search_form(permit.address), no),
        "parcel_no": permit.parcel_no, "project_no": permit.project_no,
        "lat": coordinate(permit.lat), "lon": coordinate(permit.lon),
        **map_entry("permits", permit.contractor_id, permit.lat, permit.lon, no),
    }
    if permit.in_expiry_index and permit.expires_date:  # the sparse expiry index
        item["GSI2PK"] = keys.EXPIRY_INDEX
        item["GSI2SK"] = keys.expiry_sort_key(permit.expires_date.isoformat(), no)
    return item


def inspection_item(insp: Inspection, archived: bool = False, address: str = "",
                    place: tuple[float | None, float | None] = (None, None)) -> Item:
    """The inspection's item; `address` (its permit's) is kept on it for the day's list across permits
    (GSI2 INSPECTIONS#<date>, by address then time window); `place`, its permit's (lat, lon), puts a
    SCHEDULED one on the company's inspections map layer (GSI5)."""
    lat, lon = place if insp.status is InspectionStatus.SCHEDULED else (None, None)
    return {
        **map_entry("inspections", insp.contractor_id, lat, lon, insp.inspection_id),
        "lat": coordinate(lat), "lon": coordinate(lon),
        **keys.inspection(insp.permit_no, insp.inspection_id),
        "GSI1PK": keys.contractor_partition(insp.contractor_id),
        "GSI1SK": keys.contractor_inspection_sort_key(insp.permit_no, insp.inspection_id, archived),
        "inspection_id": insp.inspection_id, "permit_no": insp.permit_no, "contractor_id": insp.contractor_id,
        "inspection_type": insp.inspection_type, "date": insp.date.isoformat(), "time_window": insp.time_window,
        "status": insp.status.value, "notes": insp.notes, "result_notes": insp.result_notes,
        "requested_by": insp.requested_by, "created_at": to_epoch(insp.created_at),
        "resulted_at": to_epoch(insp.resulted_at), "cancelled_at": to_epoch(insp.cancelled_at),
        "recorded_by": insp.recorded_by or None,
        "history": [{"result": h.result.value, "notes": h.notes, "recorded_at": to_epoch(h.recorded_at),
                     "recorded_by": h.recorded_by} for h in insp.history] or None,
        "address": address,
        "GSI2PK": keys.inspections_on(insp.date.isoformat()),
        "GSI2SK": keys.inspection_day_sort_key(address_search_form(address), window_rank(insp.time_window),
                                               insp.permit_no, insp.inspection_id),
    }


def slot_item(insp: Inspection) -> Item:
    kept_until = datetime.combine(insp.date + timedelta(days=_SLOT_KEPT_DAYS), datetime.min.time(), tzinfo=UTC)
    return {**keys.inspection_slot(insp.permit_no, insp.inspection_type, insp.date.isoformat()),
            "inspection_id": insp.inspection_id, "inspection_type": insp.inspection_type,
            "date": insp.date.isoformat(), "ttl": to_epoch(kept_until)}


def permit_items(permit: Permit) -> list[Item]:
    """Every item the aggregate owns, as it should be stored."""
    items = [permit_root_item(permit)]
    # created_at is the fee item's own (left as read): the aggregate does not carry it.
    search = (keys.permits_by_status(permit.status.value), address_search_form(permit.address))
    items += [{**{k: v for k, v in fee_attributes(f, archived=permit.archived).items() if k != "created_at"},
               "GSI4PK": search[0], "GSI4SK": keys.fee_search_sort_key(search[1], permit.permit_no, f.fee_id)}
              for f in permit.fees]
    items += [inspection_item(i, permit.archived, permit.address, (permit.lat, permit.lon))
              for i in permit.inspections]
    items += [slot_item(i) for i in permit.inspections if i.holds_slot]
    items += [{**keys.review(permit.permit_no, r.review_id), "review_id": r.review_id, "department": r.department,
               "status": r.status, "date": r.date.isoformat(), "comments": r.comments} for r in permit.reviews]
    items += [{**keys.attachment(permit.permit_no, a.attachment_id), "attachment_id": a.attachment_id,
               "name": a.name, "uploaded_at": to_epoch(a.uploaded_at)} for a in permit.attachments]
    items += [{**keys.status_change(permit.permit_no, seq), "at": to_epoch(step.at), "status": step.status.value,
               "by": step.by, "comments": step.comments} for seq, step in enumerate(permit.timeline, 1)]
    if permit.parcel_no:  # a parcel's permits: GET /properties/{parcel_no}
        items.append({**keys.permit_parcel_link(permit.permit_no), "GSI5PK": keys.parcel_permits(permit.parcel_no),
                      "GSI5SK": keys.linked_permit_sort_key(permit.permit_no), "permit_no": permit.permit_no,
                      "contractor_id": permit.contractor_id})
    if permit.project_no:  # a project's permits: GET /projects/{project_no}
        items.append({**keys.permit_project_link(permit.permit_no),
                      "GSI5PK": keys.project_permits(permit.project_no),
                      "GSI5SK": keys.linked_permit_sort_key(permit.permit_no), "permit_no": permit.permit_no,
                      "contractor_id": permit.contractor_id})
    archive_on = permit.archive_on
    if archive_on is not None:
        items.append({**keys.archive_due(permit.permit_no), "GSI2PK": keys.EXPIRY_INDEX,
                      "GSI2SK": keys.expiry_sort_key(archive_on.isoformat(), permit.permit_no),
                      "permit_no": permit.permit_no})
    return items


# --- items → aggregate ---------------------------------------------------------------------------


def permit_from_item(item: Item) -> Permit:
    return Permit(
        permit_no=item["permit_no"], contractor_id=item["contractor_id"], address=item.get("address", ""),
        type=item.get("type", ""), status=PermitStatus(item["status"]), description=item.get("description", ""),
        applied_date=_date(item.get("applied_date")), issued_date=_date(item.get("issued_date")),
        expires_date=_date(item.get("expires_date")), expired=bool(item.get("expired", False)),
        inspection_types=list(item.get("inspection_types", [])), version=int(item.get("version", 0) or 0),
        created_at=from_epoch(item.get("created_at")), status_changed_on=_date(item.get("status_changed_on")),
        archived=bool(item.get("archived", False)), parcel_no=item.get("parcel_no"),
        project_no=item.get("project_no"), lat=_float(item.get("lat")), lon=_float(item.get("lon")),
    )


def inspection_from_item(item: Item) -> Inspection:
    return Inspection(
        inspection_id=item["inspection_id"], permit_no=item["permit_no"], contractor_id=item["contractor_id"],
        inspection_type=item["inspection_type"], date=date.fromisoformat(item["date"]),
        time_window=item.get("time_window", TimeWindow.ANY.value), status=InspectionStatus(item["status"]),
        notes=item.get("notes", ""), result_notes=item.get("result_notes", ""),
        requested_by=item.get("requested_by", "contractor"), created_at=from_epoch(item.get("created_at")),
        resulted_at=from_epoch(item.get("resulted_at")), cancelled_at=from_epoch(item.get("cancelled_at")),
        recorded_by=item.get("recorded_by", ""),
        history=[RecordedResult(InspectionStatus(h["result"]), h.get("notes", ""), from_epoch(h.get("recorded_at")),
                                h.get("recorded_by", "")) for h in item.get("history") or []],
    )


def _assemble(items: list[Item]) -> list[Permit]:
    """Permits with their parts, from the items of one partition or one contractor's GSI1 range."""
    permits: dict[str, Permit] = {}
    for item in items:
        if item.get("SK") == keys.PERMIT_SK:
            permit = permit_from_item(item)
            permits[permit.permit_no] = permit
    for item in items:
        sk = str(item.get("SK", ""))
        owner = permits.get(keys.permit_no_of(str(item.get("PK", ""))))
        if owner is None:
            continue
        if sk.startswith(keys.FEE_PREFIX):
            owner.fees.append(fee_from_item(item))
        elif sk.startswith(keys.INSPECTION_PREFIX):
            owner.inspections.append(inspection_from_item(item))
        elif sk.startswith(keys.REVIEW_PREFIX):
            owner.reviews.append(Review(item["review_id"], item["department"], item["status"],
                                        date.fromisoformat(item["date"]), item.get("comments", "")))
        elif sk.startswith(keys.STATUS_PREFIX):
            owner.timeline.append(StatusChange(from_epoch(item["at"]), PermitStatus(item["status"]),  # type: ignore[arg-type]
                                               item.get("by", ""), item.get("comments", "")))
        elif sk.startswith(keys.ATTACHMENT_PREFIX):
            owner.attachments.append(Attachment(item["attachment_id"], item["name"],
                                                from_epoch(item["uploaded_at"])))  # type: ignore[arg-type]
    return list(permits.values())


@dataclass(frozen=True)
class PermitPage:
    permits: list[Permit]
    next_cursor: str | None


@dataclass(frozen=True)
class DueReminder:
    permit_no: str
    contractor_id: str
    address: str
    expires_date: date
    remind_sort_key: str


# --- the repository ------------------------------------------------------------------------------


class PermitRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items = uow.items

    # reads

    def get(self, permit_no: str) -> Permit | None:
        """The permit with its whole file: one consistent Query of its partition."""
        no = permit_no.strip().upper()
        if not 0 < len(no) <= 64:  # DynamoDB keys are bounded: longer is no permit, not a 500
            return None
        items = [i for i in query_all(self.items, keys.permit_partition(no), consistent=True) if _owned(i)]
        found = _assemble(items)
        if not found:
            return None
        self._remember(found[0], items)
        return found[0]

    def with_fees(self, fees: dict[str, list[str]]) -> dict[str, Permit]:
        """Permits with only the named fees (permit number → fee ids): one consistent BatchGetItem.

        For changing those fees alone (a payment releasing its holds): the permit's other parts are
        not read, so its totals are not known; the save writes the root and those fees only."""
        wanted = [keys.permit(no) for no in fees] + [keys.fee(no, fee_id) for no, ids in fees.items() for fee_id in ids]
        items = self.items.get_many(wanted, consistent=True) if wanted else []
        permits = {p.permit_no: p for p in _assemble(items)}
        by_no: dict[str, list[Item]] = {}
        for item in items:
            by_no.setdefault(keys.permit_no_of(str(item.get("PK", ""))), []).append(item)
        for permit in permits.values():
            self._remember(permit, by_no.get(permit.permit_no, []), frozenset({keys.PERMIT_SK, keys.FEE_PREFIX}))
        return permits

    def of_contractor(self, contractor_id: str) -> list[Permit]:
        """The contractor's permits on the dashboard's range (not the archive), with fees and inspections:
        one Query on GSI1 (more pages only past 1 MB). Eventually consistent; a save is still version-checked."""
        items = query_all(self.items, keys.contractor_partition(contractor_id), index="GSI1",
                          sk_prefix=keys.ACTIVE_PERMITS_RANGE)
        permits = _assemble(items)
        by_no: dict[str, list[Item]] = {}
        for item in items:
            by_no.setdefault(keys.permit_no_of(str(item.get("PK", ""))), []).append(item)
        for permit in permits:
            self._remember(permit, by_no.get(permit.permit_no, []), _INDEXED_KINDS)
        return sorted(permits, key=lambda p: p.permit_no)

    def page_of_contractor(self, contractor_id: str, limit: int, cursor: str | None = None) -> PermitPage:
        """One page of all a contractor's permits, active first then the archive, in number order.

        Reads a few GSI1 pages of about `limit` permits' items: the cost follows the page, not the history."""
        partition = keys.contractor_partition(contractor_id)
        ranges = (keys.ACTIVE_PERMITS_RANGE, keys.ARCHIVED_PERMITS_RANGE)
        state = decode_cursor(cursor, {"GSI1PK": partition}) if cursor else {"range": 0, "key": None}
        range_no, start = state.get("range", 0), state.get("key")
        if range_no not in (0, 1) or not (start is None or isinstance(start, dict)):
            raise InvalidInput("The cursor is not valid.", [FieldProblem("cursor", "is not valid")], slug="bad-cursor")
        collected: list[Item] = []
        roots = 0
        while range_no < len(ranges):
            # About four items a permit (root, fees, an inspection), and a few more to see where the
            # last one ends: usually one Query a page, then small ones to finish a permit.
            page = self.items.query(partition, index="GSI1", sk_prefix=ranges[range_no], start=start,
                                    limit=_ITEMS_PER_PERMIT * (limit - roots) + _ITEMS_PER_PERMIT + 1)
            for item in page.items:
                if item.get("SK") == keys.PERMIT_SK:
                    if roots == limit:  # the next page starts with this permit
                        return PermitPage(_page_permits(collected), encode_cursor(
                            {"range": range_no, "key": gsi1_key(collected[-1])}))
                    roots += 1
                collected.append(item)
            if page.next_key is None:
                range_no, start = range_no + 1, None
            else:
                start = page.next_key
        return PermitPage(_page_permits(collected), None)

    # the back office's lists (read only: a permit to change is read again with `get`)

    def search_page(self, status: PermitStatus | None, address_start: str, limit: int,
                    cursor: str | None = None) -> PermitPage:
        """A page of permits, each with its fees (so FEES DUE is counted now), from GSI4: one status's
        partition, or (no `status`) every status's in lifecycle order; by address within each.

        `address_start`: the start of an address in its search form (`address_search_form`), "" for
        all. Each partition is read a page at a time, so the cost follows the page and the matches."""
        statuses = [status] if status is not None else list(PermitStatus)
        index, start = self._search_position(cursor, statuses)
        collected: list[Item] = []
        roots = 0
        while index < len(statuses):
            partition = keys.permits_by_status(statuses[index].value)
            while True:
                page = self.items.query(partition, index="GSI4", sk_prefix=address_start or None, start=start,
                                        limit=_SEARCH_ITEMS_PER_PERMIT * (limit - roots + 1) + 1)
                for item in page.items:
                    if item.get("SK") == keys.PERMIT_SK:
                        if roots == limit:  # the next page starts with this permit
                            return PermitPage(_assemble(collected), encode_cursor(
                                {"status": statuses[index].value, "key": _gsi4_key(collected[-1])}))
                        roots += 1
                    collected.append(item)
                if page.next_key is None:
                    break
                start = page.next_key
            index, start = index + 1, None
            if roots == limit and index < len(statuses):  # the next status's permits are the next page's
                return PermitPage(_assemble(collected), encode_cursor({"status": statuses[index].value, "key": {}}))
        return PermitPage(_assemble(collected), None)

    @staticmethod
    def _search_position(cursor: str | None, statuses: list[PermitStatus]) -> tuple[int, dict[str, str] | None]:
        if not cursor:
            return 0, None
        state = decode_cursor(cursor, {})
        names = [s.value for s in statuses]
        if state.get("status") not in names:  # a cursor of another status's list, or not ours
            raise InvalidInput("The cursor is not valid.", [FieldProblem("cursor", "is not valid")], slug="bad-cursor")
        index = names.index(state["status"])
        key = state["key"]
        if key and key.get("GSI4PK") != keys.permits_by_status(names[index]):
            raise InvalidInput("The cursor is not valid.", [FieldProblem("cursor", "is not valid")], slug="bad-cursor")
        return index, key or None

    def of_status(self, status: PermitStatus) -> list[Permit]:
        """Every permit of a status with its fees (the back office's "awaiting issue"): a Query of its
        GSI4 partition, so the cost follows the permits in that status, not all permits."""
        return _assemble(query_all(self.items, keys.permits_by_status(status.value), index="GSI4"))

    def linked_to_parcel(self, parcel_no: str) -> list[tuple[str, str]]:
        """(permit number, contractor id) of the permits on a parcel: one Query of GSI5 (PARCEL#<no>)."""
        return [(str(i["permit_no"]), str(i["contractor_id"]))
                for i in query_all(self.items, keys.parcel_permits(parcel_no), index="GSI5")]

    def linked_to_project(self, project_no: str) -> list[tuple[str, str]]:
        """(permit number, contractor id) of a project's permits: one Query of GSI5 (PROJECT#<no>)."""
        return [(str(i["permit_no"]), str(i["contractor_id"]))
                for i in query_all(self.items, keys.project_permits(project_no), index="GSI5")]

    def inspections_on(self, day: date) -> list[tuple[Inspection, str]]:
        """Every inspection of a day across all permits, by address then time window, with its permit's
        address: one Query of GSI2 (INSPECTIONS#<date>; more pages only past 1 MB)."""
        items = query_all(self.items, keys.inspections_on(day.isoformat()), index="GSI2")
        return [(inspection_from_item(i), str(i.get("address", ""))) for i in items]

    def falling_due(self, today: date) -> Iterator[Permit | str]:
        """What the daily job has to do before `today`, from one Query of the sparse EXPIRY index:
        unflagged permits whose expiry date has passed (their roots, without parts: flagging touches the
        root only, and its save is checked against the version the index showed), and the numbers of
        cancelled permits whose time on the dashboard is over."""
        for item in query_pages(self.items, keys.EXPIRY_INDEX, index="GSI2", sk_below=today.isoformat()):
            if item.get("SK") == keys.ARCHIVE_DUE_SK:
                yield str(item["permit_no"])
                continue
            permit = permit_from_item(item)
            self._remember(permit, [item], frozenset({keys.PERMIT_SK}))
            yield permit

    # writes

    def save(self, permit: Permit) -> None:
        """Queue the permit's changes on the unit of work (nothing is written until its commit)."""
        before = self.uow.loaded.get(("permit", permit.permit_no), {})
        kinds = self.uow.loaded.get(("permit-kinds", permit.permit_no))
        wanted = [self._overlay(before.get(item_key(i)), i) for i in permit_items(permit)]
        if kinds is not None:  # read from an index with some parts only: write only those kinds
            wanted = [i for i in wanted if _kind(i) in kinds]
        root_key = item_key(keys.permit(permit.permit_no))
        actions = aggregate_changes(before, wanted, root_key)
        if not actions:
            return
        self.uow.add(*actions)
        root = actions[0]
        if isinstance(root, Put):
            permit.version = int(root.item["version"])
        elif isinstance(root, Update):
            permit.version = int(root.set["version"])
        else:  # aggregate_changes always leads with the root's Put or Update
            raise TypeError(f"the root's change is a {type(root).__name__}")
        wanted[0]["version"] = permit.version
        self.uow.loaded[("permit", permit.permit_no)] = {item_key(i): i for i in wanted}

    @staticmethod
    def _overlay(old: Item | None, new: Item) -> Item:
        """The new item over the one read, so attributes this code does not know survive a rewrite."""
        merged = {**(old or {}), **new}
        return {k: v for k, v in merged.items() if v is not None}

    def _remember(self, permit: Permit, items: list[Item], kinds: frozenset[str] | None = None) -> None:
        self.uow.loaded[("permit", permit.permit_no)] = {item_key(i): i for i in items}
        self.uow.loaded[("permit-kinds", permit.permit_no)] = kinds  # type: ignore[assignment]

    def next_sequence(self, prefix: str, yy: int) -> int:
        """The next number of a prefix and year; atomic, so concurrent callers never share one."""
        new = self.items.update(Update(keys.permit_counter(prefix, yy), add={"seq": 1}), return_new=True)
        return int((new or {})["seq"])

    # the expiry reminders (the daily job's; best effort after a save)

    def arm_reminder(self, permit: Permit) -> None:
        """Arm the reminder for the permit's current expiry date, unless that one was already sent.

        Indexed by the expiry date, not the day to remind: the job decides how many days ahead to look,
        so a change of EXPIRY_REMINDER_DAYS applies to permits already on the books."""
        assert permit.expires_date is not None
        expires = permit.expires_date.isoformat()
        changes = {
            "GSI2PK": keys.REMINDER_INDEX, "GSI2SK": keys.expiry_sort_key(expires, permit.permit_no),
            "permit_no": permit.permit_no, "contractor_id": permit.contractor_id, "address": permit.address,
            "expires_date": expires,
            "ttl": (to_epoch(datetime.combine(permit.expires_date, datetime.min.time(), tzinfo=UTC)) or 0) + 60 * _DAY,
        }
        with contextlib.suppress(ConditionFailed):
            self.items.update(Update(keys.reminder(permit.permit_no, expires), set=changes,
                                     cond=not_exists("sent_at")))

    def disarm_reminder(self, permit_no: str, expires_date: date) -> None:
        """Take a not-yet-sent reminder out of the index (its expiry date no longer holds)."""
        with contextlib.suppress(ConditionFailed):
            self.items.update(Update(keys.reminder(permit_no, expires_date.isoformat()),
                                     remove=("GSI2PK", "GSI2SK"), cond=exists("GSI2PK")))

    def due_reminders(self, today: date, lead_days: int) -> Iterator[DueReminder]:
        """Armed reminders whose day has come: the permit expires at most `lead_days` after `today`."""
        upper = (today + timedelta(days=lead_days + 1)).isoformat()
        for item in query_pages(self.items, keys.REMINDER_INDEX, index="GSI2", sk_below=upper):
            yield DueReminder(item["permit_no"], item["contractor_id"], item.get("address", ""),
                              date.fromisoformat(item["expires_date"]), item["GSI2SK"])

    def claim_reminder(self, reminder: DueReminder, now: datetime) -> bool:
        """Mark a reminder sent (leaving the index); only one caller ever wins it."""
        from chalicelib.store.items import eq

        try:
            self.items.update(Update(keys.reminder(reminder.permit_no, reminder.expires_date.isoformat()),
                                     set={"sent_at": to_epoch(now)}, remove=("GSI2PK", "GSI2SK"),
                                     cond=eq("GSI2SK", reminder.remind_sort_key) & not_exists("sent_at")))
        except ConditionFailed:
            return False
        return True


def _gsi4_key(item: Item) -> dict[str, str]:
    return {"PK": item["PK"], "SK": item["SK"], "GSI4PK": item["GSI4PK"], "GSI4SK": item["GSI4SK"]}


def _page_permits(items: list[Item]) -> list[Permit]:
    return _assemble(items)


__all__ = ["DueReminder", "PermitPage", "PermitRepository", "inspection_item", "permit_from_item", "permit_items",
           "permit_root_item", "slot_item"]
