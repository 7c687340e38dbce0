"""What the card pages read, each page assembled by one function; the templates trigger no query.

- `service_cards_page`: the editor's page of a service's card — its versions, the open one and
  the approved one, the history of their states. Queries: the versions (1), the service's
  dossiers for the eligibility (1), the history rows with their authors (1).
- `review_queue`: the cards waiting for review, oldest submission first (one query per page,
  plus the count).
- `card_review_page`: one card under review and, field by field, what changed since the
  approved version (2 queries).
- `dossier_card_section`: the card's state on the dossier page (applications.domain.
  dossier_page.SECTIONS["catalogue_card"]; 1 query, none for people who do not see it).

Logos are read without their bytes (served by the public `catalogue:logo` view).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from applications.enums import MesApi, Platform, Region, Theme
from applications.models import Service
from portal.accounts.rules import is_admin

from .. import rules as r
from ..enums import EDITABLE_CARD_STATES, OPEN_CARD_STATES, CardState
from ..models import Card
from .card_validation import CARD_FIELDS, card_missing_fields, field_label
from .cards import CARD_DOSSIER_STATES, card_unavailable_reason, suggested_short_description

_TONES = {
    CardState.DRAFT: "info",
    CardState.IN_REVIEW: "new",
    CardState.CHANGES_REQUESTED: "warning",
    CardState.APPROVED: "success",
    CardState.SUPERSEDED: "info",
}
_LIST_CHOICES = {"themes": Theme, "regions": Region, "data_exchange": MesApi}


def card_tone(state: str) -> str:
    """How the state's DSFR badge reads."""
    return _TONES.get(state, "info")


def with_logo(queryset: QuerySet[Card]) -> QuerySet[Card]:
    return queryset.select_related("logo").defer("logo__content")


def cards_visible_to(user) -> QuerySet[Card]:
    """The cards `user` may open: every card for the administration, their organisations'
    for an editor; none otherwise (the views answer 404)."""
    if not (user.is_authenticated and user.is_active):
        return Card.objects.none()
    if is_admin.test(user):
        return Card.objects.all()
    if r.is_editor.test(user):
        return Card.objects.filter(service__organisation_id__in=r.user_organisation_ids(user))
    return Card.objects.none()


def services_with_cards_visible_to(user) -> QuerySet[Service]:
    if not (user.is_authenticated and user.is_active):
        return Service.objects.none()
    if is_admin.test(user):
        return Service.objects.all()
    if r.is_editor.test(user):
        return Service.objects.filter(organisation_id__in=r.user_organisation_ids(user))
    return Service.objects.none()


@dataclass(frozen=True)
class StateChange:
    at: datetime
    author: object
    version: int
    state: str
    label: str
    comment: str


@dataclass
class ServiceCardsPage:
    service: Service
    versions: list[Card]
    unavailable_reason: str | None
    history: list[StateChange] = field(default_factory=list)

    @property
    def open_card(self) -> Card | None:
        return next((c for c in self.versions if c.state in OPEN_CARD_STATES), None)

    @property
    def approved_card(self) -> Card | None:
        return next((c for c in self.versions if c.state == CardState.APPROVED), None)

    @property
    def editable(self) -> bool:
        card = self.open_card
        return card is not None and card.state in EDITABLE_CARD_STATES

    @property
    def missing(self) -> list[str]:
        return card_missing_fields(self.open_card) if self.open_card else []

    @property
    def short_description_was_cut(self) -> bool:
        """The open version still holds the service's description cut to fit: to check."""
        card = self.open_card
        original = " ".join(self.service.short_description.split())
        return (
            card is not None
            and card.version == 1
            and original != card.short_description
            and card.short_description == suggested_short_description(original)
        )


def service_cards_page(*, service: Service, user) -> ServiceCardsPage:
    versions = list(
        with_logo(Card.objects.filter(service=service)).select_related("reviewed_by", "created_by")
    )
    return ServiceCardsPage(
        service=service,
        versions=versions,
        unavailable_reason=card_unavailable_reason(service),
        history=card_history(service=service) if versions else [],
    )


def card_history(*, service: Service) -> list[StateChange]:
    """Each state every version of the card went through, newest first, with who and when."""
    rows = (
        Card.history.filter(service_id=service.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
        .only(
            "id",
            "version",
            "state",
            "review_comment",
            "history_date",
            "history_user",
            "history_change_reason",
        )
    )
    changes, previous = [], {}
    for row in rows:
        if previous.get(row.id) != row.state:
            comment = row.review_comment if row.state == CardState.CHANGES_REQUESTED else ""
            changes.append(
                StateChange(
                    at=row.history_date,
                    author=row.history_user,
                    version=row.version,
                    state=row.state,
                    label=CardState(row.state).label,
                    comment=comment,
                )
            )
        previous[row.id] = row.state
    return sorted(changes, key=lambda c: c.at, reverse=True)


def review_queue() -> QuerySet[Card]:
    return with_logo(
        Card.objects.filter(state=CardState.IN_REVIEW).select_related("service__organisation")
    ).order_by("submitted_at", "pk")


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class CardReviewPage:
    card: Card
    approved: Card | None
    diff: list[FieldDiff]

    @property
    def changes(self) -> list[FieldDiff]:
        return [d for d in self.diff if d.changed]


def card_review_page(*, card: Card) -> CardReviewPage:
    approved = (
        with_logo(Card.objects.filter(service_id=card.service_id, state=CardState.APPROVED))
        .exclude(pk=card.pk)
        .first()
    )
    return CardReviewPage(card=card, approved=approved, diff=card_diff(approved, card))


def card_diff(old: Card | None, new: Card) -> list[FieldDiff]:
    """Every field of the card as text, old against new (old empty when there is none)."""
    names = [*CARD_FIELDS[:4], "logo", *CARD_FIELDS[4:]]
    return [
        FieldDiff(
            name=name,
            label=field_label(name),
            old=field_text(old, name) if old is not None else "",
            new=field_text(new, name),
        )
        for name in names
    ]


def field_text(card: Card, name: str) -> str:
    """A field of `card` as a person reads it."""
    value = getattr(card, "logo_id" if name == "logo" else name)
    if name == "logo":
        return value[:12] if value else ""
    if name in _LIST_CHOICES:
        labels = dict(_LIST_CHOICES[name].choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if name == "platforms":
        labels = dict(Platform.choices)
        return "\n".join(f"{labels.get(p.get('platform'), '?')} : {p.get('url')}" for p in value)
    if name in ("price_model", "accessibility"):
        return str(getattr(card, f"get_{name}_display")()) if value else ""
    return value or ""


@dataclass(frozen=True)
class DossierCardSection:
    service_id: int
    card: Card | None  # the open version, else the approved one
    approved: bool
    can_edit: bool
    can_review: bool


def dossier_card_section(*, dossier, user) -> DossierCardSection | None:
    """The card's state on the dossier page, for its editors and the administration, once the
    service is referenced."""
    if dossier.state not in CARD_DOSSIER_STATES:
        return None
    service = dossier.service
    editor = r.service_card_editor.test(user, service)
    admin = is_admin.test(user)
    if not (editor or admin):
        return None
    cards = list(
        Card.objects.filter(service_id=service.pk)
        .filter(state__in=[*OPEN_CARD_STATES, CardState.APPROVED])
        .only("id", "service_id", "version", "state", "submitted_at", "reviewed_at")
    )
    current = next((c for c in cards if c.state in OPEN_CARD_STATES), None)
    approved = next((c for c in cards if c.state == CardState.APPROVED), None)
    return DossierCardSection(
        service_id=service.pk,
        card=current or approved,
        approved=approved is not None,
        can_edit=editor,
        can_review=admin and current is not None and current.state == CardState.IN_REVIEW,
    )
