"""Forms of the ministry's decision. They check types and choices; the rules (motives, what the
opinion allows) live in `decisions.domain.services` and the state machine."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.enums import DecisionOutcome
from applications.forms.transitions import TransitionForm


class DecisionForm(TransitionForm):
    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=DecisionOutcome.choices,
        help_text=_("Seul un avis favorable de la commission permet de référencer le service."),
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

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == DecisionOutcome.REFUSED
            and not (data.get("motives") or "").strip()
        ):
            self.add_error("motives", _("Indiquez les motifs du refus."))
        return data

    def service_kwargs(self) -> dict:
        return {
            "comment": self.cleaned_data["comment"],
            "outcome": self.cleaned_data["outcome"],
            "motives": self.cleaned_data["motives"],
        }
