from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ..enums import DecisionOutcome, Opinion


class TransitionForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Il figurera dans l'historique du dossier et dans le courriel envoyé."),
    )

    def __init__(self, *args, comment_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Motif (obligatoire)")
            # DsfrBaseForm built the bound fields (and their labels) in its __init__.
            self._bound_fields_cache.pop("comment", None)

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"]}


class OpinionForm(TransitionForm):
    opinion = forms.ChoiceField(label=_("Avis de la commission"), choices=Opinion.choices)
    reservations = forms.CharField(
        label=_("Réserves"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour un avis favorable avec réserves."),
    )

    field_order = ["opinion", "reservations", "comment"]

    def clean(self):
        data = super().clean()
        opinion = data.get("opinion")
        needs_text = opinion in (Opinion.FAVORABLE_NON_SUSPENSIVE, Opinion.FAVORABLE_SUSPENSIVE)
        if needs_text and not (data.get("reservations") or "").strip():
            self.add_error("reservations", _("Précisez les réserves de la commission."))
        return data

    def service_kwargs(self) -> dict:
        return {
            "comment": self.cleaned_data["comment"],
            "opinion": self.cleaned_data["opinion"],
            "reservations": self.cleaned_data["reservations"],
        }


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


class ScheduleForm(TransitionForm):
    session = forms.ModelChoiceField(
        label=_("Séance de la commission"),
        queryset=None,
        empty_label=_("Choisissez une séance"),
    )

    field_order = ["session", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        from reviews.models import CommissionSession

        self.fields["session"].queryset = CommissionSession.objects.filter(
            date__gte=timezone.localdate()
        ).order_by("date")

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"], "session": self.cleaned_data["session"]}


FORMS = {
    "comment": TransitionForm,
    "opinion": OpinionForm,
    "decision": DecisionForm,
    "schedule": ScheduleForm,
}
