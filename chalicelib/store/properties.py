"""Parcels, their search entries, street centre lines and the map's cells (keys spelled in `keys.py`).

Items of a parcel (all derived from the `Property` by `parcel_items`, so an import writes them together):

- parcel   PK=PARCEL#<no> SK=PARCEL   the property, geometry as a JSON string; GSI5PK=MAP#properties#COUNTY#<gh5>
           GSI5SK=<gh9>#<no> (the properties map layer)
- token    PK=ADDR#<tok[:2]> SK=<tok>#<no>  one per word of its address: address, city, zip, lat, lon (search,
           geocoding; no geometry, so a search page is small)
- apn      PK=APN#<no[:3]> SK=<no>    the same, for parcel-number search

A street: PK=STREET#<id> SK=CELL#<gh5> for each geohash-5 cell its lines cross, GSI5PK=MAP#streets#COUNTY#<gh5>,
the lines as a JSON string (a street is read once per view, whichever cells it is found in).

Imports write with BatchWriteItem (`put_many`, 25 a request) — they are not one aggregate but many
independent records, and each parcel's items are derived from it alone, so a re-run converges; reads
are BatchGetItem (what is there already) and Queries. Never a Scan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from chalicelib.domain.addresses import begins_with, matches, normalise_parcel_no, search_tokens, tokens
from chalicelib.domain.geo import CELL_PRECISION, POINT_PRECISION, BBox, encode
from chalicelib.domain.properties import Property, Street
from chalicelib.store import keys
from chalicelib.store.items import Item, Key, query_all, query_pages

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

PROPERTIES = "properties"
STREETS = "streets"


def _coord(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _summary(prop: Property) -> Item:
    return {"parcel_no": prop.parcel_no, "address": prop.address, "city": prop.city, "state": prop.state,
            "zip": prop.zip, "lat": _coord(prop.lat), "lon": _coord(prop.lon)}


def parcel_item(prop: Property) -> Item:
    item: Item = {**keys.parcel(prop.parcel_no), **_summary(prop),
                  "GSI5PK": keys.county_map_cell(PROPERTIES, encode(prop.lat, prop.lon, CELL_PRECISION)),
                  "GSI5SK": keys.map_sort_key(encode(prop.lat, prop.lon, POINT_PRECISION), prop.parcel_no)}
    if prop.geometry is not None:
        item["geometry"] = json.dumps(prop.geometry, separators=(",", ":"))
    return item


def parcel_items(prop: Property) -> list[Item]:
    """Every item of a parcel, as it should be stored."""
    summary = _summary(prop)
    items = [parcel_item(prop), {**keys.apn_entry(prop.parcel_no), **summary}]
    items += [{**keys.address_token(token, prop.parcel_no), **summary} for token in search_tokens(prop.address)]
    return items


def property_from_item(item: Item) -> Property:
    geometry = item.get("geometry")
    return Property(str(item["parcel_no"]), str(item.get("address", "")), str(item.get("city", "")),
                    str(item.get("state", "")), str(item.get("zip", "")), float(item["lat"]), float(item["lon"]),
                    json.loads(geometry) if geometry else None)


def street_items(street: Street) -> list[Item]:
    cells = sorted({encode(p[1], p[0], CELL_PRECISION) for line in street.lines for p in line})
    first = street.lines[0][0]
    body = {"street_id": street.street_id, "name": street.name,
            "lines": json.dumps(street.lines, separators=(",", ":"))}
    return [{**keys.street_cell(street.street_id, cell), **body,
             "GSI5PK": keys.county_map_cell(STREETS, cell),
             "GSI5SK": keys.map_sort_key(encode(first[1], first[0], POINT_PRECISION), street.street_id)}
            for cell in cells]


def street_from_item(item: Item) -> Street:
    return Street(str(item["street_id"]), str(item.get("name", "")), json.loads(str(item["lines"])))


class PropertyRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.items = uow.items

    # reads

    def get(self, parcel_no: str) -> Property | None:
        no = normalise_parcel_no(parcel_no)
        if not 0 < len(no) <= 64:
            return None
        item = self.items.get(keys.parcel(no), consistent=False)
        return property_from_item(item) if item else None

    def get_many(self, parcel_nos: Iterable[str]) -> dict[str, Property]:
        """The parcels that exist of those named: BatchGetItem, 100 keys a request."""
        wanted = [keys.parcel(no) for no in dict.fromkeys(parcel_nos)]
        found = self.items.get_many(wanted, consistent=False) if wanted else []
        return {str(i["parcel_no"]): property_from_item(i) for i in found}

    def search(self, query: str) -> list[Property]:
        """Parcels whose address matches `query` (every token the start of one of its words, in order) or whose
        number starts with it; those that begin with it first. Reads the token partition of the query's
        longest word (begins_with it) and the parcel-number partition: cost ∝ the matches."""
        found: dict[str, Item] = {}
        words = tokens(query)
        if words:
            longest = max(words, key=len)
            for item in query_pages(self.items, keys.address_token_partition(longest), sk_prefix=longest):
                if matches(query, str(item.get("address", ""))):
                    found.setdefault(str(item["parcel_no"]), item)
        apn = normalise_parcel_no(query)
        if len(apn) >= 3:
            for item in query_pages(self.items, keys.apn_partition(apn), sk_prefix=apn):
                found.setdefault(str(item["parcel_no"]), item)
        def rank(item: Item) -> tuple[int, str]:
            no, address = str(item["parcel_no"]), str(item.get("address", ""))
            if len(apn) >= 3 and no.startswith(apn):
                return 0, no
            return (1 if begins_with(query, address) else 2), f"{address}\x01{no}"

        ranked = sorted(found.values(), key=rank)
        return [property_from_item(i) for i in ranked]

    def in_cells(self, layer: str, cells: Iterable[str]) -> Iterable[Item]:
        """The items of a county map layer in those geohash-5 cells, cell by cell (GSI5 Queries)."""
        for cell in cells:
            yield from query_pages(self.items, keys.county_map_cell(layer, cell), index="GSI5")

    def in_view(self, box: BBox, cells: list[str], limit: int) -> tuple[list[Property], bool]:
        """Parcels whose point is in the view, at most `limit` (True: there were more)."""
        props: list[Property] = []
        for item in self.in_cells(PROPERTIES, cells):
            prop = property_from_item(item)
            if box.contains(prop.lat, prop.lon):
                if len(props) == limit:
                    return props, True
                props.append(prop)
        return props, False

    def streets_in_view(self, cells: list[str]) -> list[Street]:
        """Streets crossing the view's cells, each once."""
        streets: dict[str, Street] = {}
        for item in self.in_cells(STREETS, cells):
            streets.setdefault(str(item["street_id"]), street_from_item(item))
        return list(streets.values())

    # writes (BatchWriteItem through put_many/delete_many: 25 a request)

    def save_parcels(self, props: list[Property]) -> list[str]:
        """Write the parcels that are new or changed; each one's outcome: "imported", "updated" or
        "unchanged" (an unchanged parcel writes nothing). One BatchGetItem per 100 parcels reads what is
        there; a changed address also deletes the old words' search entries."""
        old = {str(i["parcel_no"]): i for i in self.items.get_many(
            [keys.parcel(p.parcel_no) for p in props], consistent=True)} if props else {}
        outcomes: list[str] = []
        puts: list[Item] = []
        stale: list[Key] = []
        for prop in props:
            before = old.get(prop.parcel_no)
            if before is not None and parcel_unchanged(before, prop):
                outcomes.append("unchanged")
                continue
            outcomes.append("imported" if before is None else "updated")
            puts += parcel_items(prop)
            if before is not None:
                stale += stale_parcel_keys(before, prop)
        if puts:
            self.items.put_many(puts)
        if stale:
            self.items.delete_many(stale)
        return outcomes

    def save_streets(self, streets: list[Street]) -> list[str]:
        """Write new or changed streets (one Query of each street's partition reads its cells now)."""
        outcomes: list[str] = []
        puts: list[Item] = []
        stale: list[Key] = []
        for street in streets:
            before = {(str(i["PK"]), str(i["SK"])): i for i in query_all(self.items, f"STREET#{street.street_id}")}
            wanted = street_items(street)
            from chalicelib.store.unit_of_work import _comparable

            same = len(before) == len(wanted) and all(
                (w["PK"], w["SK"]) in before and _comparable(before[(w["PK"], w["SK"])]) == _comparable(w)
                for w in wanted)
            if same:
                outcomes.append("unchanged")
                continue
            outcomes.append("updated" if before else "imported")
            puts += wanted
            keep = {(w["PK"], w["SK"]) for w in wanted}
            stale += [{"PK": k[0], "SK": k[1]} for k in before if k not in keep]
        if puts:
            self.items.put_many(puts)
        if stale:
            self.items.delete_many(stale)
        return outcomes


def stale_parcel_keys(old: Item, new: Property) -> list[Key]:
    """Keys of the token items an address change leaves behind (the parcel's new items overwrite the rest)."""
    old_tokens = set(search_tokens(str(old.get("address", ""))))
    return [keys.address_token(t, new.parcel_no) for t in sorted(old_tokens - set(search_tokens(new.address)))]


def parcel_unchanged(old: Item, new: Property) -> bool:
    from chalicelib.store.unit_of_work import _comparable

    return _comparable(old) == _comparable(parcel_item(new))


__all__ = ["PropertyRepository", "parcel_item", "parcel_items", "parcel_unchanged", "property_from_item",
           "stale_parcel_keys", "street_items"]
