"""The pages of the public's reports (catalogue/views/reports.py): the public form — never
cached, a honeypot that stores nothing, 400 with French errors, 429 beyond the day's limits with
the trusted proxies' address — and the triage: the list (what to do first, a filter, pages at a
constant number of queries), the report's page, each move behind its confirmation, 404 for a
report one may not see, 403 for a move one may not make; the editor's answer; the control's
page, its findings and its conclusion."""

import html
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalogue.domain import reports
from catalogue.enums import ControlState, ReportState
from catalogue.models import Control, ControlFinding, Report
from portal.notifications.models import OutboxMessage
from tests.assertions import assert_nothing_changed
from tests.catalogue.helpers import published
from tests.catalogue.report_tools import DESCRIPTION, T0, in_paris, report_on
from tests.factories import staff_user
from tests.factories.people import editor

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 20)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        dossier, cast, listing = published()
        yield dossier, cast, listing
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db):
    with time_machine.travel(in_paris(DAY), tick=False):
        yield _built


def _text(response) -> str:
    """The page's HTML with its character references decoded (« l'éditeur », not &#x27;)."""
    return html.unescape(response.content.decode())


def _form(slug):
    return f"/catalogue/services/{slug}/signaler/"


def _post(client, listing, *, address="203.0.113.5", **data):
    values = {"category": "security", "description": DESCRIPTION, "email": "", **data}
    return client.post(_form(listing.slug), values, REMOTE_ADDR=address)


# -- the public form ------------------------------------------------------------------------------


def test_the_detail_page_is_cached_the_form_never(client, service):
    dossier, cast, listing = service
    detail = client.get(f"/catalogue/services/{listing.slug}/")
    assert detail["X-Public-Cache"] == "1"
    assert f'href="{_form(listing.slug)}"' in _text(detail)

    response = client.get(_form(listing.slug))
    assert response.status_code == 200
    assert "X-Public-Cache" not in response
    assert "no-store" in response["Cache-Control"]
    body = _text(response)
    assert "Signaler un problème sur « " in body
    for label in ("Contenu trompeur", "Sécurité", "Données personnelles", "Accessibilité"):
        assert label in body
    # The honeypot: out of sight, out of the tab order, out of assistive technologies.
    assert '<div class="fr-sr-only" aria-hidden="true">' in body
    assert 'name="site_web"' in body and 'tabindex="-1"' in body and 'autocomplete="off"' in body


def test_a_report_is_stored_and_the_public_told_what_follows(client, service):
    dossier, cast, listing = service
    response = _post(client, listing, email="personne@exemple.fr", category="accessibility")
    assert response.status_code == 302
    assert response["Location"] == f"/catalogue/services/{listing.slug}/signaler/envoye/"
    report = Report.objects.get()
    assert (report.category, report.email, report.state) == (
        "accessibility",
        "personne@exemple.fr",
        ReportState.NEW,
    )
    assert report.address_hash == reports.address_hash("203.0.113.5", DAY)
    page = client.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "L'équipe référencement examine votre signalement." in _text(page)
    assert "30 jours pour répondre" in _text(page)


def test_a_filled_honeypot_gets_the_same_answer_and_stores_nothing(client, service):
    dossier, cast, listing = service
    with assert_nothing_changed(tables=(Report,)):
        response = _post(client, listing, site_web="https://spam.example/")
    assert response.status_code == 302
    assert response["Location"] == f"/catalogue/services/{listing.slug}/signaler/envoye/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": ""}, "Décrivez le problème constaté."),
        ({"description": "Trop court."}, "au moins 20 caractères"),
        ({"category": ""}, "Choisissez le type de problème."),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide."),
    ],
)
def test_an_incomplete_report_is_a_400_in_french(client, service, data, message):
    dossier, cast, listing = service
    with assert_nothing_changed(tables=(Report,)):
        response = _post(client, listing, **data)
    assert response.status_code == 400
    body = _text(response)
    assert message in body
    assert "Le formulaire contient des erreurs" in body


def test_beyond_the_limit_per_address_a_429_in_french(client, service, settings):
    dossier, cast, listing = service
    settings.REPORTS_PER_IP_PER_DAY = 2
    assert _post(client, listing).status_code == 302
    assert _post(client, listing).status_code == 302
    with assert_nothing_changed(tables=(Report,)):
        refused = _post(client, listing)
    assert refused.status_code == 429
    assert "nombre maximal de signalements pour aujourd'hui" in _text(refused)
    assert _post(client, listing, address="203.0.113.6").status_code == 302
    with time_machine.travel(in_paris(DAY + timedelta(days=1)), tick=False):
        assert _post(client, listing).status_code == 302


def test_behind_the_trusted_proxy_the_client_is_the_forwarded_address(client, service, settings):
    dossier, cast, listing = service
    settings.REPORTS_PER_IP_PER_DAY = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.2"

    def post(forwarded):
        return client.post(
            _form(listing.slug),
            {"category": "other", "description": DESCRIPTION},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert post("198.51.100.10").status_code == 302
    assert post("198.51.100.11").status_code == 302  # another person behind the same proxy
    assert post("6.6.6.6, 198.51.100.10").status_code == 429  # the proxy's own entry counts


def test_beyond_the_limit_per_service_a_429(client, service, settings):
    dossier, cast, listing = service
    settings.REPORTS_PER_SERVICE_PER_DAY = 2
    for n in range(2):
        assert _post(client, listing, address=f"203.0.113.{n}").status_code == 302
    refused = _post(client, listing, address="203.0.113.99")
    assert refused.status_code == 429
    assert "Ce service a déjà reçu de nombreux signalements" in _text(refused)


def test_an_unlisted_service_has_no_form(client, service):
    assert client.get(_form("inconnu")).status_code == 404
    assert client.post(_form("inconnu"), {}).status_code == 404


# -- the triage -----------------------------------------------------------------------------------


def _reports(listing, cast, n):
    made = [report_on(listing, address=f"198.51.100.{i}") for i in range(n)]
    return made


def test_the_list_puts_what_to_do_first_and_filters_by_state(client, service):
    dossier, cast, listing = service
    done = reports.report_mark_unfounded(
        report=report_on(listing, address="1.1.1.1"), actor=cast.instructor, reason="Non."
    )
    with time_machine.travel(in_paris(DAY) + timedelta(hours=1), tick=False):
        fresh = report_on(listing, address="1.1.1.2")
    answered = reports.report_send_to_editor(
        report=report_on(listing, address="1.1.1.3"), actor=cast.instructor, question="?"
    )
    answered = reports.report_answer(report=answered, actor=cast.editor, answer="Voilà.")
    client.force_login(cast.instructor)

    response = client.get("/catalogue/signalements/")
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].object_list] == [fresh.pk, answered.pk, done.pk]
    assert "3 signalements" in _text(response)
    filtered = client.get("/catalogue/signalements/?etat=unfounded")
    assert [r.pk for r in filtered.context["page"].object_list] == [done.pk]
    assert client.get("/catalogue/signalements/?etat=inconnu").status_code == 200


def test_the_list_costs_the_same_queries_for_one_report_or_three(client, service):
    dossier, cast, listing = service
    client.force_login(cast.instructor)
    _reports(listing, cast, 1)
    client.get("/catalogue/signalements/")
    with CaptureQueriesContext(connection) as one:
        client.get("/catalogue/signalements/")
    _reports(listing, cast, 2)
    with CaptureQueriesContext(connection) as three:
        response = client.get("/catalogue/signalements/")
    assert len(response.context["page"].object_list) == 3
    assert len(three) == len(one)


def test_an_editor_sees_only_the_reports_sent_to_its_organisation(client, service):
    dossier, cast, listing = service
    kept = report_on(listing, address="1.1.1.1")
    sent = reports.report_send_to_editor(
        report=report_on(listing, address="1.1.1.2", email="personne@exemple.fr"),
        actor=cast.instructor,
        question="Expliquez.",
    )
    client.force_login(cast.editor)
    listed = client.get("/catalogue/signalements/").context["page"].object_list
    assert [r.pk for r in listed] == [sent.pk]
    assert client.get(f"/catalogue/signalements/{kept.pk}/").status_code == 404
    page = client.get(f"/catalogue/signalements/{sent.pk}/")
    assert page.status_code == 200
    body = _text(page)
    assert "Expliquez." in body and "personne@exemple.fr" not in body
    assert f'href="/catalogue/signalements/{sent.pk}/repondre/"' in body

    outsider = editor()
    client.force_login(outsider)
    assert client.get(f"/catalogue/signalements/{sent.pk}/").status_code == 404
    assert list(client.get("/catalogue/signalements/").context["page"].object_list) == []
    client.force_login(staff_user("expert"))
    assert client.get("/catalogue/signalements/").status_code == 403
    assert client.get(f"/catalogue/signalements/{sent.pk}/").status_code == 404
    client.logout()
    assert client.get("/catalogue/signalements/").status_code == 302


def test_the_instructor_confirms_then_sends_to_the_editor(client, service):
    dossier, cast, listing = service
    report = report_on(listing, email="personne@exemple.fr")
    client.force_login(cast.instructor)
    page = _text(client.get(f"/catalogue/signalements/{report.pk}/"))
    assert "personne@exemple.fr" in page  # the team may write back
    url = f"/catalogue/signalements/{report.pk}/transmettre/"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Confirmer : Transmettre le signalement à l'éditeur" in _text(confirm)
    assert Report.objects.get(pk=report.pk).state == ReportState.NEW  # not before the POST

    with assert_nothing_changed(rows=(report,)):
        assert client.post(url, {"question": ""}).status_code == 400
    response = client.post(url, {"question": "Quelles sources ?"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.AWAITING_EDITOR
    assert report.answer_due_on == DAY + timedelta(days=30)
    asked = OutboxMessage.objects.filter(to=cast.editor.email, subject__startswith="Signalement")
    assert asked.count() == 1
    # The same move again: the state no longer offers it.
    assert client.post(url, {"question": "Encore ?"}).status_code == 409


@pytest.mark.parametrize("who", ["ministry", "admin", "editor"])
def test_only_the_instruction_team_triages(client, service, who):
    dossier, cast, listing = service
    report = reports.report_send_to_editor(
        report=report_on(listing), actor=cast.instructor, question="?"
    )
    client.force_login(getattr(cast, who))
    for action, data in (
        ("non-fonde", {"reason": "Non."}),
        ("controle", {}),
    ):
        with assert_nothing_changed(rows=(report,), tables=(Control,)):
            assert (
                client.post(f"/catalogue/signalements/{report.pk}/{action}/", data).status_code
                == 403
            )


def test_the_editor_answers_after_a_confirmation_and_the_instructor_is_told(client, service):
    dossier, cast, listing = service
    report = reports.report_send_to_editor(
        report=report_on(listing), actor=cast.instructor, question="Précisez."
    )
    url = f"/catalogue/signalements/{report.pk}/repondre/"
    client.force_login(cast.instructor)
    assert client.post(url, {"answer": "Moi ?"}).status_code == 403

    client.force_login(cast.editor)
    confirm = _text(client.get(url))
    assert "Une fois envoyée, la réponse ne peut plus être modifiée." in confirm
    assert client.post(url, {"answer": "Les sources sont en ligne."}).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.editor_answer) == (
        ReportState.ANSWERED,
        "Les sources sont en ligne.",
    )
    answered = OutboxMessage.objects.filter(subject__contains="l'éditeur a répondu")
    assert list(answered.values_list("to", flat=True)) == [cast.instructor.email]
    assert client.post(url, {"answer": "Encore."}).status_code == 409  # no longer awaited


def test_an_overdue_answer_shows_in_the_list(client, service, settings):
    dossier, cast, listing = service
    settings.REPORT_ANSWER_DAYS = 5
    reports.report_send_to_editor(report=report_on(listing), actor=cast.instructor, question="?")
    client.force_login(cast.instructor)
    assert "Réponse en retard" not in _text(client.get("/catalogue/signalements/"))
    with time_machine.travel(in_paris(DAY + timedelta(days=6)), tick=False):
        client.force_login(cast.instructor)
        assert "Réponse en retard" in _text(client.get("/catalogue/signalements/"))


# -- controls -------------------------------------------------------------------------------------


def test_a_control_is_opened_filled_in_and_concluded(client, service):
    dossier, cast, listing = service
    report = report_on(listing)
    client.force_login(cast.instructor)
    url = f"/catalogue/signalements/{report.pk}/controle/"
    assert "Confirmer : Ouvrir un contrôle" in _text(client.get(url))
    response = client.post(url, {})
    control = Control.objects.get(report=report)
    assert response["Location"] == f"/catalogue/controles/{control.pk}/"

    page = client.get(response["Location"])
    assert page.status_code == 200
    form = page.context["form"]
    requirement_id = form.fields["requirement"].choices[1][0]
    finding = f"/catalogue/controles/{control.pk}/constat/"
    assert client.post(finding, {"requirement": requirement_id, "text": "x"}).status_code == 400
    assert (
        client.post(
            finding, {"requirement": 999999, "verdict": "compliant", "text": "x"}
        ).status_code
        == 400
    )
    ok = {"requirement": requirement_id, "verdict": "non_compliant", "text": "Aucune source."}
    assert client.post(finding, ok).status_code == 302
    assert ControlFinding.objects.filter(control=control).count() == 1

    conclude = f"/catalogue/controles/{control.pk}/conclure/"
    assert "Cette action est irréversible" in _text(client.get(conclude))
    done = client.post(conclude, {"conclusion": "Manquement.", "proposes_suspension": "on"})
    assert done.status_code == 302
    control.refresh_from_db()
    assert control.state == ControlState.CONCLUDED and control.proposes_suspension
    assert client.post(finding, ok).status_code == 409
    shown = _text(client.get(f"/catalogue/controles/{control.pk}/"))
    assert "Suspension proposée" in shown and "Manquement." in shown

    client.force_login(cast.ministry)
    assert client.get(f"/catalogue/controles/{control.pk}/").status_code == 200
    assert client.post(finding, ok).status_code == 403
    client.force_login(cast.editor)
    assert client.get(f"/catalogue/controles/{control.pk}/").status_code == 404
