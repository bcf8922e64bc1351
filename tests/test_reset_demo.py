"""`make demo-reset` (scripts/reset_demo.py) restores the guide's demo data in the running local emulator."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = "contractor-portal-reset-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def emulator() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def reset(endpoint: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": endpoint, "TABLE_NAME": TABLE, "BCRYPT_COST": "4",
           "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "reset_demo.py")], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def rich_permits(endpoint: str) -> list[dict]:
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-west-2",
                          aws_access_key_id="local", aws_secret_access_key="local")
    found = client.query(TableName=TABLE, KeyConditionExpression="PK = :pk",
                         ExpressionAttributeValues={":pk": {"S": "PERMIT#RES16-0688"}})["Items"]
    return found


def test_reset_restores_the_demo_data_after_it_was_changed(emulator):
    first = reset(emulator)
    assert first.returncode == 0, first.stderr
    assert "RICH CONTRACTOR: first-login PIN 123456" in first.stdout
    seeded = rich_permits(emulator)
    assert seeded, "the guide's RES16-0688 is seeded"

    client = boto3.client("dynamodb", endpoint_url=emulator, region_name="us-west-2",
                          aws_access_key_id="local", aws_secret_access_key="local")
    for item in seeded:  # the demo permit "lost": as if a run of the job or a payment had changed it
        client.delete_item(TableName=TABLE, Key={"PK": item["PK"], "SK": item["SK"]})
    assert rich_permits(emulator) == []

    again = reset(emulator)
    assert again.returncode == 0, again.stderr
    assert len(rich_permits(emulator)) == len(seeded)


def test_reset_refuses_anything_but_the_local_emulator():
    refused = reset("https://dynamodb.us-west-2.amazonaws.com")
    assert refused.returncode == 2
    assert "only the local emulator" in refused.stderr
