"""Forms of the test stages: the editor's evidence and request, the instruction's decision."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.evidence_files import (
    MAX_EVIDENCE_BYTES,
    MEGABYTE,
    accepted_extensions_html_attribute,
)


class StageEvidenceForm(DsfrBaseForm):
    file = forms.FileField(
        label=_("Rapport de tests"),
        help_text=_(
            "PDF, image, document texte ou tableur, %(max)s Mo au plus : le rapport de votre "
            "outil de tests, ses journaux exportés…"
        )
        % {"max": MAX_EVIDENCE_BYTES // MEGABYTE},
        widget=forms.ClearableFileInput(attrs={"accept": accepted_extensions_html_attribute()}),
    )


class StageRequestForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Commentaire pour l’équipe référencement (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StageDecisionForm(DsfrBaseForm):
    VALIDATE, REJECT = "validate", "reject"

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (VALIDATE, _("Valider l’étape (réussie)")),
            (REJECT, _("Refuser l’étape (échouée)")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire (obligatoire pour un refus : le motif)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_("Je confirme cette décision : elle est définitive et l’éditeur en est informé."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("comment") or "").strip():
            raise ValidationError({"comment": _("Dites pourquoi l’étape n’est pas validée.")})
        return data
