"""Problem types are part of the API: every slug the code raises is listed (and so documented), every
listed one is raised somewhere, and an answer carries `<site>/problems/<slug>`."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain import errors

SOURCE = Path(__file__).resolve().parent.parent.parent / "chalicelib"


def slugs_in_code() -> set[str]:
    text = "\n".join(p.read_text() for p in SOURCE.rglob("*.py"))
    return set(re.findall(r'slug(?:: str \| None)? = "([a-z-]+)"', text)) | set(re.findall(r'slug="([a-z-]+)"', text)) \
        | set(re.findall(r'"([a-z]+(?:-[a-z]+)+)" if ', text)) | set(re.findall(r' else "([a-z]+(?:-[a-z]+)+)"', text))


def test_every_slug_raised_is_listed_and_every_listed_slug_is_raised() -> None:
    used = slugs_in_code()
    assert used - set(errors.PROBLEM_TYPES) == set(), "raised but not listed in PROBLEM_TYPES"
    assert set(errors.PROBLEM_TYPES) - used == set(), "listed but never raised"


def test_the_readme_lists_every_problem_type() -> None:
    readme = (SOURCE.parent / "README.md").read_text()
    assert [s for s in errors.PROBLEM_TYPES if f"| `{s}` |" not in readme] == []


def test_an_answer_names_its_type_under_the_sites_problems_path(api, contractor, staff_token) -> None:
    from tests.services.permit_helpers import add_fee, make_permit

    no = make_permit(api, staff_token, contractor["contractor_id"], status="READY TO ISSUE")["permit_no"]
    add_fee(api, staff_token, no, "PLANNING", "35.00")
    body = api.post(f"/staff/permits/{no}/issue", None, staff_token).json_body
    assert body["type"] == "http://127.0.0.1:8080/problems/fees-due" and body["status"] == 409
