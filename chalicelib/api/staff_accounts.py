"""Staff: register a business and hand out PINs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import guard
from chalicelib.api.http import ok, parse_body, route
from chalicelib.api.schemas import NewContractorRequest, Strict
from chalicelib.domain.accounts import StaffDuty, staff_may
from chalicelib.domain.contact import normalise_email, normalise_phone, normalise_state, normalise_zip
from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.pin_letter import Letter

if TYPE_CHECKING:
    from chalicelib.services.accounts import NewContractor

bp = Blueprint(__name__)


def _clean(body: NewContractorRequest) -> NewContractor:
    """Staff may leave address fields blank (the contractor completes them); what is given must be valid."""
    values = body.model_dump()
    problems = []
    for name, normalise in (("email", normalise_email), ("state", normalise_state),
                            ("zip", normalise_zip), ("phone", normalise_phone)):
        if values[name].strip() or name == "email":
            try:
                values[name] = normalise(values[name])
            except ValueError as error:
                problems.append(FieldProblem(name, str(error)))
    values["company_name"] = " ".join(values["company_name"].split()).upper()
    values["license_no"] = values["license_no"].upper()
    if problems:
        raise InvalidInput("The contractor was not registered: correct the fields below.", problems)
    from chalicelib.services.accounts import NewContractor

    return NewContractor(**values)


@route(bp, "/staff/contractors", methods=["POST"])
def register_contractor() -> object:
    clerk = guard.staff(bp.current_request, StaffDuty.CONTRACTORS)
    new = _clean(parse_body(bp.current_request, NewContractorRequest))
    contractor_id, pin = bootstrap.accounts().register_contractor(new, by=clerk.principal_id)
    letter = bootstrap.pin_letters(clerk.principal_id).letter(contractor_id, pin)
    return ok({"contractor_id": contractor_id, "pin": pin, "letter": _letter(letter)}, 201)


@route(bp, "/staff/contractors/{contractor_id}/pin", methods=["POST"])
def new_pin(contractor_id: str) -> object:
    clerk = guard.staff(bp.current_request, StaffDuty.CONTRACTORS)
    body = parse_body(bp.current_request, NewPinBody)  # no body: no mail
    pin = bootstrap.accounts().issue_pin(contractor_id, by=clerk.principal_id)
    letters = bootstrap.pin_letters(clerk.principal_id)
    letter = letters.letter(contractor_id, pin)
    answer: dict[str, object] = {"pin": pin, "letter": _letter(letter)}
    if body.mail_letter:
        answer["mailed_to"] = letters.mail(contractor_id, letter)
    return ok(answer)


class NewPinBody(Strict):
    mail_letter: bool = False


def _letter(letter: Letter) -> dict[str, str]:
    return {"subject": letter.subject, "body": letter.body}


@route(bp, "/staff/me", methods=["GET"])
def staff_me() -> object:
    """Who is signed in, and the duties of their role: the back-office site shows the menu it is given."""
    me = guard.staff(bp.current_request, StaffDuty.VIEW_PERMITS)
    duties = sorted(duty.value for duty in StaffDuty if staff_may(me.staff_role, duty))
    user = bootstrap.staff_accounts().staff_user(me.principal_id)  # one GetItem: the name and e-mail as they are now
    return ok({"username": me.principal_id, "name": user.display_name, "email": user.email, "role": me.staff_role,
               "duties": duties})
