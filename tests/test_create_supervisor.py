"""`make first-supervisor` (scripts/create_supervisor.py) makes a deployed stage's first staff account: an
INVITED supervisor whose printed one-time code signs them in once; and no stage but local/demo ever gets the
demo's default staff password."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.accounts import StaffRole
from tests.conftest import Api, sign_in_as

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Supervise4County"
DEMO_PASSWORD = "DemoAdmin1"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    from scripts import create_supervisor

    capsys.readouterr()  # only what the command prints
    code = create_supervisor.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def first(capsys: Any, username: str = "jdoe", *extra: str) -> tuple[int, str, str]:
    return run(capsys, "--username", username, "--name", "Jane Doe", "--email", "jdoe@example.gov", *extra)


def printed_code(out: str) -> str:
    return re.search(r"one-time code: ([A-Z0-9-]+)", out).group(1)  # type: ignore[union-attr]


def accept(api: Api, username: str, code: str) -> Any:
    return api.post("/auth/staff-invitations/accept",
                    {"username": username, "code": code, "password": PASSWORD, "password_confirm": PASSWORD})


def test_the_command_makes_an_invited_supervisor_whose_printed_code_signs_in_once(api, table, capsys):
    status, out, _ = first(capsys)
    assert status == 0, out
    assert "INVITED" in out and "/staff/accept.html?username=jdoe" in out
    item = table.get_item(Key={"PK": "STAFF#jdoe", "SK": "PROFILE"})["Item"]
    assert item["status"] == "INVITED" and item["role"] == "supervisor" and "password_hash" not in item
    code = printed_code(out)
    assert code not in json.dumps(item, default=str)  # kept as its digest only
    assert api.get("/sandbox/outbox?to=jdoe@example.gov").json_body["items"] == []  # printed, not mailed

    signed_in = accept(api, "jdoe", code)
    assert signed_in.status_code == 200, signed_in.body
    token = signed_in.json_body["token"]
    assert api.get("/staff/users", token).status_code == 200  # a supervisor's work
    assert accept(api, "jdoe", code).status_code == 400  # once
    trail = api.get("/staff/audit?subject=staff:jdoe", token).json_body["items"]
    assert [(e["action"], e["by"]) for e in trail] == [("staff.joined", "jdoe"), ("staff.first-supervisor", "")]


def test_it_is_refused_while_a_supervisor_is_active_unless_forced(api, capsys):
    sign_in_as(api, StaffRole.SUPERVISOR, "boss")
    status, out, err = first(capsys)
    assert status == 1 and out == "" and "active supervisor exists" in err
    status, out, _ = first(capsys, "jdoe", "--force")
    assert status == 0 and printed_code(out)


def test_an_invited_supervisor_is_not_yet_one_but_the_name_is_taken(aws, capsys):
    assert first(capsys)[0] == 0
    status, _, err = first(capsys)
    assert status == 1 and "taken" in err
    assert first(capsys, "jroe")[0] == 0


def test_bad_input_is_refused_and_nothing_is_written(table, capsys):
    status, _, err = run(capsys, "--username", "1 bad", "--name", " ", "--email", "nowhere")
    assert status == 1
    assert "username:" in err and "email:" in err and "name:" in err
    assert table.scan()["Items"] == []


def test_make_first_supervisor_runs_the_script_against_the_table_from_the_environment():
    dry = subprocess.run(["make", "-n", "-s", "first-supervisor", "USERNAME=jdoe", "NAME=Jane Doe",
                          "EMAIL=jdoe@example.gov", "TABLE_NAME=portal-prod"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert 'scripts/create_supervisor.py --username "jdoe" --name "Jane Doe" --email "jdoe@example.gov"' in dry
    assert "TABLE_NAME" in dry
    usage = subprocess.run(["make", "-s", "first-supervisor", "USERNAME=", "NAME=", "EMAIL="], cwd=ROOT,
                           capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: make first-supervisor" in usage.stdout


def test_the_readme_says_how_the_first_supervisor_is_made():
    deploy = (ROOT / "README.md").read_text().split("## Deploy to AWS", 1)[1]
    assert "make first-supervisor USERNAME=" in deploy


# --- no default staff password outside local and demo ------------------------------------------


@pytest.mark.parametrize("stage", ["dev", "prod", "deployed"])
def test_the_demo_seed_refuses_any_other_stage_and_writes_nothing(table, clock, monkeypatch, stage):
    from localdev.seed import seed_demo

    monkeypatch.setenv("STAGE", stage)
    with pytest.raises(RuntimeError, match="first-supervisor"):
        seed_demo(clock)
    assert table.scan()["Items"] == []


def test_only_local_and_demo_may_hold_demo_data(monkeypatch):
    from chalicelib.config import get_settings

    for stage, seeds in (("local", True), ("demo", True), ("dev", False), ("prod", False)):
        monkeypatch.setenv("STAGE", stage)
        assert get_settings().seeds_demo_data is seeds, stage


def test_no_deployed_stage_configures_or_ships_a_default_staff_password():
    stages = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]
    for name, stage in stages.items():
        if name == "local":
            continue
        names = " ".join(stage.get("environment_variables", {}))
        assert "DEMO" not in names and "STAFF_PASSWORD=" not in names, name
        assert stage["environment_variables"]["STAGE"] not in ("local", "demo"), name
    template = (ROOT / "infra" / "template.json").read_text()
    assert DEMO_PASSWORD not in template and "DEMO_STAFF_PASSWORD" not in template
    # What is deployed (app.py and chalicelib/) neither holds the demo password nor imports the seed.
    shipped = [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]
    for path in shipped:
        text = path.read_text()
        assert DEMO_PASSWORD not in text and "DEMO_STAFF_PASSWORD" not in text, path
        assert not re.search(r"^\s*(from|import) localdev", text, re.MULTILINE), path
