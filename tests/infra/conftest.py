"""The packaged template (build/sam.json when it is newer than its inputs, else packaged once per session)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [ROOT / "infra" / "template.json", ROOT / "app.py", ROOT / ".chalice" / "config.json",
          *(ROOT / ".chalice").glob("policy-*.json")]


def _fresh(path: Path) -> bool:
    return path.exists() and path.stat().st_mtime >= max(p.stat().st_mtime for p in INPUTS)


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    built = ROOT / "build" / "sam.json"
    if not _fresh(built):
        out = tmp_path_factory.mktemp("package")
        chalice = Path(sys.executable).parent / "chalice"
        env = {**os.environ, "AWS_DEFAULT_REGION": "us-west-2"}
        subprocess.run([str(chalice), "package", "--stage", "prod", "--merge-template",
                        str(ROOT / "infra" / "template.json"), str(out)],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        built = out / "sam.json"
    return json.loads(built.read_text())


@pytest.fixture(scope="session")
def resources(packaged: dict[str, Any]) -> dict[str, Any]:
    return packaged["Resources"]
