"""The states and choices of a declared change (changes/models.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeState(models.TextChoices):
    """A declaration's life: written, then sent (« à qualifier »), then qualified one way."""

    DRAFT = "draft", _("Brouillon")
    DECLARED = "declared", _("À qualifier")
    EDITORIAL = "editorial", _("Modification éditoriale")
    PARTIAL_REVIEW = "partial_review", _("Réévaluation partielle")
    NEW_DOSSIER = "new_dossier", _("Nouveau dossier nécessaire")
    #: The closing of a partial re-evaluation by the instruction team.
    ACCEPTED = "accepted", _("Réévaluée : modification acceptée")
    REJECTED = "rejected", _("Réévaluée : modification non conforme")

    @classmethod
    def qualified(cls) -> tuple["ChangeState", ...]:
        return (cls.EDITORIAL, cls.PARTIAL_REVIEW, cls.NEW_DOSSIER, cls.ACCEPTED, cls.REJECTED)


#: What the instruction team may decide of a declared change.
class Qualification(models.TextChoices):
    EDITORIAL = ChangeState.EDITORIAL.value, _("Éditoriale : la modification est enregistrée")
    PARTIAL_REVIEW = (
        ChangeState.PARTIAL_REVIEW.value,
        _("Réévaluation partielle : des experts réévaluent les domaines touchés"),
    )
    NEW_DOSSIER = (
        ChangeState.NEW_DOSSIER.value,
        _("Nouveau dossier nécessaire : l'éditeur dépose un nouveau dossier"),
    )


class EditorView(models.TextChoices):
    """How the editor sees one change it declares."""

    EDITORIAL = "editorial", _("Éditoriale (mineure)")
    SUBSTANTIAL = "substantial", _("Substantielle")


class RequestState(models.TextChoices):
    """A request to declare a change the instruction team found unannounced."""

    OPEN = "open", _("Déclaration attendue")
    ANSWERED = "answered", _("Déclarée")
