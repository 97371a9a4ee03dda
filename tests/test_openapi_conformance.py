"""Schemathesis against the site's own OpenAPI document: every generated request, valid or
not, gets a documented status and a response that matches the schema, never a 500."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# The WSGI handler closes database connections after each request, which pytest-django
# only allows in tests marked as using the (unused, empty) test database.
pytestmark = pytest.mark.django_db


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_openapi_document(case):
    # A schema cannot say "has ink": schema-valid strokes, pixels or images may be blank and
    # are rightly a documented 422, which this one check would take for a wrongful refusal.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
