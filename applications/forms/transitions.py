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

    def __init__(self, *args, comment_required=False, dossier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        if comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("Motif (obligatoire)")
            # DsfrBaseForm built the bound fields (and their labels) in its __init__.
            self._bound_fields_cache.pop("comment", None)

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"]}


def voted_opinion(dossier) -> str:
    """The opinion that came out of the commission's closed vote on the dossier (with quorum),
    or "" when there is none yet."""
    if dossier is None:
        return ""
    from reviews.domain.commission import current_agenda_item

    item = current_agenda_item(dossier)
    if item is None or item.vote_status != "closed" or not item.quorum_reached:
        return ""
    return item.result


class OpinionForm(TransitionForm):
    """The chair records the opinion the vote gave: shown read-only, never chosen here; the text
    of the reservations is asked for when the opinion carries some."""

    opinion = forms.ChoiceField(label=_("Avis de la commission"), choices=Opinion.choices)
    reservations = forms.CharField(
        label=_("Réserves"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour un avis favorable avec réserves."),
    )

    field_order = ["opinion", "reservations", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.voted = voted_opinion(self.dossier)
        if self.voted:
            opinion = self.fields["opinion"]
            opinion.disabled = True  # the posted value is ignored: the vote's result is kept
            opinion.initial = self.voted
            opinion.label = _("Avis issu du vote de la commission")
            opinion.help_text = _("Résultat du vote clos par le président ; il ne se modifie pas.")
            if self.voted == Opinion.FAVORABLE_SUSPENSIVE:
                self._ask_reservations(
                    _("Réserves suspensives"),
                    _(
                        "Ce que l'éditeur doit corriger avant que le service puisse être "
                        "référencé ; il y répondra depuis la page du dossier."
                    ),
                )
            elif self.voted == Opinion.FAVORABLE_NON_SUSPENSIVE:
                self._ask_reservations(
                    _("Réserves non suspensives"),
                    _("Les améliorations attendues, qui ne conditionnent pas le référencement."),
                )
            else:
                del self.fields["reservations"]
            self._bound_fields_cache.clear()

    def _ask_reservations(self, label, help_text):
        field = self.fields["reservations"]
        field.required = True
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = _("Précisez les réserves de la commission.")

    def clean(self):
        data = super().clean()
        opinion = data.get("opinion")
        needs_text = opinion in (Opinion.FAVORABLE_NON_SUSPENSIVE, Opinion.FAVORABLE_SUSPENSIVE)
        if (
            needs_text
            and "reservations" in self.fields
            and not (data.get("reservations") or "").strip()
            and "reservations" not in self.errors
        ):
            self.add_error("reservations", _("Précisez les réserves de la commission."))
        return data

    def service_kwargs(self) -> dict:
        return {
            "comment": self.cleaned_data["comment"],
            "opinion": self.cleaned_data["opinion"],
            "reservations": self.cleaned_data.get("reservations", ""),
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
