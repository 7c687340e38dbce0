"""The catalogue's vocabularies. Themes, regions, platforms, price models and the data-exchange
APIs are the service's own (applications.enums), shared with the dossier."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import MesApi, Platform, PriceModel, Region, Theme

__all__ = [
    "Accessibility",
    "CardState",
    "ControlState",
    "EventKind",
    "ExpiryStep",
    "FindingVerdict",
    "MesApi",
    "Platform",
    "PriceModel",
    "Region",
    "ReportCategory",
    "ReportState",
    "Sort",
    "Theme",
]


class CardState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En cours de relecture")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    APPROVED = "approved", _("Approuvée")
    SUPERSEDED = "superseded", _("Remplacée par une version plus récente")


#: A card the editor may still change.
EDITABLE_CARD_STATES = (CardState.DRAFT, CardState.CHANGES_REQUESTED)
#: A card on its way to approval (at most one per service).
OPEN_CARD_STATES = (CardState.DRAFT, CardState.IN_REVIEW, CardState.CHANGES_REQUESTED)


class Accessibility(models.TextChoices):
    """RGAA compliance status, as the service's accessibility statement declares it."""

    FULL = "full", _("Totalement conforme")
    PARTIAL = "partial", _("Partiellement conforme")
    NONE = "none", _("Non conforme")


class EventKind(models.TextChoices):
    """What the public change feed reports."""

    PUBLISHED = "published", _("Publication au catalogue")
    RENEWED = "renewed", _("Renouvellement du référencement")
    UPDATED = "updated", _("Mise à jour de la fiche")
    SUSPENDED = "suspended", _("Suspension")
    REINSTATED = "reinstated", _("Réintégration au catalogue")
    DEREFERENCED = "dereferenced", _("Déréférencement")


class Sort(models.TextChoices):
    RELEVANCE = "pertinence", _("Pertinence")
    NAME = "nom", _("Nom (A → Z)")
    RECENT = "recent", _("Référencement le plus récent")


#: The events of a service's public history (its page, the API, the open data): every event but
#: the card's updates, which only the change feed reports.
HISTORY_EVENT_KINDS = (
    EventKind.PUBLISHED,
    EventKind.RENEWED,
    EventKind.SUSPENDED,
    EventKind.REINSTATED,
    EventKind.DEREFERENCED,
)


class ExpiryStep(models.TextChoices):
    """What the daily expiry task did for a referencing (catalogue/domain/expiry.py)."""

    REMINDER = "reminder", _("Rappel avant l'échéance")
    GRACE = "grace", _("Maintien au catalogue pendant le renouvellement")
    SUSPENSION = "suspension", _("Suspension à l'échéance")


class ReportCategory(models.TextChoices):
    """What a member of the public reports about a published service."""

    MISLEADING = "misleading", _("Contenu trompeur")
    SECURITY = "security", _("Sécurité")
    PERSONAL_DATA = "personal_data", _("Données personnelles")
    ACCESSIBILITY = "accessibility", _("Accessibilité")
    UNAVAILABLE = "unavailable", _("Service indisponible")
    OTHER = "other", _("Autre")


class ReportState(models.TextChoices):
    """Where a report stands (catalogue/domain/reports.py moves it on)."""

    NEW = "new", _("Nouveau")
    AWAITING_EDITOR = "awaiting_editor", _("En attente de la réponse de l'éditeur")
    ANSWERED = "answered", _("Réponse de l'éditeur reçue")
    UNFOUNDED = "unfounded", _("Classé non fondé")
    CONTROL = "control", _("Contrôle ouvert")

    @property
    def tone(self) -> str:
        """The DSFR badge variant of the state."""
        return {
            "new": "new",
            "awaiting_editor": "info",
            "answered": "warning",
            "unfounded": "success",
            "control": "error",
        }[self.value]


#: The instruction team has something to do: these come first in its list.
REPORT_TODO_STATES = (ReportState.NEW, ReportState.ANSWERED)


class ControlState(models.TextChoices):
    OPEN = "open", _("En cours")
    CONCLUDED = "concluded", _("Conclu")


class FindingVerdict(models.TextChoices):
    """A control's finding on one requirement."""

    COMPLIANT = "compliant", _("Conforme")
    NON_COMPLIANT = "non_compliant", _("Non conforme")
