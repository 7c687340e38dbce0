"""The forms of the document library: several files at once, a document to attach, the
requirements a document supports. Content checks are the service's (`domain.documents`), one
file at a time, so that a refused file never stops the others."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Document


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Every file chosen in one `<input type="file" multiple>`, unchecked: each is checked on its
    own afterwards."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [uploaded for uploaded in files if uploaded]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class DocumentUploadForm(forms.Form):
    """One or several files; the requirement's upload field and the library's share it."""

    file = MultipleFileField(
        label=_("Ajouter des documents"),
        error_messages={"required": _("Choisissez au moins un fichier à déposer.")},
    )


class EvidenceAttachForm(forms.Form):
    """A document of the library, to attach to one requirement."""

    document = forms.ModelChoiceField(
        label=_("Joindre un document déjà déposé"),
        queryset=Document.objects.none(),
        empty_label=_("Choisir un document"),
        error_messages={
            "required": _("Choisissez un document."),
            "invalid_choice": _("Ce document n'est pas parmi les documents du dossier."),
        },
    )

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class DocumentRequirementsForm(forms.Form):
    """The requirements a document supports, among those the editor may change."""

    requirements = forms.MultipleChoiceField(
        label=_("Exigences justifiées par ce document"), required=False
    )

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].choices = [(code, code) for code in codes]
