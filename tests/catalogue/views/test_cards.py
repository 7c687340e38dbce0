"""The card pages: the editor's page of a service's card (form, preview, submission) and the
administration's review (queue, review page, approval, request for changes). Each view has its
happy path and its forbidden paths, which assert that nothing was written."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.domain.dossier_page import dossier_page
from applications.enums import DossierState
from catalogue.domain import cards
from catalogue.enums import CardState
from catalogue.models import Card, Logo
from portal.notifications.models import OutboxMessage
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, ServiceFactory, editor, staff_user
from tests.factories.catalogue import card_data, card_in_state, image_bytes, referenced_service

pytestmark = pytest.mark.django_db

S = DossierState
C = CardState


def _url(name, *args):
    return reverse(f"catalogue:{name}", args=args)


def _text(response) -> str:
    """The page as text: whitespace collapsed, entities (&#x27;…) read."""
    return " ".join(html.unescape(response.content.decode()).split())


def _form_post(service, **changes) -> dict:
    """What the editor's browser posts for a complete card."""
    data = card_data(service)
    links = {item["platform"]: item["url"] for item in data.pop("platforms")}
    post = {
        **{k: v for k, v in data.items() if v not in ([], "")},
        "web_url": links.get("web", ""),
        "ios_url": links.get("ios", ""),
        "android_url": links.get("android", ""),
    }
    post.update(changes)
    return {k: v for k, v in post.items() if v is not None}


@pytest.fixture
def draft():
    service, cast = referenced_service(requests_data_exchange=True)
    return cards.card_open(service=service, actor=cast.editor), service, cast


# -- the editor's page -----------------------------------------------------------------------------


def test_service_page_offers_to_write_the_card_then_opens_a_prefilled_draft(client):
    service, cast = referenced_service()
    client.force_login(cast.editor)

    page = client.get(_url("card-service", service.pk))
    assert page.status_code == 200
    assert "Rédiger la fiche" in _text(page)

    response = client.post(_url("card-open", service.pk))
    assert response.status_code == 302
    card = Card.objects.get(service=service)
    assert (card.state, card.name) == (C.DRAFT, service.name)

    page = _text(client.get(_url("card-service", service.pk)))
    assert "Brouillon" in page
    assert "Enregistrer la fiche" in page
    assert f'hx-post="{_url("card-preview", card.pk)}"' in page
    assert "fr-card" in page and f"Par {service.organisation.name}" in page
    assert "À compléter avant de soumettre" in page


def test_service_page_before_referencing_says_why(client):
    service, cast = referenced_service(state=S.UNDER_EVALUATION)
    client.force_login(cast.editor)
    page = _text(client.get(_url("card-service", service.pk)))
    assert "se propose une fois le service référencé" in page
    with assert_nothing_changed(tables=(Card,)):
        response = client.post(_url("card-open", service.pk))
    assert response.status_code == 409
    assert "est à l'état « En évaluation »" in _text(response)


def test_card_update_saves_the_form_and_the_logo(client, draft):
    card, service, cast = draft
    client.force_login(cast.editor)
    post = _form_post(service)
    post["logo"] = SimpleUploadedFile("logo.jpg", image_bytes("PNG"), "image/jpeg")

    response = client.post(_url("card-update", card.pk), post)

    assert response.status_code == 302
    assert response.url == _url("card-service", service.pk)
    card.refresh_from_db()
    assert card.short_description == card_data(service)["short_description"]
    assert card.platforms == card_data(service)["platforms"]
    assert card.data_exchange == ["measures"]
    assert card.logo.content_type == "image/png"
    page = client.get(_url("card-service", service.pk)).content.decode()
    assert _url("logo", card.logo_id, "png") in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ios_url": "http://apps.apple.com/fr/app/x/id1"}, "https://apps.apple.com/"),
        ({"ios_url": "https://play.google.com/store/apps/x"}, "https://apps.apple.com/"),
        ({"android_url": "https://play.google.com.evil.fr/x"}, "https://play.google.com/"),
        ({"web_url": "http://service.example.fr/"}, "Le site doit être servi en HTTPS"),
        ({"short_description": "x" * 101}, "au plus 100 caractères"),
        ({"data_exchange": "agenda"}, "le dossier du service n'a pas demandé cet échange"),
        ({"regions": ["FR", "BRE"]}, "« Toute la France » ne se combine pas"),
        (
            {"accessibility": "full", "accessibility_url": None},
            "Indiquez l'adresse de la déclaration d'accessibilité",
        ),
    ],
)
def test_card_update_with_invalid_data_shows_french_errors_and_saves_nothing(
    client, draft, changes, message
):
    card, service, cast = draft
    client.force_login(cast.editor)
    with assert_nothing_changed(rows=(card,), tables=(Card.history.all(),)):
        response = client.post(_url("card-update", card.pk), _form_post(service, **changes))
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    assert "Le formulaire contient des erreurs" in page


def test_card_update_refuses_an_svg_logo_inline(client, draft):
    card, service, cast = draft
    client.force_login(cast.editor)
    post = _form_post(service)
    post["logo"] = SimpleUploadedFile("logo.png", b"<svg><script>alert(1)</script></svg>")
    with assert_nothing_changed(rows=(card,), tables=(Logo,)):
        response = client.post(_url("card-update", card.pk), post)
    assert response.status_code == 400
    assert "est une image SVG" in _text(response)


def test_card_preview_renders_the_typed_card_without_saving(client, draft):
    card, service, cast = draft
    client.force_login(cast.editor)
    post = _form_post(service, name="Nom en cours", short_description="Ce que je tape.")
    with assert_nothing_changed(rows=(card,)):
        response = client.post(_url("card-preview", card.pk), post, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = _text(response)
    assert fragment.startswith('<div id="apercu-fiche"> <div class="fr-card')
    assert "Nom en cours" in fragment and "Ce que je tape." in fragment
    assert "Application iOS" in fragment and "Gratuit" in fragment
    assert "Échange de données avec Mon espace santé" in fragment


def test_card_submit_asks_for_confirmation_then_submits(client, draft):
    card, service, cast = draft
    cards.card_update(card=card, actor=cast.editor, data=card_data(service))
    client.force_login(cast.editor)

    confirm = client.get(_url("card-submit", card.pk))
    assert confirm.status_code == 200
    assert "Confirmer : Soumettre la fiche à la relecture" in _text(confirm)
    assert Card.objects.get(pk=card.pk).state == C.DRAFT

    response = client.post(_url("card-submit", card.pk))
    assert response.status_code == 302
    assert Card.objects.get(pk=card.pk).state == C.IN_REVIEW
    assert OutboxMessage.objects.filter(to=cast.admin.email, subject__contains="à relire").exists()
    page = _text(client.get(_url("card-service", service.pk)))
    assert "en cours de relecture" in page
    assert "Enregistrer la fiche" not in page


def test_card_submit_of_an_incomplete_card_names_what_is_missing(client, draft):
    card, _service, cast = draft
    client.force_login(cast.editor)
    with assert_nothing_changed(rows=(card,), tables=(OutboxMessage,)):
        response = client.post(_url("card-submit", card.pk))
    assert response.status_code == 400
    assert "Complétez la fiche avant de la soumettre" in _text(response)


def test_editor_sees_the_review_comment_and_the_history(client):
    card, service, cast = card_in_state(C.CHANGES_REQUESTED, comment="Ajoutez le lien Android.")
    client.force_login(cast.editor)
    page = _text(client.get(_url("card-service", service.pk)))
    assert "Modifications demandées par l’administration" in page
    assert "Ajoutez le lien Android." in page
    assert "Versions de la fiche" in page
    assert "Version 1 : En cours de relecture" in page
    assert "Version 1 : Modifications demandées" in page


# -- who may do what -------------------------------------------------------------------------------


def test_another_organisation_gets_404_everywhere(client):
    card, service, _cast = card_in_state(C.IN_REVIEW)
    client.force_login(editor(OrganisationFactory()))
    with assert_nothing_changed(rows=(card,), tables=(Card,)):
        assert client.get(_url("card-service", service.pk)).status_code == 404
        assert client.post(_url("card-open", service.pk)).status_code == 404
        assert client.post(_url("card-update", card.pk), {"name": "X"}).status_code == 404
        assert client.post(_url("card-preview", card.pk), {"name": "X"}).status_code == 404
        assert client.post(_url("card-submit", card.pk)).status_code == 404
        assert client.get(_url("card-review", card.pk)).status_code == 404
        assert client.post(_url("card-approve", card.pk)).status_code == 404


@pytest.mark.parametrize("name", ["card-approve", "card-request-changes", "card-review"])
def test_editor_cannot_review_their_own_card(client, name):
    card, _service, cast = card_in_state(C.IN_REVIEW)
    client.force_login(cast.editor)
    with assert_nothing_changed(rows=(card,), tables=(OutboxMessage,)):
        assert client.post(_url(name, card.pk), {"comment": "Bien."}).status_code in (403, 405)
        assert client.get(_url(name, card.pk)).status_code == 403
    assert client.get(_url("card-review-queue")).status_code == 403


def test_admin_cannot_edit_an_editors_card(client, draft):
    card, service, cast = draft
    client.force_login(cast.admin)
    with assert_nothing_changed(rows=(card,)):
        assert client.post(_url("card-update", card.pk), _form_post(service)).status_code == 403
        assert client.post(_url("card-open", service.pk)).status_code == 403
        assert client.post(_url("card-submit", card.pk)).status_code == 403


def test_admin_needs_the_totp_step(client):
    card, _service, cast = card_in_state(C.IN_REVIEW)
    client.force_login_password_only(cast.admin)
    response = client.get(_url("card-review-queue"))
    assert response.status_code == 302
    with assert_nothing_changed(rows=(card,)):
        assert client.post(_url("card-approve", card.pk)).status_code == 302
    assert Card.objects.get(pk=card.pk).state == C.IN_REVIEW


def test_anonymous_is_sent_to_login(client):
    card, service, _cast = card_in_state(C.DRAFT)
    for url in (_url("card-service", service.pk), _url("card-review-queue")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


# -- the administration's review -------------------------------------------------------------------


def _queued(n, creator):
    """`n` cards in review, submitted a day apart (the oldest first), without their dossiers."""
    now = timezone.now()
    for index in range(n):
        Card.objects.create(
            service=ServiceFactory(),
            version=1,
            state=C.IN_REVIEW,
            created_by=creator,
            submitted_at=now - timezone.timedelta(days=n - index),
            **{**card_data(), "name": f"Fiche {index}"},
        )


def test_review_queue_lists_the_oldest_first_in_constant_queries(client, django_assert_num_queries):
    admin = staff_user("admin")
    creator = editor(OrganisationFactory())
    client.force_login(admin)
    _queued(1, creator)
    client.get(_url("card-review-queue"))
    with CaptureQueriesContext(connection) as one:
        page = _text(client.get(_url("card-review-queue")))
    assert "1 fiche en attente de relecture" in page
    Card.objects.all().delete()
    _queued(3, creator)
    with django_assert_num_queries(len(one)):
        page = _text(client.get(_url("card-review-queue")))
    assert "3 fiches en attente de relecture" in page
    assert page.index("Fiche 0") < page.index("Fiche 1") < page.index("Fiche 2")


def test_review_queue_is_paginated_and_has_an_empty_state(client):
    admin = staff_user("admin")
    client.force_login(admin)
    assert "Aucune fiche n’attend de relecture." in _text(client.get(_url("card-review-queue")))
    _queued(26, editor(OrganisationFactory()))
    first = _text(client.get(_url("card-review-queue")))
    assert "Page 1 sur 2" in first and "Fiche 25" not in first
    assert "Fiche 25" in _text(client.get(_url("card-review-queue") + "?page=2"))


def test_review_page_shows_the_changes_since_the_approved_version(client):
    first, service, cast = card_in_state(C.APPROVED)
    second = cards.card_open(service=service, actor=cast.editor)
    cards.card_update(
        card=second, actor=cast.editor, data={"short_description": "Une nouvelle accroche."}
    )
    second = cards.card_submit(card=Card.objects.get(pk=second.pk), actor=cast.editor)
    client.force_login(cast.admin)

    page = _text(client.get(_url("card-review", second.pk)))

    assert "Modifications par rapport à la version approuvée (1)" in page
    assert "1 champ modifié." in page
    assert first.short_description in page and "Une nouvelle accroche." in page
    assert "Approuver" in page and "Demander des modifications" in page


def test_admin_approves_after_confirmation(client):
    card, _service, cast = card_in_state(C.IN_REVIEW)
    client.force_login(cast.admin)
    assert "Confirmer : Approuver la fiche" in _text(client.get(_url("card-approve", card.pk)))
    assert Card.objects.get(pk=card.pk).state == C.IN_REVIEW
    response = client.post(_url("card-approve", card.pk))
    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.state, card.reviewed_by) == (C.APPROVED, cast.admin)
    assert OutboxMessage.objects.filter(to=cast.editor.email, subject__contains="approuvée")


def test_admin_requests_changes_with_a_required_comment(client):
    card, _service, cast = card_in_state(C.IN_REVIEW)
    client.force_login(cast.admin)
    with assert_nothing_changed(rows=(card,)):
        response = client.post(_url("card-request-changes", card.pk), {"comment": " "})
    assert response.status_code == 400
    assert "Indiquez les modifications attendues." in _text(response)

    response = client.post(_url("card-request-changes", card.pk), {"comment": "Un logo net."})
    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.state, card.review_comment) == (C.CHANGES_REQUESTED, "Un logo net.")


def test_approving_twice_says_it_is_no_longer_possible(client):
    card, _service, cast = card_in_state(C.APPROVED)
    client.force_login(cast.admin)
    with assert_nothing_changed(rows=(card,)):
        response = client.post(_url("card-approve", card.pk))
    assert response.status_code == 409
    assert "n'est pas possible sur une fiche « Approuvée »" in _text(response)


# -- the dossier page and the Django admin ---------------------------------------------------------


def test_dossier_page_section_tells_the_cards_state():
    card, service, cast = card_in_state(C.IN_REVIEW)
    dossier = service.dossiers.get()
    for user, can_edit, can_review in [(cast.editor, True, False), (cast.admin, False, True)]:
        section = dossier_page(dossier=dossier, user=user, expert_only=False).sections
        card_section = section["catalogue_card"]
        assert (card_section.card.pk, card_section.card.state) == (card.pk, C.IN_REVIEW)
        assert (card_section.can_edit, card_section.can_review) == (can_edit, can_review)
    assert (
        dossier_page(dossier=dossier, user=cast.instructor, expert_only=False).sections[
            "catalogue_card"
        ]
        is None
    )
    section = dossier_page(dossier=dossier, user=cast.admin, expert_only=False).sections
    html_ = render_to_string(
        "catalogue/cards/_dossier_section.html", {"section": section["catalogue_card"]}
    )
    assert "En cours de relecture" in html_
    assert _url("card-review", card.pk) in html_
    assert (
        render_to_string("catalogue/cards/_dossier_section.html", {"section": None}).strip() == ""
    )


def test_django_admin_lists_cards_read_only(client):
    card, _service, _cast = card_in_state(C.DRAFT)
    admin = staff_user("admin", is_staff=True)
    client.force_login(admin)
    changelist = client.get("/gestion-technique/catalogue/card/")
    assert changelist.status_code == 200
    assert card.name in changelist.content.decode()
    assert client.get("/gestion-technique/catalogue/card/add/").status_code == 403
    assert client.post(f"/gestion-technique/catalogue/card/{card.pk}/delete/").status_code == 403
    detail = client.get(f"/gestion-technique/catalogue/card/{card.pk}/change/")
    assert detail.status_code == 200
    assert 'name="name"' not in detail.content.decode()
