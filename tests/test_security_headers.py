"""Every page and API answer carries the strict security headers."""

import pytest
from django.test import Client


@pytest.mark.parametrize("url", ["/", "/network", "/model", "/api/openapi.json", "/api/predict"])
def test_every_answer_carries_a_strict_content_security_policy(url):
    response = Client().get(url)
    policy = response.headers["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/", "/network", "/model"])
def test_pages_have_no_inline_script_or_style_that_the_policy_would_block(url):
    html = Client().get(url).content.decode()
    assert "style=" not in html
    for tag in html.split("<script")[1:]:
        attributes, body = tag.split(">", 1)
        if 'type="application/json"' not in attributes:
            assert body.startswith("</script>"), "an executable inline script"
