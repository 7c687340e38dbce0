"""The catalogue's vocabularies. Themes, regions, platforms, price models and the data-exchange
APIs are the service's own (applications.enums), shared with the dossier."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import MesApi, Platform, PriceModel, Region, Theme

__all__ = [
    "Accessibility",
    "CardState",
    "EventKind",
    "MesApi",
    "Platform",
    "PriceModel",
    "Region",
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
    UPDATED = "updated", _("Mise à jour de la fiche")
    SUSPENDED = "suspended", _("Suspension")
    REINSTATED = "reinstated", _("Réintégration au catalogue")
    DEREFERENCED = "dereferenced", _("Déréférencement")


class Sort(models.TextChoices):
    RELEVANCE = "pertinence", _("Pertinence")
    NAME = "nom", _("Nom (A → Z)")
    RECENT = "recent", _("Référencement le plus récent")
