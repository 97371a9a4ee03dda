"""Imports point one way: digitsite -> recognizer -> nn. recognizer/ knows nothing of the
settings package (digitsite) nor of bench/ and tests/; nn/ knows nothing of the site (Django,
recognizer, digitsite) nor of bench/ and tests/, and inside nn/ each room imports only the
rooms below it: ink (what a person gave, to what a network reads) below the networks and
the data, and training above them all."""

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

OUTSIDE_NN = ("django", "recognizer", "digitsite", "bench", "tests")
ABOVE_RECOGNIZER = ("digitsite", "bench", "tests")
ROOMS_BELOW = {  # what each room of nn/ may import from nn/
    "ink": {"ink"},
    "networks": {"ink", "networks"},
    "data": {"ink", "data"},
    "training": {"ink", "networks", "data", "training"},
}


def imported(path: Path) -> set[str]:
    """The modules a file imports, by their full names."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def nn_files() -> list[Path]:
    return sorted((ROOT / "nn").rglob("*.py"))


@pytest.mark.parametrize("path", nn_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_nn_imports_nothing_of_the_site_the_benchmarks_or_the_tests(path):
    wrong = {name for name in imported(path) if name.split(".")[0] in OUTSIDE_NN}
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


@pytest.mark.parametrize("room", sorted(ROOMS_BELOW))
def test_each_room_of_nn_imports_only_the_rooms_below_it(room):
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "nn" / room).rglob("*.py"))
        for name in imported(path)
        if name.startswith("nn.") and name.split(".")[1] not in ROOMS_BELOW[room]
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "recognizer").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_app_imports_nothing_of_the_settings_package_the_benchmarks_or_the_tests(path):
    wrong = {name for name in imported(path) if name.split(".")[0] in ABOVE_RECOGNIZER}
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"
