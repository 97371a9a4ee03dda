"""Every input the coverage-guided fuzzer (tests/fuzz/fuzz_decode.py) ever crashed on is
kept in tests/fuzz/crashes/ and replayed here: each must now decode, or be refused with an
BadInput (a 4xx), and never raise anything else."""

import contextlib
from pathlib import Path

import pytest

from nn.ink.preprocess import to_mnist
from recognizer.errors import BadInput
from recognizer.imaging import decode

CRASHES = sorted((Path(__file__).parent / "fuzz" / "crashes").glob("*"))
CRASHES = [p for p in CRASHES if p.name != ".gitkeep"]


if CRASHES:  # with nothing to replay there is no test, rather than one that always skips

    @pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
    def test_an_input_that_once_crashed_the_image_path_is_now_handled(path):
        with contextlib.suppress(BadInput):  # a 4xx is fine; any other exception fails
            to_mnist(decode(path.read_bytes()))


def test_the_crash_folder_is_there_for_the_fuzzer_to_fill():
    assert (Path(__file__).parent / "fuzz" / "crashes").is_dir()
