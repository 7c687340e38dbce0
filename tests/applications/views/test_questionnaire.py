"""The questionnaire page lists each requirement collapsed with its state; opening one loads its
form (htmx fragment), or without JavaScript shows the page with that requirement open; both are
seen by exactly those who see the questionnaire."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain.dossiers import dossier_create
from applications.domain.questionnaire import answer_save
from applications.enums import DossierState
from applications.models import Answer, Evidence, Requirement
from applications.referential.loader import load_referential
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor, expert
from tests.factories.dossiers import (
    SMALL_REFERENTIAL,
    TINY_PDF,
    ServiceFactory,
    dossier_in_state,
    fill_questionnaire,
)

S = DossierState
pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _page_url(dossier, domain, **query):
    url = reverse("applications:questionnaire-domain", args=[dossier.pk, domain])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _requirement_url(dossier, code):
    return reverse("applications:requirement-detail", args=[dossier.pk, code])


def _details(html, code):
    """The requirement's <details> element, from its opening tag to its end."""
    match = re.search(rf'<details [^>]*id="exigence-{code}".*?</details>', html, re.S)
    assert match, f"no <details> for {code}"
    return match.group(0)


def _text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _save(dossier, code, person, status, justification=""):
    return answer_save(
        dossier=dossier,
        requirement=Requirement.objects.get(version=dossier.referential_version, code=code),
        actor=person,
        status=status,
        justification=justification,
        free_text="",
        expected_version=0,
    )


# --- The page: collapsed requirements and their state ------------------------------------------


def test_page_lists_requirements_collapsed_with_their_state_and_no_form(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    _save(dossier, "RGPD-FIN-01", cast.editor, "non_compliant")
    client.force_login(cast.editor)

    ethics = client.get(_page_url(dossier, "ethics")).content.decode()
    block = _details(ethics, "ETH-ACC-01")
    assert " open" not in block.split(">", 1)[0]
    assert '<summary id="resume-ETH-ACC-01">' in block
    assert "ETH-ACC-01 — Déclaration d&#x27;accessibilité" in block
    assert "Obligatoire" in _text(block) and "À répondre" in _text(block)
    # Nothing of the form until it is opened: its link loads it.
    assert 'name="justification"' not in ethics and "hx-post" not in ethics
    assert f'href="{_requirement_url(dossier, "ETH-ACC-01")}"' in block
    assert "Répondre à l'exigence ETH-ACC-01" in _text(block)
    assert "portal/questionnaire" in ethics and ".js" in ethics

    rgpd = _text(_details(client.get(_page_url(dossier, "rgpd")).content.decode(), "RGPD-FIN-01"))
    assert "Réponse : Non conforme" in rgpd and "Justification manquante" in rgpd

    doctrine = _text(client.get(_page_url(dossier, "doctrine")).content.decode())
    assert "Facultative" in doctrine and "Sans réponse" in doctrine


def test_page_counts_the_evidence_and_says_what_is_missing(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    _save(dossier, "ETH-ACC-01", cast.editor, "compliant")
    client.force_login(cast.editor)
    url = _page_url(dossier, "ethics")
    assert "Pièce justificative manquante" in _text(client.get(url).content.decode())

    upload = reverse("applications:evidence-upload", args=[dossier.pk, "ETH-ACC-01"])
    response = client.post(upload, {"file": SimpleUploadedFile("preuve.pdf", TINY_PDF)})
    # A full-page post comes back to the page with that requirement open.
    assert response.status_code == 302
    assert response["Location"] == (
        _page_url(dossier, "ethics", exigence="ETH-ACC-01") + "#exigence-ETH-ACC-01"
    )
    state = _text(_details(client.get(url).content.decode(), "ETH-ACC-01"))
    assert "1 pièce" in state and "Réponse : Conforme" in state
    assert "manquante" not in state


def test_read_only_page_invites_to_see_the_answer(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    html = client.get(_page_url(dossier, "ethics")).content.decode()
    assert "Voir la réponse à l'exigence ETH-ACC-01" in _text(html)
    assert "Répondre à" not in _text(html)


# --- Opening one requirement: the fragment (htmx) and the page without JavaScript --------------


def test_fragment_holds_the_autosaved_form_and_the_evidence(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    _save(dossier, "ETH-ACC-01", cast.editor, "not_applicable", "Pas d'interface.")
    client.force_login(cast.editor)

    response = client.get(_requirement_url(dossier, "ETH-ACC-01"), **HX)

    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert "<html" not in html and "<details" not in html
    assert "Une déclaration d&#x27;accessibilité est publiée." in html
    answer_url = reverse("applications:answer-update", args=[dossier.pk, "ETH-ACC-01"])
    assert f'hx-post="{answer_url}"' in html
    assert 'hx-trigger="change, input changed delay:1s from:find textarea"' in html
    assert 'name="version" value="1"' in html and "csrfmiddlewaretoken" in html
    assert 'id="justification-ETH-ACC-01"' in html and "Pas d&#x27;interface." in html
    assert 'id="fichier-ETH-ACC-01"' in html and 'id="pieces-ETH-ACC-01"' in html
    assert re.search(r'id="statut-ETH-ACC-01-not_applicable" [^>]*checked', html)


def test_fragment_of_a_filed_dossier_is_read_only(client):
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.instructor)
    html = client.get(_requirement_url(dossier, "ETH-ACC-01"), **HX).content.decode()
    assert "<form" not in html
    assert "Conforme" in html and "preuve.pdf" in html


def test_without_javascript_the_link_opens_the_page_with_that_requirement(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)

    response = client.get(_requirement_url(dossier, "ETH-ACC-01"))

    assert response.status_code == 302
    target = _page_url(dossier, "ethics", exigence="ETH-ACC-01") + "#exigence-ETH-ACC-01"
    assert response["Location"] == target
    html = client.get(target.split("#")[0]).content.decode()
    block = _details(html, "ETH-ACC-01")
    assert block.startswith('<details class="portal-requirement" id="exigence-ETH-ACC-01" open>')
    assert 'id="justification-ETH-ACC-01"' in block and 'id="fichier-ETH-ACC-01"' in block
    assert "portal-requirement__load" not in block
    # The other requirements of the page stay collapsed.
    assert html.count("<details") == html.count("portal-requirement__load") + 1


def test_unknown_requirement_code_opens_nothing(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    page = client.get(_page_url(dossier, "ethics", exigence="RGPD-FIN-01"))
    assert page.status_code == 200 and " open>" not in page.content.decode()
    assert client.get(_requirement_url(dossier, "NOPE-01"), **HX).status_code == 404
    assert client.get(_requirement_url(dossier, "NOPE-01")).status_code == 404


def test_requirement_of_another_referential_version_is_not_found(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    load_referential(Path(settings.BASE_DIR) / "referential" / "2022.yaml")
    other = Requirement.objects.exclude(version=dossier.referential_version).first()
    client.force_login(cast.editor)
    assert client.get(_requirement_url(dossier, other.code), **HX).status_code == 404


# --- Who sees it: exactly those who see the page ------------------------------------------------


def _outsider(dossier, cast):
    return editor(OrganisationFactory())


def _cleared_expert(dossier, cast):
    return cast.experts["ethics"]


def _instructor(dossier, cast):
    return cast.instructor


def _other_domain_expert(dossier, cast):
    return expert("rgpd")


def _ministry(dossier, cast):
    return cast.ministry


@pytest.mark.parametrize(
    ("state", "who"),
    [
        (S.DRAFT, _outsider),
        (S.DRAFT, _instructor),  # drafts are the editor's alone
        (S.DRAFT, _ministry),
        (S.SUBMITTED, _outsider),
        (S.SUBMITTED, _other_domain_expert),
        (S.UNDER_EVALUATION, _cleared_expert),  # experts see the evaluation screen, not this
    ],
)
def test_who_may_not_see_the_page_gets_404_for_the_requirement_too(client, state, who):
    dossier, cast = dossier_in_state(state, filled=state != S.DRAFT)
    person = who(dossier, cast)
    client.force_login(person)
    assert client.get(_page_url(dossier, "ethics")).status_code == 404
    assert client.get(_requirement_url(dossier, "ETH-ACC-01"), **HX).status_code == 404
    assert client.get(_requirement_url(dossier, "ETH-ACC-01")).status_code == 404


@pytest.mark.parametrize(
    ("state", "who"),
    [(S.DRAFT, None), (S.SUBMITTED, None), (S.SUBMITTED, _instructor)],
)
def test_who_may_see_the_page_gets_the_requirement(client, state, who):
    dossier, cast = dossier_in_state(state, filled=state != S.DRAFT)
    client.force_login(who(dossier, cast) if who else cast.editor)
    assert client.get(_page_url(dossier, "ethics")).status_code == 200
    assert client.get(_requirement_url(dossier, "ETH-ACC-01"), **HX).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    dossier, _cast = dossier_in_state(S.DRAFT, filled=False)
    for url in (_page_url(dossier, "ethics"), _requirement_url(dossier, "ETH-ACC-01")):
        response = client.get(url, **HX)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_filed_answers_stay_unchanged_whatever_the_fragment_shows(client):
    """The fragment is read-only for a filed dossier; posting its answer anyway is refused."""
    dossier, cast = dossier_in_state(S.SUBMITTED)
    client.force_login(cast.editor)
    assert "<form" not in client.get(_requirement_url(dossier, "ETH-ACC-01"), **HX).content.decode()
    url = reverse("applications:answer-update", args=[dossier.pk, "ETH-ACC-01"])
    data = {"status": "non_compliant", "justification": "x", "free_text": "", "version": 1}
    with assert_nothing_changed(dossier, tables=(Answer,)):
        assert client.post(url, data, **HX).status_code == 403


# --- Autosave on an opened requirement ----------------------------------------------------------


def test_autosave_updates_the_collapsed_state_out_of_band(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    url = reverse("applications:answer-update", args=[dossier.pk, "ETH-ACC-01"])
    data = {"status": "non_compliant", "justification": "", "free_text": "", "version": 0}

    html = client.post(url, data, **HX).content.decode()

    state = re.search(r'<span class="portal-requirement__state" id="bilan-ETH-ACC-01"[^>]*>', html)
    assert state and 'hx-swap-oob="true"' in state.group(0)
    assert "Réponse : Non conforme" in _text(html) and "Justification manquante" in _text(html)
    # The fields being typed in are not sent back: only the version, the gaps, the state.
    assert 'name="justification"' not in html
    assert 'id="version-ETH-ACC-01" hx-swap-oob="true"' in html


def test_refused_upload_shows_the_page_with_that_requirement_open_and_the_error(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    url = reverse("applications:evidence-upload", args=[dossier.pk, "ETH-ACC-01"])
    with assert_nothing_changed(dossier, tables=(Evidence,)):
        response = client.post(url, {"file": SimpleUploadedFile("vide.pdf", b"")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Erreur : " in html
    block = _details(html, "ETH-ACC-01")
    assert " open>" in block.split("<summary", 1)[0]
    assert 'id="fichier-ETH-ACC-01-erreur"' in block
    assert 'href="#fichier-ETH-ACC-01"' in html


def test_completeness_links_open_the_requirement_with_or_without_javascript(client):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    html = client.get(reverse("applications:dossier-completeness", args=[dossier.pk]))
    link = _page_url(dossier, "ethics", exigence="ETH-ACC-01") + "#exigence-ETH-ACC-01"
    assert f'href="{link}"' in html.content.decode()


# --- Queries: constant in the number of requirements --------------------------------------------


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def _large_dossier(organisation, person):
    load_referential(Path(settings.BASE_DIR) / "referential" / "2022.yaml")
    load_referential(Path(settings.BASE_DIR) / "referential" / "2023.yaml")
    large = dossier_create(actor=person, service=ServiceFactory(organisation=organisation))
    assert large.referential_version.code == "2023"
    return fill_questionnaire(large, person)


def test_page_and_fragment_queries_do_not_grow_with_the_requirements(client):
    small, cast = dossier_in_state(S.DRAFT)  # one requirement on its ethics page
    large = _large_dossier(small.service.organisation, cast.editor)
    ethics = Requirement.objects.filter(version=large.referential_version, domain="ethics")
    assert ethics.count() > 40
    client.force_login(cast.editor)

    first = [_queries(client, _page_url(d, "ethics")) for d in (small, large)]
    again = [_queries(client, _page_url(d, "ethics")) for d in (small, large)]
    opened = [
        _queries(client, _page_url(d, "ethics", exigence="ETH-ACC-01")) for d in (small, large)
    ]
    fragment = [_queries(client, _requirement_url(d, "ETH-ACC-01"), **HX) for d in (small, large)]

    assert first[0] == first[1] <= 12
    # What applies is read once per referential version (and facts): not again.
    assert again[0] == again[1] < first[0]
    # The open requirement: its answer, its files and the library's other documents.
    assert opened[0] == opened[1] == again[0] + 3
    assert fragment[0] == fragment[1] <= 10


def test_reloaded_referential_or_new_facts_are_read_afresh(client, tmp_path):
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    client.force_login(cast.editor)
    url = _page_url(dossier, "doctrine")
    assert "DOC-HDS-01" not in client.get(url).content.decode()  # applies to health data only

    dossier.service.orientation.stores_health_data = True
    dossier.service.orientation.save()
    assert "DOC-HDS-01" in client.get(url).content.decode()

    changed = SMALL_REFERENTIAL.read_text().replace(
        '"Plan de réversibilité"', '"Plan de réversibilité et de sortie"'
    )
    path = tmp_path / "referential-small.yaml"
    path.write_text(changed)
    assert load_referential(path).outcome == "updated"
    assert "Plan de réversibilité et de sortie" in client.get(url).content.decode()


# --- During complements: the questions shown, the other requirements locked --------------------


def _complements(*codes):
    """A dossier whose evaluation asked a question on each of `codes` (the instructor's)."""
    from reviews.domain.complements import complements_request

    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    version = dossier.referential_version
    dossier = complements_request(
        dossier=dossier,
        actor=cast.instructor,
        items=[
            (Requirement.objects.get(version=version, code=code), f"Question sur {code} ?")
            for code in codes
        ],
    )
    assert dossier.state == S.COMPLEMENTS_REQUESTED
    return dossier, cast


def test_during_complements_the_page_lists_the_questions_and_locks_the_others(client):
    dossier, cast = _complements("ETH-ACC-01", "RGPD-FIN-01")
    client.force_login(cast.editor)

    html = client.get(_page_url(dossier, "ethics")).content.decode()

    # At the top, every question of the request, the other domains' included, with its link.
    top = re.search(r'<div class="fr-callout[^"]*" id="complements-demandes">.*?</div>', html, re.S)
    top = _text(top.group(0))
    assert "Compléments demandés : 2 exigences à compléter" in top
    assert "ETH-ACC-01 — Déclaration d'accessibilité : Question sur ETH-ACC-01 ?" in top
    assert "RGPD-FIN-01 — Registre des traitements : Question sur RGPD-FIN-01 ?" in top
    link = _page_url(dossier, "rgpd", exigence="RGPD-FIN-01") + "#exigence-RGPD-FIN-01"
    assert f'href="{link}"' in html
    assert "Seules les exigences visées par la demande de compléments" in _text(html)
    # Next to the requirement asked about: its question, seen collapsed, and its form offered.
    asked = _text(_details(html, "ETH-ACC-01"))
    assert "À compléter" in asked and "Question posée : Question sur ETH-ACC-01 ?" in asked
    assert "Répondre à l'exigence ETH-ACC-01" in asked
    # The side menu counts what is asked in each domain.
    assert "1 exigence à compléter" in _text(html)

    doctrine = client.get(_page_url(dossier, "doctrine")).content.decode()
    locked = _text(_details(doctrine, "DOC-HDS-02"))
    assert "Verrouillée" in locked and "Question posée" not in locked
    assert "Voir la réponse à l'exigence DOC-HDS-02" in locked


def test_a_locked_requirement_opens_read_only_with_the_reason(client):
    dossier, cast = _complements("ETH-ACC-01")
    client.force_login(cast.editor)

    locked = client.get(_requirement_url(dossier, "RGPD-FIN-01"), **HX).content.decode()
    assert "<form" not in locked and 'name="justification"' not in locked
    assert "Verrouillée : la demande de compléments ne porte pas sur cette exigence." in _text(
        locked
    )
    opened = client.get(_page_url(dossier, "rgpd", exigence="RGPD-FIN-01")).content.decode()
    assert "<form" not in _details(opened, "RGPD-FIN-01")

    asked = client.get(_requirement_url(dossier, "ETH-ACC-01"), **HX).content.decode()
    assert 'id="justification-ETH-ACC-01"' in asked and 'id="fichier-ETH-ACC-01"' in asked
    assert "Verrouillée" not in asked

    url = reverse("applications:answer-update", args=[dossier.pk, "RGPD-FIN-01"])
    data = {"status": "non_compliant", "justification": "x", "free_text": "", "version": 1}
    with assert_nothing_changed(dossier, tables=(Answer,)):
        assert client.post(url, data, **HX).status_code == 403


def test_others_see_the_questions_but_nothing_locked_for_them(client):
    dossier, cast = _complements("ETH-ACC-01")
    client.force_login(cast.instructor)
    html = client.get(_page_url(dossier, "rgpd")).content.decode()
    assert "Compléments demandés : 1 exigence à compléter" in _text(html)
    assert "Verrouillée" not in html
    assert "transmettez-les depuis la page du dossier" not in _text(html)
    assert "Voir la réponse à l'exigence RGPD-FIN-01" in _text(html)


def test_complements_page_reads_one_query_more_and_no_more_per_question(client):
    one, cast = _complements("ETH-ACC-01")
    client.force_login(cast.editor)
    _queries(client, _page_url(one, "ethics"))  # the applicability, read once per process
    asked_once = _queries(client, _page_url(one, "ethics"))
    two, cast_two = _complements("ETH-ACC-01", "RGPD-FIN-01")
    client.force_login(cast_two.editor)
    _queries(client, _page_url(two, "ethics"))
    assert _queries(client, _page_url(two, "ethics")) == asked_once
    fragment = _queries(client, _requirement_url(two, "ETH-ACC-01"), **HX)
    assert fragment <= 11
