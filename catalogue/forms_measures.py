"""The forms of the measures on a published service — suspension, reinstatement,
de-referencing — each a numbered, signed decision (decisions/domain/measures.py). They ask for
what the decision states and check it by the rule the service applies (`measure_problems`);
the transition page (applications/views/dossiers.py, `DISPATCH`) shows them. The comment of the
transition is the decision's public motive."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms.transitions import TransitionForm
from decisions.domain.measures import measure_problems
from decisions.enums import DecisionKind

from .domain.controls import suspension_proposal_summary

TEXT_MAX = 20000


def _text(label, *, help_text, required_message, rows=6):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
    )


class MeasureForm(TransitionForm):
    """What the three measures share: the public motive (the transition's comment, required)
    and the check of their fields by `measure_problems`."""

    kind: str = ""

    def __init__(self, *args, **kwargs):
        kwargs["comment_required"] = True
        super().__init__(*args, **kwargs)
        comment = self.fields["comment"]
        comment.label = _("Motif public (obligatoire)")
        comment.help_text = _(
            "Il est publié dans l'historique public du service et dans le flux des évolutions "
            "du catalogue, avec le numéro de la décision, et figure dans le PDF de la décision."
        )
        comment.error_messages["required"] = str(
            measure_problems(self.kind, public_motive="").get("comment", "")
        )
        self._bound_fields_cache.clear()

    def clean(self):
        data = super().clean()
        problems = measure_problems(
            self.kind,
            motives=data.get("motives", ""),
            public_motive=data.get("comment", ""),
            remedy=data.get("remedy", ""),
            remedy_deadline=data.get("remedy_deadline"),
            remedy_account=data.get("remedy_account", ""),
        )
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class SuspensionForm(MeasureForm):
    """The suspension decision: its motives, what the editor must fix and by when."""

    kind = DecisionKind.SUSPENSION

    motives = _text(
        _("Motifs de la suspension"),
        help_text=_(
            "Ils figurent dans la décision signée (PDF) adressée à l'éditeur. Quand un contrôle "
            "propose la suspension, ses constats sont repris ici : relisez-les."
        ),
        required_message=_("Indiquez les motifs de la décision : ils figurent dans son PDF."),
        rows=8,
    )
    remedy = _text(
        _("Ce que l'éditeur doit corriger"),
        help_text=_("Chaque manquement à corriger, assez précisément pour que l'éditeur agisse."),
        required_message=_("Indiquez ce que l'éditeur doit corriger."),
    )
    remedy_deadline = forms.DateField(
        label=_("Date limite de correction"),
        help_text=_("Au format JJ/MM/AAAA ; au plus tôt aujourd'hui."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _(
                "Indiquez la date à laquelle l'éditeur doit avoir corrigé le manquement."
            ),
            "invalid": _("Saisissez une date valide, par exemple 31/12/2026."),
        },
    )

    field_order = ["motives", "remedy", "remedy_deadline", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedy_deadline"].widget.attrs["min"] = timezone.localdate().isoformat()
        if not self.is_bound and self.dossier is not None:
            summary = suspension_proposal_summary(self.dossier)
            if summary:
                self.initial.setdefault("motives", summary)
        self._bound_fields_cache.clear()

    def service_kwargs(self) -> dict:
        return {
            "comment": self.cleaned_data["comment"],
            "motives": self.cleaned_data["motives"],
            "remedy": self.cleaned_data["remedy"],
            "remedy_deadline": self.cleaned_data["remedy_deadline"],
        }


class ReinstatementForm(MeasureForm):
    """The reinstatement decision: how the editor fixed what the suspension asked."""

    kind = DecisionKind.REINSTATEMENT

    remedy_account = _text(
        _("Comment le manquement a été corrigé"),
        help_text=_(
            "Ce que l'éditeur a corrigé et comment l'administration l'a vérifié ; la décision "
            "renvoie à la décision de suspension qu'elle lève."
        ),
        required_message=_("Indiquez comment l'éditeur a corrigé le manquement."),
        rows=8,
    )

    field_order = ["remedy_account", "comment"]

    def service_kwargs(self) -> dict:
        return {
            "comment": self.cleaned_data["comment"],
            "remedy_account": self.cleaned_data["remedy_account"],
        }


class DereferencingForm(MeasureForm):
    """The de-referencing decision: its motives, and the confirmation that it is final."""

    kind = DecisionKind.DEREFERENCING

    motives = _text(
        _("Motifs du déréférencement"),
        help_text=_("Ils figurent dans la décision signée (PDF) adressée à l'éditeur."),
        required_message=_("Indiquez les motifs de la décision : ils figurent dans son PDF."),
        rows=8,
    )
    confirm_final = forms.BooleanField(
        label=_(
            "Je confirme que ce déréférencement est définitif : le service ne pourra pas être "
            "réintégré, l'éditeur devra déposer un nouveau dossier."
        ),
        error_messages={
            "required": _("Cochez la case pour confirmer que le déréférencement est définitif.")
        },
    )

    field_order = ["motives", "comment", "confirm_final"]

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"], "motives": self.cleaned_data["motives"]}
