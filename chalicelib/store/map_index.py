"""The map's reads (GSI5; keys in `keys.py`): a company's layer by geohash-prefix ranges of its partition,
a county layer by its cells' partitions. Each feature is read once and only when in view's cells."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from chalicelib.domain.geo import BBox
from chalicelib.domain.map import MapFeature
from chalicelib.store import keys
from chalicelib.store.items import Item, query_pages

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork


def feature_from_item(layer: str, item: Item) -> MapFeature:
    lat, lon = float(item["lat"]), float(item["lon"])
    address = str(item.get("address", "") or "")
    if layer == "permits":
        no = str(item["permit_no"])
        return MapFeature(layer, no, lat, lon, f"{no} · {address}", address, str(item.get("status", "")), no)
    if layer == "inspections":
        no = str(item["permit_no"])
        label = f"{no} {item.get('inspection_type', '')} {item.get('date', '')} · {address}"
        return MapFeature(layer, str(item["inspection_id"]), lat, lon, label, address,
                          str(item.get("status", "")), no)
    if layer == "projects":
        no = str(item["project_no"])
        return MapFeature(layer, no, lat, lon, f"{no} · {item.get('name', '')}", address,
                          str(item.get("status", "")))
    no = str(item["parcel_no"])
    return MapFeature(layer, no, lat, lon, f"{no} · {address}", address, None)


class MapIndex:
    def __init__(self, uow: UnitOfWork) -> None:
        self.items = uow.items

    def _company_items(self, layer: str, contractor_id: str, prefixes: Iterable[str]) -> Iterator[Item]:
        partition = keys.company_map_partition(layer, contractor_id)
        for prefix in prefixes:
            yield from query_pages(self.items, partition, index="GSI5", sk_prefix=prefix or None)

    def _county_items(self, layer: str, cells: Iterable[str]) -> Iterator[Item]:
        for cell in cells:
            yield from query_pages(self.items, keys.county_map_cell(layer, cell), index="GSI5")

    def features(self, layer: str, owner: str | None, cells: list[str], box: BBox,
                 limit: int) -> tuple[list[MapFeature], bool]:
        """Features of `layer` in the view, at most `limit` (True: there were more). `owner`: the company
        for its layers, None for a county layer."""
        source = self._company_items(layer, owner, cells) if owner else self._county_items(layer, cells)
        found: list[MapFeature] = []
        for item in source:
            if item.get("lat") is None or item.get("lon") is None:
                continue
            feature = feature_from_item(layer, item)
            if not box.contains(feature.lat, feature.lon):
                continue
            if len(found) == limit:
                return found, True
            found.append(feature)
        return found, False
