"""The map index and the property store, on the dict and on moto: saves keep GSI5 current with the records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from chalicelib.domain.geo import BBox
from chalicelib.domain.inspections import Inspection, InspectionStatus
from chalicelib.domain.permits import Permit, PermitStatus
from chalicelib.domain.properties import Property
from chalicelib.store.unit_of_work import UnitOfWork

VIEW = BBox(-116.80, 47.66, -116.74, 47.70)


def _permit(uow: UnitOfWork) -> Permit:
    permit = Permit("RES26-0001", "c-1", "1968 E DODD RD", "RESIDENTIAL", PermitStatus.ACTIVE,
                    created_at=datetime(2026, 11, 1, tzinfo=UTC), lat=47.6921, lon=-116.7612,
                    parcel_no="C-1", inspection_types=["FOOTING"])
    permit.inspections = [Inspection("RES26-0001-aaaa0001", "RES26-0001", "c-1", "FOOTING", date(2026, 11, 26))]
    uow.permits.save(permit)
    uow.commit()
    return permit


def _layer(uow: UnitOfWork, layer: str) -> list[str]:
    from chalicelib.domain.map import company_prefixes

    return [f.id for f in uow.map.features(layer, "c-1", company_prefixes(VIEW), VIEW, 100)[0]]


def test_a_placed_permit_and_its_scheduled_inspection_are_on_the_map(new_uow: Callable[[], UnitOfWork]) -> None:
    _permit(new_uow())
    uow = new_uow()
    assert _layer(uow, "permits") == ["RES26-0001"]
    assert _layer(uow, "inspections") == ["RES26-0001-aaaa0001"]
    assert uow.permits.linked_to_parcel("C-1") == [("RES26-0001", "c-1")]


def test_a_resulted_inspection_and_a_permit_taken_off_its_parcel_leave_the_map(
        new_uow: Callable[[], UnitOfWork]) -> None:
    _permit(new_uow())
    uow = new_uow()
    permit = uow.permits.get("RES26-0001")
    assert permit is not None and permit.lat == 47.6921
    permit.inspections[0].status = InspectionStatus.PASSED
    permit.parcel_no, permit.lat, permit.lon = None, None, None
    uow.permits.save(permit)
    uow.commit()
    after = new_uow()
    assert _layer(after, "permits") == [] and _layer(after, "inspections") == []
    assert after.permits.linked_to_parcel("C-1") == []


def test_parcels_are_saved_once_and_found_by_word_and_number(new_uow: Callable[[], UnitOfWork]) -> None:
    prop = Property("C-0001-000-0001", "1968 E DODD RD", "COEUR D'ALENE", "ID", "83814", 47.6921, -116.7612)
    assert new_uow().properties.save_parcels([prop]) == ["imported"]
    assert new_uow().properties.save_parcels([prop]) == ["unchanged"]
    uow = new_uow()
    assert [p.parcel_no for p in uow.properties.search("dodd rd")] == ["C-0001-000-0001"]
    assert [p.parcel_no for p in uow.properties.search("c-0001")] == ["C-0001-000-0001"]
    assert uow.properties.get("c-0001-000-0001") == prop
