"""One wording for each outcome on both pages: a drawing that is not a digit, one too large
to read (more than 20 digits) and a blank one are told the same on the drawing page and on
/network, headline and advice (the drawing page adds how to label it)."""

import json

import pytest

from recognizer.limits import MAX_DIGITS
from tests.browser import forget_422s, open_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

DASH = [[[0.3, 0.52], [0.5, 0.5], [0.7, 0.49]]]
MARKS = [[[0.05 + 0.09 * i, 0.3], [0.05 + 0.09 * i, 0.6]] for i in range(MAX_DIGITS + 1)]  # 21 ones
SEVEN = [[[0.3, 0.2], [0.7, 0.2], [0.45, 0.8]]]
WORDS = {  # where each page says it: (the box with data-state, headline, detail)
    "/": ('[data-testid="prediction"]', '[data-field="headline"]', '[data-field="detail"]'),
    "/network": ("[data-status]", "[data-status-headline]", "[data-status-detail]"),
}


def words(browser, site, path, case):
    """What `path` says about the case's strokes carried over from the other page: (headline, detail)."""
    outcome, strokes, route, _ = case
    page = open_page(browser, site, viewport={"width": 1280, "height": 900})
    page.evaluate("(s) => sessionStorage.setItem('digits.strokes', s)", json.dumps(strokes))
    if route:
        page.route("**/api/predict", route)
    page.goto(site + path)
    box, headline, detail = WORDS[path]
    page.locator(f'{box}[data-state="{outcome}"]').wait_for(timeout=10_000)
    said = page.locator(headline).inner_text(), page.locator(detail).inner_text()
    page.errors[:] = [e for e in page.errors if "status of 413" not in e]
    forget_422s(page)
    assert page.errors == []
    page.context.close()
    return said


def blank(route):
    route.fulfill(status=422, json={"error": "no digit found: the drawing is blank", "code": "blank"})


CASES = [  # (outcome, strokes, how the server is made to answer, the headline)
    ("not_a_digit", DASH, None, "That does not look like a digit"),
    ("too_large", MARKS, None, "Too much to read at once"),
    ("blank", SEVEN, blank, "No digit found"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_both_pages_say_the_same_for_each_outcome(browser, site, case):
    drawing_page = words(browser, site, "/", case)
    network_page = words(browser, site, "/network", case)
    assert drawing_page[0] == network_page[0] == case[3]
    assert drawing_page[1].startswith(network_page[1]) and network_page[1]
    if case[0] == "too_large":
        assert f"at most {MAX_DIGITS} are read" in network_page[1]
