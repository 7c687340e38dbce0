"""Declaring a dossier incomplete, a reason per requirement: the comment of the timeline and the
e-mail is one line per reason, and the editor sees the reasons on the dossier page."""

import pytest
from django.urls import reverse

from applications.enums import DossierState
from applications.models import Dossier, TransitionLog
from portal.notifications.models import OutboxMessage
from reviews.models import IncompletenessItem
from tests.factories import OrganisationFactory, editor, expert
from tests.factories.dossiers import dossier_in_state
from tests.reviews.helpers import requirement, text

S = DossierState
pytestmark = pytest.mark.django_db


def _url(dossier):
    return reverse("reviews:incompleteness-declare", args=[dossier.pk])


def _lines(*lines, total=5):
    data = {
        "motifs-TOTAL_FORMS": str(total),
        "motifs-INITIAL_FORMS": "0",
        "motifs-MIN_NUM_FORMS": "0",
        "motifs-MAX_NUM_FORMS": "50",
    }
    for index, (requirement_pk, reason) in enumerate(lines):
        data[f"motifs-{index}-requirement"] = str(requirement_pk or "")
        data[f"motifs-{index}-text"] = reason
    return data


def test_page_offers_the_dossiers_applicable_requirements_and_general(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    page = text(client.get(_url(dossier)))
    assert "Général (tout le dossier)" in page
    assert "ETH-ACC-01 — Déclaration d'accessibilité" in page
    assert "DES-SEC-01" not in page  # data exchange is not requested: not applicable


def test_instructor_declares_incomplete_with_one_line_per_reason(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    accessibility = requirement(dossier, "ETH-ACC-01")
    client.force_login(cast.instructor)

    response = client.post(
        _url(dossier),
        _lines(
            (accessibility.pk, "La déclaration jointe est illisible."),
            ("", "Le nom du service diffère entre les pièces."),
        ),
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == S.INCOMPLETE
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")
    assert log.transition == "declare_incomplete" and log.actor == cast.instructor
    assert log.comment == (
        "ETH-ACC-01 — La déclaration jointe est illisible.\n"
        "Général — Le nom du service diffère entre les pièces."
    )
    items = list(IncompletenessItem.objects.filter(dossier=dossier))
    assert [(i.requirement, i.reason, i.transition_log) for i in items] == [
        (accessibility, "La déclaration jointe est illisible.", log),
        (None, "Le nom du service diffère entre les pièces.", log),
    ]
    # The editor's latest mail (the first one acknowledged the filing).
    mail = OutboxMessage.objects.filter(to=cast.editor.email).latest("pk")
    assert "ETH-ACC-01 — La déclaration jointe est illisible." in mail.body

    client.force_login(cast.editor)
    page = text(client.get(reverse("applications:dossier-detail", args=[dossier.pk])))
    assert "Dossier incomplet : ce qu'il faut compléter" in page
    assert "ETH-ACC-01 — Déclaration d'accessibilité : La déclaration jointe est illisible." in page
    assert "Général : Le nom du service diffère entre les pièces." in page


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "Indiquez au moins un motif d'incomplétude."),
        ((("ACC", ""),), "Rédigez le motif, ou laissez la ligne entièrement vide."),
        ((("999999", "Motif."),), "Sélectionnez un choix valide."),
    ],
)
def test_bad_lines_answer_400_and_change_nothing(client, lines, message):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    accessibility = requirement(dossier, "ETH-ACC-01")
    lines = [(accessibility.pk if pk == "ACC" else pk, reason) for pk, reason in lines]
    client.force_login(cast.instructor)

    response = client.post(_url(dossier), _lines(*lines))

    assert response.status_code == 400
    assert message in text(response)
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUBMITTED
    assert not IncompletenessItem.objects.exists()
    assert not TransitionLog.objects.filter(transition="declare_incomplete").exists()


def test_only_a_submitted_dossier_can_be_declared_incomplete(client):
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    client.force_login(cast.instructor)
    response = client.post(_url(dossier), _lines(("", "Trop tard.")))
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).state == S.UNDER_EVALUATION


def test_others_cannot_declare_incomplete(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    data = _lines(("", "Motif."))
    client.force_login(cast.editor)  # sees the dossier, may not act
    assert client.post(_url(dossier), data).status_code == 403
    client.force_login(editor(OrganisationFactory()))  # does not see it
    assert client.post(_url(dossier), data).status_code == 404
    client.force_login(expert("ethics"))
    assert client.get(_url(dossier)).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUBMITTED
    assert not IncompletenessItem.objects.exists()
