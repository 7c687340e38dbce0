from django import forms
from django.utils.translation import gettext_lazy as _

from portal.form_fields import AsciiIntegerField

from ..enums import AnswerStatus
from ..evidence_files import MAX_EVIDENCE_BYTES


class AnswerForm(forms.Form):
    """One requirement's answer, posted on each change (htmx) or with the « Enregistrer » button."""

    status = forms.ChoiceField(
        label=_("Réponse"), choices=[("", "—"), *AnswerStatus.choices], required=False
    )
    justification = forms.CharField(label=_("Justification"), required=False, max_length=10000)
    free_text = forms.CharField(label=_("Commentaire libre"), required=False, max_length=10000)
    version = AsciiIntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Ajouter une pièce justificative"),
        error_messages={
            "required": _("Choisissez un fichier à déposer."),
            "empty": _("Le fichier déposé est vide."),
        },
    )

    max_bytes = MAX_EVIDENCE_BYTES
