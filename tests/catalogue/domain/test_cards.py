"""The card services: opening a version, editing it, submitting it, the review, approval and
what it supersedes; each state kept in the history; the e-mails; the validation rules."""

import pytest
from django.core.exceptions import ValidationError

from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from catalogue.domain import cards
from catalogue.enums import CardState
from catalogue.models import Card, Listing, Logo
from portal.notifications.models import OutboxMessage
from tests.factories import OrganisationFactory, ServiceFactory, editor, staff_user
from tests.factories.catalogue import (
    card_data,
    card_in_state,
    image_bytes,
    referenced_service,
    upload,
)

pytestmark = pytest.mark.django_db

S = DossierState
C = CardState


def _states(card):
    """The card's states in its history, oldest first, with who made each."""
    rows = card.history.order_by("history_date", "history_id")
    states, previous = [], None
    for row in rows:
        if row.state != previous:
            states.append((row.state, row.history_user))
        previous = row.state
    return states


# -- opening ---------------------------------------------------------------------------------------


def test_card_open_prefills_the_first_version_from_the_service():
    service, cast = referenced_service(requests_data_exchange=True)
    service.short_description = (
        "Un carnet de tension artérielle pour les patients hypertendus, qui partagent leurs "
        "mesures avec leur médecin traitant chaque semaine."
    )
    service.long_description = "Tout sur le service."
    service.web_url = "https://tension.example.fr/"
    service.android_url = "https://play.google.com/store/apps/details?id=fr.tension"
    service.themes, service.regions, service.price_model = ["chronic"], ["BRE"], "freemium"
    service.save()

    card = cards.card_open(service=service, actor=cast.editor)

    assert (card.version, card.state, card.created_by) == (1, C.DRAFT, cast.editor)
    assert card.name == service.name
    assert card.editor_public_name == service.organisation.name
    assert len(card.short_description) <= 100
    assert card.short_description.endswith("…")
    assert service.short_description.startswith(card.short_description[:-1])
    assert card.long_description == "Tout sur le service."
    assert (card.themes, card.regions, card.price_model) == (["chronic"], ["BRE"], "freemium")
    assert card.platforms == [
        {"platform": "web", "url": "https://tension.example.fr/"},
        {"platform": "android", "url": "https://play.google.com/store/apps/details?id=fr.tension"},
    ]
    assert card.data_exchange == ["measures"]


def test_card_open_returns_the_open_version_rather_than_a_second_one():
    service, cast = referenced_service()
    first = cards.card_open(service=service, actor=cast.editor)
    again = cards.card_open(service=service, actor=cast.editor)
    assert first.pk == again.pk
    assert Card.objects.filter(service=service).count() == 1


@pytest.mark.parametrize("state", [S.PUBLISHED, S.SUSPENDED])
def test_card_open_after_publication_starts_from_the_approved_version(state):
    service, cast = referenced_service(state=state)
    approved = Card.objects.get(service=service, state=C.APPROVED)
    newer = cards.card_open(service=service, actor=cast.editor)
    assert (newer.version, newer.state) == (2, C.DRAFT)
    assert newer.short_description == approved.short_description
    assert newer.platforms == approved.platforms


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (S.DRAFT, "est à l'état « Brouillon »"),
        (S.IN_COMMISSION, "est à l'état « En commission »"),
        (S.REFUSED, "est à l'état « Refusé »"),
    ],
)
def test_card_open_before_referencing_says_why(state, message):
    service, cast = referenced_service(state=state)
    with pytest.raises(TransitionNotAvailable, match=message):
        cards.card_open(service=service, actor=cast.editor)
    assert not Card.objects.filter(service=service).exists()


def test_card_open_without_a_dossier_says_why():
    organisation = OrganisationFactory()
    person = editor(organisation)
    service = ServiceFactory(organisation=organisation)
    with pytest.raises(TransitionNotAvailable, match="n'a pas encore de dossier"):
        cards.card_open(service=service, actor=person)


@pytest.mark.parametrize("who", ["other_editor", "admin"])
def test_card_open_by_someone_else_is_forbidden(who):
    service, cast = referenced_service()
    actor = editor(OrganisationFactory()) if who == "other_editor" else cast.admin
    with pytest.raises(TransitionForbidden):
        cards.card_open(service=service, actor=actor)
    assert not Card.objects.exists()


# -- the review flow -------------------------------------------------------------------------------


def test_card_flow_draft_review_changes_review_approved_with_history_and_emails():
    service, cast = referenced_service()
    other_admin = staff_user("admin")
    card = cards.card_open(service=service, actor=cast.editor)
    card = cards.card_update(card=card, actor=cast.editor, data=card_data(service))
    OutboxMessage.objects.all().delete()

    card = cards.card_submit(card=card, actor=cast.editor)
    assert card.state == C.IN_REVIEW and card.submitted_at is not None
    submitted = OutboxMessage.objects.filter(subject__startswith="Fiche du catalogue à relire")
    assert set(submitted.values_list("to", flat=True)) == {cast.admin.email, other_admin.email}
    assert f"/catalogue/fiches/{card.pk}/relecture/" in submitted.first().body

    card = cards.card_request_changes(
        card=card, actor=cast.admin, comment="Le nom public doit être celui de la marque."
    )
    assert card.state == C.CHANGES_REQUESTED
    assert (card.review_comment, card.reviewed_by) == (
        "Le nom public doit être celui de la marque.",
        cast.admin,
    )
    asked = OutboxMessage.objects.get(subject__contains="modifications demandées")
    assert asked.to == cast.editor.email
    assert "Le nom public doit être celui de la marque." in asked.body
    assert f"/catalogue/fiches/services/{service.pk}/" in asked.body

    card = cards.card_update(
        card=card, actor=cast.editor, data={"editor_public_name": "SuiviTension SAS"}
    )
    card = cards.card_submit(card=card, actor=cast.editor)
    assert card.review_comment == ""
    card = cards.card_approve(card=card, actor=other_admin)
    assert (card.state, card.reviewed_by) == (C.APPROVED, other_admin)
    approved = OutboxMessage.objects.get(subject__startswith="Fiche du catalogue approuvée")
    assert approved.to == cast.editor.email
    assert not OutboxMessage.objects.filter(to=other_admin.email, subject__contains="approuvée")

    assert _states(card) == [
        (C.DRAFT, cast.editor),
        (C.IN_REVIEW, cast.editor),
        (C.CHANGES_REQUESTED, cast.admin),
        (C.IN_REVIEW, cast.editor),
        (C.APPROVED, other_admin),
    ]
    reasons = list(
        card.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[0] == "Nouvelle version" and reasons[-1] == "Approbation"


def test_a_second_version_keeps_the_approved_one_until_it_is_approved():
    first, service, cast = card_in_state(C.APPROVED)

    second = cards.card_open(service=service, actor=cast.editor)
    assert (second.version, second.state) == (2, C.DRAFT)
    assert second.short_description == first.short_description  # from the approved version
    cards.card_update(card=second, actor=cast.editor, data={"short_description": "Plus court."})
    second = cards.card_submit(card=Card.objects.get(pk=second.pk), actor=cast.editor)
    first.refresh_from_db()
    assert first.state == C.APPROVED

    cards.card_approve(card=second, actor=cast.admin)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (C.SUPERSEDED, C.APPROVED)
    assert Card.objects.filter(service=service, state=C.APPROVED).get() == second
    assert _states(first)[-1] == (C.SUPERSEDED, cast.admin)


def test_approval_updates_the_listing_of_a_published_service():
    service, cast = referenced_service(state=S.PUBLISHED)
    first = Card.objects.get(service=service, state=C.APPROVED)
    assert Listing.objects.get(service=service).card_id == first.pk

    newer = cards.card_open(service=service, actor=cast.editor)
    cards.card_update(card=newer, actor=cast.editor, data={"name": "SuiviTension 2"})
    newer = cards.card_submit(card=Card.objects.get(pk=newer.pk), actor=cast.editor)
    assert Listing.objects.get(service=service).card_id == first.pk  # not before approval
    cards.card_approve(card=newer, actor=cast.admin)
    listing = Listing.objects.get(service=service)
    assert listing.card_id == newer.pk
    assert listing.listed
    first.refresh_from_db()
    assert first.state == C.SUPERSEDED


def test_no_card_after_dereferencing():
    service, cast = referenced_service(state=S.DEREFERENCED)
    with pytest.raises(TransitionNotAvailable, match="Déréférencé"):
        cards.card_open(service=service, actor=cast.editor)


def test_card_submit_names_the_missing_fields():
    service, cast = referenced_service()
    card = cards.card_open(service=service, actor=cast.editor)
    with pytest.raises(TransitionBlocked) as caught:
        cards.card_submit(card=card, actor=cast.editor)
    message = str(caught.value)
    for label in ("Thématiques", "Régions", "Plateformes", "Modèle économique", "Conformité"):
        assert label in message
    assert "Nom du service" not in message  # filled from the service
    assert Card.objects.get(pk=card.pk).state == C.DRAFT
    assert not OutboxMessage.objects.filter(subject__contains="à relire").exists()


def test_card_submit_asks_for_the_declaration_unless_non_compliant():
    service, cast = referenced_service()
    card = cards.card_open(service=service, actor=cast.editor)
    data = card_data(service, accessibility="none", accessibility_url="")
    card = cards.card_update(card=card, actor=cast.editor, data=data)
    assert cards.card_submit(card=card, actor=cast.editor).state == C.IN_REVIEW


def test_card_request_changes_needs_a_comment():
    card, _service, cast = card_in_state(C.IN_REVIEW)
    with pytest.raises(TransitionInvalid, match="Indiquez les modifications attendues"):
        cards.card_request_changes(card=card, actor=cast.admin, comment="   ")
    assert Card.objects.get(pk=card.pk).state == C.IN_REVIEW


@pytest.mark.parametrize("action", ["approve", "request_changes"])
def test_the_editor_cannot_review_their_own_card(action):
    card, _service, cast = card_in_state(C.IN_REVIEW)
    with pytest.raises(TransitionForbidden):
        if action == "approve":
            cards.card_approve(card=card, actor=cast.editor)
        else:
            cards.card_request_changes(card=card, actor=cast.editor, comment="Moi-même.")
    assert Card.objects.get(pk=card.pk).state == C.IN_REVIEW


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (C.DRAFT, "approve"),
        (C.CHANGES_REQUESTED, "approve"),
        (C.APPROVED, "approve"),
        (C.DRAFT, "request_changes"),
        (C.IN_REVIEW, "submit"),
        (C.APPROVED, "submit"),
        (C.IN_REVIEW, "update"),
        (C.APPROVED, "update"),
        (C.SUPERSEDED, "update"),
    ],
)
def test_actions_not_offered_in_a_state_are_refused(state, action):
    card, _service, cast = card_in_state(state)
    before = card.history.count()
    calls = {
        "approve": lambda: cards.card_approve(card=card, actor=cast.admin),
        "request_changes": lambda: cards.card_request_changes(
            card=card, actor=cast.admin, comment="Non."
        ),
        "submit": lambda: cards.card_submit(card=card, actor=cast.editor),
        "update": lambda: cards.card_update(card=card, actor=cast.editor, data={"name": "X"}),
    }
    with pytest.raises(TransitionNotAvailable):
        calls[action]()
    assert Card.objects.get(pk=card.pk).state == state
    assert card.history.count() == before


def test_a_stale_card_is_a_conflict():
    card, _service, cast = card_in_state(C.IN_REVIEW)
    stale = Card.objects.get(pk=card.pk)
    cards.card_request_changes(card=card, actor=cast.admin, comment="À revoir.")
    with pytest.raises(TransitionConflict):
        cards.card_approve(card=stale, actor=cast.admin)
    assert Card.objects.get(pk=card.pk).state == C.CHANGES_REQUESTED


# -- validation ------------------------------------------------------------------------------------


@pytest.fixture
def draft():
    service, cast = referenced_service(requests_data_exchange=True)
    return cards.card_open(service=service, actor=cast.editor), cast


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"short_description": "x" * 101}, "short_description", "100 caractères au plus"),
        (
            {"platforms": [{"platform": "ios", "url": "http://apps.apple.com/fr/app/x/id1"}]},
            "platforms",
            "Application iOS : Ce lien doit commencer par https://apps.apple.com/.",
        ),
        (
            {"platforms": [{"platform": "android", "url": "https://play.google.com.evil.fr/x"}]},
            "platforms",
            "https://play.google.com/",
        ),
        (
            {"platforms": [{"platform": "web", "url": "http://service.example.fr/"}]},
            "platforms",
            "Le site doit être servi en HTTPS",
        ),
        ({"data_exchange": ["agenda"]}, "data_exchange", "n'a pas demandé"),
        ({"data_exchange": ["astrologie"]}, "data_exchange", "API inconnue"),
        ({"themes": ["astrologie"]}, "themes", "Thématique inconnue : astrologie."),
        ({"regions": ["FR", "BRE"]}, "regions", "« Toute la France » ne se combine pas"),
        ({"regions": ["ATL"]}, "regions", "Région inconnue"),
        ({"accessibility": "full", "accessibility_url": ""}, "accessibility_url", "obligatoire"),
        (
            {"accessibility": "full", "accessibility_url": "http://a.example/"},
            "accessibility_url",
            "HTTPS",
        ),
        ({"price_model": "gratuit"}, "price_model", "Modèle économique inconnu"),
    ],
)
def test_card_update_refuses_invalid_data_and_saves_nothing(draft, changes, field, message):
    card, cast = draft
    before = Card.objects.filter(pk=card.pk).values().get()
    with pytest.raises(ValidationError) as caught:
        cards.card_update(card=card, actor=cast.editor, data={**card_data(card.service), **changes})
    assert field in caught.value.message_dict
    assert any(message in m for m in caught.value.message_dict[field])
    assert Card.objects.filter(pk=card.pk).values().get() == before


def test_card_update_refuses_data_exchange_the_dossier_did_not_request():
    service, cast = referenced_service(requests_data_exchange=False)
    card = cards.card_open(service=service, actor=cast.editor)
    with pytest.raises(ValidationError) as caught:
        cards.card_update(card=card, actor=cast.editor, data={"data_exchange": ["measures"]})
    assert "Mesures de santé" in caught.value.message_dict["data_exchange"][0]


def test_card_update_stores_the_logo_and_a_bad_logo_saves_nothing(draft):
    card, cast = draft
    card = cards.card_update(
        card=card, actor=cast.editor, data={"logo_file": upload(image_bytes("PNG"))}
    )
    assert card.logo is not None
    with pytest.raises(ValidationError) as caught:
        cards.card_update(
            card=card,
            actor=cast.editor,
            data={"name": "Autre nom", "logo_file": upload(b"<svg><script/></svg>", "x.svg")},
        )
    assert "une image SVG" in caught.value.message_dict["logo"][0]
    card.refresh_from_db()
    assert card.name != "Autre nom"
    assert Logo.objects.count() == 1


def test_card_update_by_another_organisation_is_forbidden(draft):
    card, _cast = draft
    with pytest.raises(TransitionForbidden):
        cards.card_update(card=card, actor=editor(OrganisationFactory()), data={"name": "Pirate"})
    assert Card.objects.get(pk=card.pk).name != "Pirate"


def test_suggested_short_description_cuts_at_a_word():
    text = "mot " * 40
    cut = cards.suggested_short_description(text)
    assert len(cut) <= 100 and cut.endswith("mot…")
    assert cards.suggested_short_description("Court.") == "Court."
