"""The test book read from real calls of the FHIR endpoints (not from rows written by hand): an
accepted measure passes its case, a refusal passes the refusal case of the rule it breaks, and a
call that breaks another rule does not."""

import pytest

from sandbox.domain.test_book import CaseStatus, test_book
from tests.sandbox.fhir.examples import feed, obs_of, observation

pytestmark = pytest.mark.django_db


def statuses(dossier) -> dict[str, CaseStatus]:
    return {result.case.key: result.status for result in test_book(dossier).results}


def test_calls_of_the_endpoint_fill_in_the_test_book(dossier, service):
    assert statuses(dossier)["measures.body_weight"] != CaseStatus.PASSED

    assert service.measure(feed(observation("body_weight"))).status_code == 200
    wrong_unit = feed(observation("body_weight"))
    obs_of(wrong_unit)["valueQuantity"]["code"] = "g"
    assert service.measure(wrong_unit).status_code == 422

    after = statuses(dossier)
    assert after["measures.body_weight"] == CaseStatus.PASSED
    assert after["measures.wrong_unit"] == CaseStatus.PASSED
    # Not exercised by these two calls.
    assert after["measures.wrong_code"] != CaseStatus.PASSED
    assert after["measures.subject_identifier"] != CaseStatus.PASSED
