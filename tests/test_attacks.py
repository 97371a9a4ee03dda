"""Attacks that cost a worker far more than the request's size, each answered quickly in
JSON: every request is sent to the site in a fresh process as a gunicorn worker runs it
(tests/helpers.worker_costs), which measures the CPU time and the rise of peak memory it
costs. Each is the attack as it was found, and costs at most 100 ms of CPU and 100 MB.
(The photo of many marks was found here, not in the issue: 160 ms before.)"""

import json

import pytest

from bench.payloads import FAR_AND_WIDE, data_url, marks_photo, multipart, progressive_jpeg, zigzag
from tests.helpers import LABELLED, PREDICT, request_spec, worker_costs

JPEG = progressive_jpeg(2000)  # 34 kB; 8 s of CPU before
ATTACKS = {
    "a zigzag of 8,000 points in a box 0.03 wide": request_spec(PREDICT, {"strokes": [zigzag(8000)]}),
    "a zigzag of 20,000 points, the most points": request_spec(PREDICT, {"strokes": [zigzag(20_000)]}),
    "20 marks of 1,000 points each": request_spec(PREDICT, {"strokes": FAR_AND_WIDE}),
    "a labelled zigzag of 4,000 points": request_spec(LABELLED, {"strokes": [zigzag(4000)], "label": 1}),
    "a labelled digit of 20 marks of 1,000 points": request_spec(
        LABELLED, {"strokes": FAR_AND_WIDE, "label": 1, "digit": 3}
    ),
    "a progressive JPEG of 2,000 tiny scans": request_spec(PREDICT, *multipart({"image": JPEG})),
    "the same JPEG as a data URL": request_spec(PREDICT, {"image": data_url(JPEG, "image/jpeg")}),
    "a photo of 128 separate marks": request_spec(PREDICT, *multipart({"image": marks_photo()})),
    "a model name of 300 characters": request_spec(PREDICT, {"strokes": [zigzag(4)], "model": "m" * 300}),
    "a model page of a 300-character name": request_spec("/model/" + "m" * 300, b"", "", "GET"),
}
REFUSED = {  # the status and what the answer says
    "a zigzag of 8,000 points in a box 0.03 wide": (413, "too long for their size"),
    "a zigzag of 20,000 points, the most points": (413, "too long for their size"),
    "20 marks of 1,000 points each": (413, "too long for their size"),
    "a labelled zigzag of 4,000 points": (413, "too long for their size"),
    "a labelled digit of 20 marks of 1,000 points": (413, "too long for their size"),
    "a progressive JPEG of 2,000 tiny scans": (413, "scans"),
    "the same JPEG as a data URL": (413, "scans"),
    "a photo of 128 separate marks": (413, "at most 20 are read"),
    "a model name of 300 characters": (400, "at most 64 characters"),
    "a model page of a 300-character name": (404, ""),
}


@pytest.fixture(scope="module")
def costs(tmp_path_factory):
    measured, log = worker_costs(list(ATTACKS.values()), tmp_path_factory.mktemp("attacks"))
    for name, cost in zip(ATTACKS, measured, strict=True):
        print(f"{name}: {cost['status']} in {1000 * cost['cpu']:.1f} ms CPU, {cost['mb']:.1f} MB")
    return dict(zip(ATTACKS, measured, strict=True)), log


@pytest.mark.parametrize("name", ATTACKS)
def test_an_attack_is_refused_in_json_within_100_ms_of_cpu_and_100_mb(costs, name):
    cost = costs[0][name]
    status, phrase = REFUSED[name]
    assert cost["status"] == status, cost
    if name.startswith("a model page"):  # a page: Django's 404, not a 500
        return
    assert phrase in json.loads(cost["answer"])["error"], cost
    assert cost["cpu"] < 0.1, cost
    assert cost["mb"] < 100, cost
    assert cost["stored"] == 0, cost


def test_a_refused_name_is_not_copied_into_the_log(costs):
    _, log = costs
    assert "Traceback" not in log and "m" * 100 not in log, log[-3000:]
