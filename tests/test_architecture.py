"""The house's seams, checked on the source: dependencies point one way, boto3 stays in store/, key
strings in keys.py, statuses in enums. A change that breaks one fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib.domain.fee_lines import FeeStatus
from chalicelib.domain.inspections import InspectionStatus
from chalicelib.domain.payments import PaymentStatus
from chalicelib.domain.permits import PermitStatus

ROOT = Path(__file__).resolve().parent.parent / "chalicelib"
STATUSES = {s.value for enum in (PermitStatus, InspectionStatus, FeeStatus, PaymentStatus) for s in enum}


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def runtime_imports(path: Path) -> set[str]:
    """Modules imported when the file runs (imports under `if TYPE_CHECKING:` are for types only)."""
    tree = ast.parse(path.read_text())
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(n) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", modules("domain"), ids=lambda p: p.name)
def test_the_domain_is_pure_python(path: Path) -> None:
    outside = {m for m in runtime_imports(path) if m.split(".")[0] in ("boto3", "botocore", "chalice", "pydantic")
               or m.startswith(("chalicelib.store", "chalicelib.services", "chalicelib.api", "chalicelib.bootstrap"))}
    assert not outside, f"{path.name} imports {outside}"


@pytest.mark.parametrize("path", modules("services"), ids=lambda p: p.name)
def test_services_see_no_boto3_no_store_no_json_views(path: Path) -> None:
    outside = {m for m in runtime_imports(path) if m.split(".")[0] in ("boto3", "botocore", "chalice")
               or m.startswith(("chalicelib.store", "chalicelib.api"))}
    assert not outside, f"{path.name} imports {outside}"
    assert "ConditionExpression" not in path.read_text() and "Attr(" not in path.read_text()


@pytest.mark.parametrize("path", [p for p in modules("store") if p.name != "keys.py"], ids=lambda p: p.name)
def test_key_strings_are_spelled_only_in_keys_py(path: Path) -> None:
    spelled = [node.value for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)
               and any(node.value.startswith(p) for p in ("PERMIT#", "CONTRACTOR#", "PAYMENT#", "FEE#", "INSPECTION#",
                                                          "SESSION#", "THROTTLE#", "CART#", "STAFF#"))]
    assert not spelled, f"{path.name} spells keys {spelled}"


@pytest.mark.parametrize("path", modules("services") + modules("store") + modules("api"), ids=lambda p: p.name)
def test_statuses_are_compared_as_enums_never_as_strings(path: Path) -> None:
    literals = [ast.unparse(node) for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Compare)
                and any(isinstance(c, ast.Constant) and c.value in STATUSES for c in [node.left, *node.comparators])]
    assert not literals, f"{path.name} compares statuses as strings: {literals}"
