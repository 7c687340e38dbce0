"""The dossier page is read by one function (applications/domain/dossier_page.py) with a fixed
number of queries, whatever the length of its timeline or the number of its decisions: the
template reads only what it was given."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain.transitions import dossier_provide_complements
from applications.enums import DossierState
from decisions.domain.services import decision_correct
from reviews.domain.complements import dossier_request_complements
from tests.decisions.helpers import decided
from tests.factories.dossiers import dossier_in_state

pytestmark = pytest.mark.django_db


def _queries(client, dossier) -> int:
    url = reverse("applications:dossier-detail", args=[dossier.pk])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_dossier_page_reads_a_fixed_number_of_queries_however_long_the_timeline(
    client, django_assert_num_queries
):
    dossier, cast = dossier_in_state(DossierState.UNDER_EVALUATION)
    client.force_login(cast.instructor)
    _queries(client, dossier)  # the session and the user's first reads
    before = _queries(client, dossier)
    for round_ in range(2):
        dossier = dossier_request_complements(
            dossier=dossier, actor=cast.instructor, comment=f"Précisez ({round_})."
        )
        dossier = dossier_provide_complements(dossier=dossier, actor=cast.editor)
    url = reverse("applications:dossier-detail", args=[dossier.pk])
    with django_assert_num_queries(before):
        assert client.get(url).status_code == 200


def test_dossier_page_reads_a_fixed_number_of_queries_however_many_decisions(
    client, django_assert_num_queries
):
    decision, dossier, cast = decided()
    client.force_login(cast.editor)
    _queries(client, dossier)
    before = _queries(client, dossier)
    decision_correct(decision=decision, actor=cast.ministry, motives="Erreur matérielle.")
    url = reverse("applications:dossier-detail", args=[dossier.pk])
    with django_assert_num_queries(before):
        page = client.get(url).content.decode()
    assert page.count("Décision n°") == 2
