"""The README keeps its word: CI runs its set-up and test lines as written, and its figures
are what the commands it names print."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def first_command(section: str) -> str:
    """The first line of the first shell block under a README heading."""
    body = README.split(f"\n## {section}\n", 1)[1]
    return body.split("```sh\n", 1)[1].split("\n", 1)[0]


def test_the_set_up_is_one_line_in_a_virtual_environment_and_ci_runs_it_as_written():
    set_up = first_command("Run it")
    assert set_up.startswith("python3 -m venv .venv && ")
    assert set_up.endswith(" && .venv/bin/python manage.py runserver")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert set_up.removesuffix(" && .venv/bin/python manage.py runserver") in ci  # all but the server
    assert first_command("Test it") in ci


@pytest.mark.django_db
def test_the_drawing_pages_weight_in_the_readme_is_what_the_benchmark_prints():
    from bench.bench_predict import page_weight

    stated = float(re.search(r"The drawing\s+page weighs ([\d.]+) KiB", README).group(1))
    measured = sum(page_weight().values()) / 1024
    assert abs(stated - measured) < 1, (
        f"the README says {stated} KiB; bench/bench_predict.py prints {measured:.1f}"
    )


def test_production_is_one_command_that_loads_dot_env_which_git_ignores():
    block = README.split("\n## Run it in production\n", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    command = block.splitlines()[-1]
    assert command.startswith("(set -a && . ./.env && ") and command.endswith("exec python3 manage.py serve)")
    assert command in (ROOT / ".env.example").read_text()
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    # .env.example is what a shell can load as it is: every line a comment or NAME=value.
    lines = [line for line in (ROOT / ".env.example").read_text().splitlines() if line and line[0] != "#"]
    assert all(re.fullmatch(r"[A-Z_]+=[^\s'\"$`]*", line) for line in lines), lines
