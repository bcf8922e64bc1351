"""Projects: staff group a company's permits under one (a subdivision, a development); the company sees
its projects with the fees due on their permits, and puts every one of those fees in the cart at once."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from chalicelib.clock import Clock
from chalicelib.domain.errors import Conflict, FieldProblem, InvalidInput, NotFound, StaleRecord
from chalicelib.domain.permits import Permit
from chalicelib.domain.projects import Project, generated_project_no, parse_project_no, project_fees_due

if TYPE_CHECKING:
    from chalicelib.store.unit_of_work import UnitOfWork

NAME_MAX = 120


class ProjectService:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def create(self, name: str, contractor_id: str, project_no: str | None = None,
               parcel_no: str | None = None) -> Project:
        """A new project (201): number `P-<yyyy>-<nnn>` unless given; 409 `project-exists` if taken."""
        name = " ".join(name.split()).upper()
        if not name:
            raise InvalidInput("A project needs a name.", [FieldProblem("name", "is required")])
        if self.uow.accounts.company(contractor_id) is None:
            raise InvalidInput(f"There is no contractor {contractor_id[:64]}.",
                               [FieldProblem("contractor_id", "is not a registered contractor")])
        place = None
        if parcel_no:
            place = self.uow.properties.get(parcel_no)
            if place is None:
                raise InvalidInput(f"There is no parcel {parcel_no[:64]}.",
                                   [FieldProblem("parcel_no", "is not a known parcel")])
        no = parse_project_no(project_no) if project_no else generated_project_no(
            self.clock.now().year, self.uow.projects.next_sequence(self.clock.now().year))
        project = Project(no, name[:NAME_MAX], contractor_id, parcel_no=place.parcel_no if place else None,
                          lat=place.lat if place else None, lon=place.lon if place else None,
                          address=place.address if place else "")
        self.uow.projects.add(project)
        try:
            self.uow.commit()
        except StaleRecord:
            raise Conflict(f"Project {no} already exists.", slug="project-exists") from None
        return project

    def of_company(self, contractor_id: str, q: str = "") -> list[tuple[Project, Decimal]]:
        """The company's projects, by number or name containing `q` (case-insensitive), each with its fees
        due: one Query of its projects, one of its permits (the dashboard's, which carry `project_no`)."""
        wanted = " ".join(q.split()).upper()
        projects = [p for p in self.uow.projects.of_contractor(contractor_id)
                    if not wanted or wanted in p.project_no or wanted in p.name]
        if not projects:
            return []
        grouped: dict[str, list[Permit]] = {}
        for permit in self.uow.permits.of_contractor(contractor_id):
            if permit.project_no:
                grouped.setdefault(permit.project_no, []).append(permit)
        now = self.clock.now()
        return [(p, project_fees_due(grouped.get(p.project_no, []), now)) for p in projects]

    def project(self, project_no: str, contractor_id: str | None) -> tuple[Project, list[Permit]]:
        """The project with its permits; another company's is 404 (`contractor_id` None: staff)."""
        project = self.uow.projects.get(project_no)
        if project is None or (contractor_id is not None and project.contractor_id != contractor_id):
            raise NotFound(f"Project {project_no[:64]} was not found.")
        permits = []
        for permit_no, owner in self.uow.permits.linked_to_project(project.project_no):
            if owner != project.contractor_id:
                continue
            permit = self.uow.permits.get(permit_no)
            if permit is not None and permit.project_no == project.project_no \
                    and permit.contractor_id == project.contractor_id:
                permits.append(permit)
        return project, sorted(permits, key=lambda p: p.permit_no)
