"""The kinds of decision the portal records, each numbered in the one yearly sequence."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    """What a decision decides. A referencing decision has an outcome (referenced or refused);
    the measures taken on a published service — suspension, reinstatement, de-referencing —
    have none: their kind is what they decide."""

    REFERENCING = "referencing", _("Décision de référencement")
    SUSPENSION = "suspension", _("Suspension du référencement")
    REINSTATEMENT = "reinstatement", _("Réintégration au catalogue")
    DEREFERENCING = "dereferencing", _("Déréférencement")

    @classmethod
    def measures(cls) -> tuple["DecisionKind", ...]:
        return (cls.SUSPENSION, cls.REINSTATEMENT, cls.DEREFERENCING)


#: The dossier transition each measure decision goes with.
MEASURE_TRANSITIONS = {
    "suspend": DecisionKind.SUSPENSION,
    "reinstate": DecisionKind.REINSTATEMENT,
    "dereference": DecisionKind.DEREFERENCING,
}
