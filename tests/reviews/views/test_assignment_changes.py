"""The pages that change an assignment's expert or due date: what follows is said before the
instructor confirms, the change lands and is listed with its reason; anyone else gets a 404 (a
dossier they do not see) or a 403 (an action they may not take), invalid input a 400, and
nothing is written."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import DossierState
from reviews.models import Assignment, AssignmentChange
from tests.assertions import assert_nothing_changed
from tests.factories import expert
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import text

S = DossierState
pytestmark = pytest.mark.django_db
DOMAIN = "ethics"


@pytest.fixture
def evaluating():
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    return dossier, cast, Assignment.objects.get(dossier=dossier, domain=DOMAIN)


def _replace_url(assignment):
    return reverse("reviews:assignment-replace", args=[assignment.pk])


def _due_url(assignment):
    return reverse("reviews:assignment-due-date", args=[assignment.pk])


def test_the_assignments_page_offers_both_changes(client, evaluating):
    dossier, cast, assignment = evaluating
    client.force_login(cast.instructor)
    html = client.get(reverse("reviews:dossier-assignments", args=[dossier.pk])).content.decode()
    assert f'href="{_replace_url(assignment)}"' in html
    assert f'href="{_due_url(assignment)}"' in html


def test_replacing_the_expert_through_the_page(client, evaluating):
    dossier, cast, assignment = evaluating
    newcomer = expert(DOMAIN, first_name="Noé", last_name="Remplaçant")
    client.force_login(cast.instructor)

    page = client.get(_replace_url(assignment))
    assert page.status_code == 200
    assert "perd aussitôt l'accès au dossier" in text(page)
    assert "Confirmer le remplacement" in text(page)
    offered = list(page.context["form"].fields["expert"].queryset)
    assert newcomer in offered and assignment.expert not in offered

    response = client.post(
        _replace_url(assignment), {"expert": newcomer.pk, "reason": "Expert indisponible."}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dossier-assignments", args=[dossier.pk])
    assert Assignment.objects.active().get(dossier=dossier, domain=DOMAIN).expert == newcomer
    listing = text(client.get(response["Location"]))
    assert "Remplacement enregistré" in listing
    assert "motif : Expert indisponible." in listing
    assert "Noé Remplaçant" in listing and "remplacement" in listing


def test_changing_the_due_date_through_the_page(client, evaluating):
    dossier, cast, assignment = evaluating
    later = timezone.localdate() + timedelta(days=40)
    client.force_login(cast.instructor)
    assert "Confirmer la nouvelle date" in text(client.get(_due_url(assignment)))

    response = client.post(
        _due_url(assignment), {"due_on": later.isoformat(), "reason": "Vacances."}, follow=True
    )

    assignment.refresh_from_db()
    assert assignment.due_on == later
    assert "Nouvelle date de rendu pour le domaine « Éthique »" in text(response)
    assert "motif : Vacances." in text(response)


def test_invalid_changes_answer_400_and_write_nothing(client, evaluating):
    dossier, cast, assignment = evaluating
    client.force_login(cast.instructor)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    with assert_nothing_changed(dossier, tables=(Assignment, AssignmentChange), rows=(assignment,)):
        past = client.post(_due_url(assignment), {"due_on": yesterday, "reason": "x"})
        no_reason = client.post(_replace_url(assignment), {"expert": expert(DOMAIN).pk})
        not_eligible = client.post(
            _replace_url(assignment), {"expert": expert("rgpd").pk, "reason": "x"}
        )
    assert past.status_code == no_reason.status_code == not_eligible.status_code == 400
    assert "La date de rendu ne peut pas être passée." in unescape(past.content.decode())
    assert "Erreur" in unescape(no_reason.content.decode())


def test_a_signed_evaluation_shows_why_and_refuses(client, evaluating):
    dossier, cast, _assignment = evaluating
    cast.evaluate(dossier)
    assignment = Assignment.objects.active().get(dossier=dossier, domain=DOMAIN)
    client.force_login(cast.instructor)

    page = text(client.get(_replace_url(assignment)))
    assert "Modification impossible" in page and "signée" in page
    with assert_nothing_changed(dossier, tables=(Assignment, AssignmentChange), rows=(assignment,)):
        response = client.post(
            _replace_url(assignment), {"expert": expert(DOMAIN).pk, "reason": "x"}
        )
    assert response.status_code == 400


def test_others_get_404_or_403_and_write_nothing(client, evaluating):
    dossier, cast, assignment = evaluating
    _outsider, _other_cast = dossier_in_state(S.SUBMITTED)
    with assert_nothing_changed(dossier, tables=(Assignment, AssignmentChange), rows=(assignment,)):
        # The dossier's own expert sees it only through their domain: 404.
        client.force_login(cast.experts["rgpd"])
        assert client.get(_replace_url(assignment)).status_code == 404
        assert client.post(_due_url(assignment), {"reason": "x"}).status_code == 404
        # The editor sees the dossier but may not change its experts: 403.
        client.force_login(cast.editor)
        assert client.get(_replace_url(assignment)).status_code == 403
        assert client.post(_replace_url(assignment), {"reason": "x"}).status_code == 403
        # Another organisation's editor does not see it: 404.
        client.force_login(_other_cast.editor)
        assert client.get(_due_url(assignment)).status_code == 404
        client.force_login(cast.instructor)
        assert client.get(reverse("reviews:assignment-replace", args=[999999])).status_code == 404
