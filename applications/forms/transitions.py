"""The form of a transition: a comment (required when the transition asks for a motive). The
transitions that need more subclass it next to the data they read: the schedule and opinion
forms in reviews/forms_commission.py, the decision form in decisions/forms.py."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


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
