"""Forms of the ministry's decision. They check types and choices; the rules (motives, what the
opinion allows) live in `decisions.domain.services` and the state machine."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import DecisionOutcome, DossierState
from applications.forms.transitions import TransitionForm

from .domain.services import decision_outcomes_allowed, motives_problem, opinion_is_favorable

#: The select's first line: nothing is chosen until the ministry chooses.
NO_CHOICE = ("", _("— Choisir —"))


class DecisionForm(TransitionForm):
    """The decision on a dossier: its outcome, chosen among those the commission's opinion allows
    (no default: the decision is irreversible), and its motives."""

    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=[NO_CHOICE, *DecisionOutcome.choices],
        help_text=_("Seul un avis favorable de la commission permet de référencer le service."),
        error_messages={
            "required": _("Choisissez la décision : référencer le service ou le refuser."),
            "invalid_choice": _(
                "Cette décision n'est pas possible après l'avis de la commission sur ce dossier."
            ),
        },
    )
    motives = forms.CharField(
        label=_("Motifs de la décision"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ils figurent dans la décision signée (PDF). Obligatoires pour un refus et pour "
            "toute décision qui s'écarte de l'avis de la commission."
        ),
    )

    field_order = ["outcome", "motives", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.dossier is None:
            return
        allowed = decision_outcomes_allowed(self.dossier)
        outcome = self.fields["outcome"]
        outcome.choices = [NO_CHOICE, *((o.value, o.label) for o in allowed)]
        if DecisionOutcome.REFERENCED not in allowed:
            if self.dossier.state == DossierState.OPINION_RESERVED:
                outcome.help_text = _(
                    "Les réserves suspensives de la commission ne sont pas levées : le service ne "
                    "peut pas être référencé, seul le refus est possible."
                )
            else:
                outcome.help_text = _(
                    "L'avis de la commission sur ce dossier n'est pas favorable : le service ne "
                    "peut pas être référencé, seul le refus est possible."
                )
        self._bound_fields_cache.clear()

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome and self.dossier is not None:
            problem = motives_problem(
                outcome=outcome,
                opinion_favorable=opinion_is_favorable(self.dossier.state),
                motives=data.get("motives") or "",
            )
            if problem:
                self.add_error("motives", problem)
        return data

    def service_kwargs(self) -> dict:
        return {
            "comment": self.cleaned_data["comment"],
            "outcome": self.cleaned_data["outcome"],
            "motives": self.cleaned_data["motives"],
        }
