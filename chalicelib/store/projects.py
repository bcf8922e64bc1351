"""Projects (keys spelled in `keys.py`): PK=PROJECT#<no> SK=PROJECT, GSI1PK=CONTRACTOR#<id>
GSI1SK=PROJECT#<no> (a company's projects, one Query; the dashboard's PERMIT# range never sees them), and
GSI5 on the company's projects map layer when it has a place. A project's permits are found from their
side: each permit in one carries a link item (PK=PERMIT#<no> SK=PROJECT, GSI5PK=PROJECT#<no>), written
with the permit (store/permits.py), so grouping a permit is one save of that permit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.projects import Project, ProjectStatus
from chalicelib.store import keys
from chalicelib.store.items import ConditionFailed, Item, Put, Update, absent, query_all
from chalicelib.store.permits import coordinate, map_entry

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork


def project_item(project: Project) -> Item:
    item: Item = {
        **keys.project(project.project_no),
        "GSI1PK": keys.contractor_partition(project.contractor_id),
        "GSI1SK": keys.contractor_project_sort_key(project.project_no),
        "project_no": project.project_no, "name": project.name, "contractor_id": project.contractor_id,
        "status": project.status.value, "parcel_no": project.parcel_no, "address": project.address or None,
        "lat": coordinate(project.lat), "lon": coordinate(project.lon), "version": project.version or 1,
        **map_entry("projects", project.contractor_id, project.lat, project.lon, project.project_no),
    }
    return {k: v for k, v in item.items() if v is not None}


def project_from_item(item: Item) -> Project:
    lat, lon = item.get("lat"), item.get("lon")
    return Project(str(item["project_no"]), str(item.get("name", "")), str(item["contractor_id"]),
                   ProjectStatus(item.get("status", "ACTIVE")), item.get("parcel_no"),
                   None if lat is None else float(lat), None if lon is None else float(lon),
                   str(item.get("address", "")), int(item.get("version", 1) or 1))


class ProjectExists(Exception):
    pass


class ProjectRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.items = uow.items

    def get(self, project_no: str) -> Project | None:
        no = project_no.strip().upper()
        if not 0 < len(no) <= 64:
            return None
        item = self.items.get(keys.project(no))
        return project_from_item(item) if item else None

    def of_contractor(self, contractor_id: str) -> list[Project]:
        """A company's projects in number order: one Query of GSI1 (PROJECT# range)."""
        items = query_all(self.items, keys.contractor_partition(contractor_id), index="GSI1",
                          sk_prefix=keys.PROJECT_INDEX_PREFIX)
        return [project_from_item(i) for i in items if i.get("SK") == keys.PROJECT_SK]

    def add(self, project: Project) -> None:
        """Queue the new project on the unit of work; its commit fails (StaleRecord) if the number is taken."""
        project.version = 1
        self.uow.add(Put(project_item(project), absent()))

    def exists(self, project_no: str) -> bool:
        return self.items.get(keys.project(project_no)) is not None

    def next_sequence(self, year: int) -> int:
        new = self.items.update(Update(keys.project_counter(year), add={"seq": 1}), return_new=True)
        return int((new or {})["seq"])


__all__ = ["ConditionFailed", "ProjectExists", "ProjectRepository", "project_from_item", "project_item"]
