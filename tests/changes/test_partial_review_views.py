"""The pages of a partial re-evaluation (changes/views/reevaluation.py) through the test client:
the domain's screen (what it shows, to whom: 404 for the editor and a stranger), verdicts by
htmx and by plain POST (400 with the block's errors, nothing written), the signature, the
replacement and the declaration of interests, the closing from the declaration's page behind
its confirmation (403 for an expert), the evidence served to the current expert only, and the
home panels."""

import html

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from applications.models import Evidence, RevisionAnswer
from changes.domain.partial_reviews import touched_requirements
from changes.enums import ChangeState
from changes.models import ChangeDeclaration, ChangeEvent, PartialReview, PartialVerdict
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import T0, published
from tests.factories.changes_reviews import in_partial_review, review_signed, update_sent
from tests.factories.dossiers import TINY_PDF
from tests.factories.people import expert

pytestmark = pytest.mark.django_db
TABLES = (PartialVerdict, ChangeEvent)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db, private_storage):
    with time_machine.travel(T0, tick=False):
        yield _built


@pytest.fixture
def reevaluation(service):
    """(declaration, review, requirement, cast): the ethics domain (its requirement needs
    evidence), the update arrived, nothing judged yet."""
    dossier, cast = service
    declaration = update_sent(in_partial_review(dossier, cast, domains=["ethics"]), cast.editor)
    review = declaration.partial_reviews.select_related("declaration", "expert").get()
    (requirement,) = touched_requirements(declaration, review.domain)
    return declaration, review, requirement, cast


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _url(name, declaration, *args):
    return reverse(f"changes:{name}", args=[declaration.pk, *args])


def test_the_expert_sees_the_update_the_changes_and_the_original_verdict(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    client.force_login(review.expert)
    page = client.get(_url("reevaluation", declaration, review.domain))
    assert page.status_code == 200
    text = _text(page)
    assert f"Réévaluation partielle « {review.get_domain_display()} »" in text
    assert "Nouvelle IA." in text  # the declaration's item
    assert f"Réponse de l'éditeur (révision {declaration.update_revision})" in text
    assert "Réponse mise à jour après la modification." in text
    assert "Avis de l'évaluation initiale" in text
    assert "Modifié par l'éditeur entre les révisions" in text
    assert "Avis donnés : 0 sur 1 exigence touchée." in text
    assert _url("reevaluation-verdict", declaration, review.domain, requirement.code) in text


@pytest.mark.parametrize("who", ["editor", "stranger", "other_expert"])
def test_the_screen_is_a_404_for_whoever_is_not_its_expert_or_the_instruction(
    client, reevaluation, who
):
    declaration, review, requirement, cast = reevaluation
    person = {
        "editor": cast.editor,
        "stranger": expert(review.domain),
        "other_expert": next(p for d, p in cast.experts.items() if d != review.domain),
    }[who]
    client.force_login(person)
    assert client.get(_url("reevaluation", declaration, review.domain)).status_code == 404
    with assert_nothing_changed(declaration.dossier, tables=TABLES):
        response = client.post(
            _url("reevaluation-verdict", declaration, review.domain, requirement.code),
            {"verdict": "compliant"},
        )
    assert response.status_code == 404


def test_the_instruction_reads_it_without_a_form(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    client.force_login(cast.instructor)
    page = client.get(_url("reevaluation", declaration, review.domain))
    assert page.status_code == 200
    assert "Consultation par l'instruction." in _text(page)
    assert 'name="verdict"' not in _text(page)
    with assert_nothing_changed(declaration.dossier, tables=TABLES):
        response = client.post(
            _url("reevaluation-verdict", declaration, review.domain, requirement.code),
            {"verdict": "compliant"},
        )
    assert response.status_code == 403


def test_a_verdict_through_htmx_and_its_refusal(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    client.force_login(review.expert)
    url = _url("reevaluation-verdict", declaration, review.domain, requirement.code)
    with assert_nothing_changed(declaration.dossier, tables=TABLES):
        bad = client.post(url, {"verdict": "partial", "comment": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    assert bad["HX-Reswap"] == "outerHTML"
    assert "Un commentaire est obligatoire" in _text(bad) and "<html" not in _text(bad)
    good = client.post(
        url, {"verdict": "partial", "comment": "Moins clair."}, HTTP_HX_REQUEST="true"
    )
    assert good.status_code == 200
    assert "Avis enregistré à" in _text(good)
    row = PartialVerdict.objects.get(partial_review=review)
    assert (row.verdict, row.comment, row.expert) == ("partial", "Moins clair.", review.expert)


def test_a_verdict_by_plain_post_and_its_refusal(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    client.force_login(review.expert)
    url = _url("reevaluation-verdict", declaration, review.domain, requirement.code)
    with assert_nothing_changed(declaration.dossier, tables=TABLES):
        bad = client.post(url, {"verdict": "non_compliant", "comment": " "})
    assert bad.status_code == 400
    assert "L'avis n'a pas été enregistré" in _text(bad)
    assert "Un commentaire est obligatoire" in _text(bad)
    assert "<title>Erreur" in _text(bad)
    good = client.post(url, {"verdict": "compliant"})
    assert good.status_code == 302
    assert good["Location"].endswith(f"#exigence-{requirement.code}")
    assert PartialVerdict.objects.get(partial_review=review).verdict == "compliant"


def test_no_verdict_form_before_the_update(client, service):
    dossier, cast = service
    declaration = in_partial_review(dossier, cast)
    review = declaration.partial_reviews.get()
    client.force_login(review.expert)
    page = _text(client.get(_url("reevaluation", declaration, review.domain)))
    assert "L'éditeur n'a pas encore envoyé la mise à jour" in page
    assert 'name="verdict"' not in page


def test_signing_from_its_page(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    client.force_login(review.expert)
    url = _url("reevaluation-sign", declaration, review.domain)
    page = client.get(url)
    assert page.status_code == 200 and "1 exigence touchée sans avis" in _text(page)
    # No commission reads a re-evaluation's synthesis: the team that closes it does.
    assert "lue par l'équipe référencement, qui clôt la réévaluation" in _text(page)
    assert "remis à la commission" not in _text(page)
    refused = client.post(url, {"conclusion": "favorable", "synthesis": "Bien."})
    assert refused.status_code == 400
    assert "1 exigence du domaine est sans avis" in _text(refused)
    client.post(
        _url("reevaluation-verdict", declaration, review.domain, requirement.code),
        {"verdict": "compliant"},
    )
    signed = client.post(url, {"conclusion": "favorable", "synthesis": "Bien."})
    assert signed.status_code == 302
    review.refresh_from_db()
    assert review.signed and review.conclusion == "favorable"
    assert client.get(url).status_code == 302  # already signed: back to the screen
    again = client.post(url, {"conclusion": "favorable", "synthesis": "Bien."})
    assert again.status_code == 403


def test_evidence_is_served_to_the_current_expert_only(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    answer = RevisionAnswer.objects.get(
        revision__dossier=declaration.dossier,
        revision__number=declaration.update_revision,
        requirement=requirement,
    )
    evidence = Evidence.objects.get(pk=answer.evidence_ids[0])
    # The dossier was built (module-wide) before this test's private storage: put its file back.
    assert evidence.file.storage.save(evidence.file.name, ContentFile(TINY_PDF)) == (
        evidence.file.name
    )
    url = _url("reevaluation-evidence", declaration, review.domain, evidence.pk)
    client.force_login(review.expert)
    download = client.get(url)
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    preview = _url("reevaluation-evidence-preview", declaration, review.domain, evidence.pk)
    assert client.get(preview).status_code == 200
    other = Evidence.objects.filter(dossier=declaration.dossier, requirement__domain="rgpd").first()
    bad = _url("reevaluation-evidence", declaration, review.domain, other.pk)
    assert client.get(bad).status_code == 404  # not an answer of this review
    client.force_login(cast.editor)
    assert client.get(url).status_code == 404


def test_replacement_and_the_new_experts_declaration(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    newcomer = expert(review.domain)
    url = _url("reevaluation-replace", declaration, review.domain)
    client.force_login(review.expert)
    assert client.get(url).status_code == 403
    client.force_login(cast.instructor)
    page = client.get(url)
    assert page.status_code == 200 and str(newcomer) in _text(page)
    refused = client.post(url, {"expert": newcomer.pk, "reason": ""})
    assert refused.status_code == 400
    assert "Indiquez le motif du remplacement." in _text(refused)
    done = client.post(url, {"expert": newcomer.pk, "reason": "Expert absent."})
    assert done.status_code == 302
    assert PartialReview.objects.get(pk=review.pk).expert == newcomer

    client.force_login(newcomer)
    screen = _url("reevaluation", declaration, review.domain)
    declare = _url("reevaluation-declare", declaration, review.domain)
    assert client.get(screen)["Location"] == declare
    assert client.get(_url("declaration-detail", declaration)).status_code == 404
    page = client.get(declare)
    assert page.status_code == 200
    assert declaration.dossier.service.name in _text(page)
    assert "Nouvelle IA." not in _text(page)  # nothing of the change before declaring
    assert client.post(declare, {"declaration": "conflict"}).status_code == 400
    assert client.post(declare, {"declaration": "none"})["Location"] == screen
    assert client.get(screen).status_code == 200
    client.force_login(review.expert)  # the previous expert
    assert client.get(screen).status_code == 404


def test_the_declaration_page_shows_each_domain_and_closes_once_all_signed(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    detail = _url("declaration-detail", declaration)
    client.force_login(cast.instructor)
    text = _text(client.get(detail))
    assert "Domaines à réévaluer" in text and str(review.expert) in text
    assert "pourra être close quand chaque domaine sera signé" in text
    assert 'name="outcome"' not in text
    review_signed(review)
    text = _text(client.get(detail))
    assert "Signée" in text and 'name="outcome"' in text

    close = _url("reevaluation-close", declaration)
    client.force_login(review.expert)
    with assert_nothing_changed(declaration.dossier, tables=TABLES):
        assert client.post(close, {"outcome": "rejected", "reason": "Non."}).status_code == 403
    client.force_login(cast.instructor)
    with assert_nothing_changed(declaration.dossier, tables=TABLES):
        missing = client.post(close, {"outcome": "rejected", "reason": ""})
        assert missing.status_code == 400
        confirm = client.post(close, {"outcome": "rejected", "reason": "Non conforme."})
    assert confirm.status_code == 200 and "Confirmer la clôture" in _text(confirm)
    done = client.post(close, {"outcome": "rejected", "reason": "Non conforme.", "confirmed": "on"})
    assert done.status_code == 302
    assert ChangeDeclaration.objects.get(pk=declaration.pk).state == ChangeState.REJECTED
    text = _text(client.get(detail))
    assert "Réévaluée : modification non conforme" in text
    suspend = reverse("applications:dossier-transition", args=[declaration.dossier_id, "suspend"])
    assert suspend not in text and "l'administration peut décider la suspension" in text
    client.force_login(cast.admin)
    assert suspend in _text(client.get(detail))

    client.force_login(cast.editor)
    text = _text(client.get(detail))
    assert "Non conforme." in text and "Réévaluée : modification non conforme" in text
    # the qualification still reads as it was made
    assert "<strong>Réévaluation partielle</strong> — le" in text
    assert "Favorable" not in text and "Vu et revu." not in text  # no conclusion, no synthesis
    assert suspend not in text


def test_the_home_panels(client, reevaluation):
    declaration, review, requirement, cast = reevaluation
    client.force_login(review.expert)
    home = _text(client.get("/"))
    assert "Réévaluations partielles" in home
    assert _url("reevaluation", declaration, review.domain) in home
    review_signed(review)
    client.force_login(cast.instructor)
    home = _text(client.get("/"))
    assert "Réévaluations à clore" in home
    assert f"Modification n° {declaration.pk}" in home
