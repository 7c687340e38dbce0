"""The forms of declared changes: the declaration (its items as a formset — one change, or
several editorial notices bundled — and its attachments), the qualification, the request to
declare a change found unannounced. The services check everything again (domain/): the forms
say what is missing next to each field."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.evidence_files import accepted_extensions_html_attribute
from applications.forms.documents import MultipleFileField
from applications.models import Requirement
from catalogue.models import Control

from .domain.declarations import MAX_ITEMS, TEXT_MAX
from .domain.qualification import REASON_MAX
from .domain.requests import DESCRIPTION_MAX
from .enums import EditorView, Qualification

ITEMS_PREFIX = "element"


class ItemForm(DsfrBaseForm):
    text = forms.CharField(
        label=_("Ce qui change dans le service"),
        help_text=_(
            "Décrivez la modification, sa date de mise en service et ce qu'elle change pour "
            "les usagers."
        ),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Décrivez ce qui change dans le service.")},
    )
    editor_view = forms.ChoiceField(
        label=_("Selon vous, cette modification est"),
        choices=EditorView.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Indiquez si la modification est éditoriale ou substantielle.")
        },
    )
    requirements = forms.ModelMultipleChoiceField(
        label=_("Exigences concernées"),
        queryset=Requirement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choisissez au moins une exigence concernée."),
            "invalid_choice": _("Une exigence choisie n'appartient pas au référentiel du dossier."),
            "invalid_pk_value": _(
                "Une exigence choisie n'appartient pas au référentiel du dossier."
            ),
        },
    )

    def __init__(self, *args, version_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].queryset = Requirement.objects.filter(version_id=version_id)

    def chosen(self) -> set[str]:
        """The requirement ids checked, as the page shows them again."""
        if self.is_bound:
            return set(self.data.getlist(self.add_prefix("requirements")))
        return {str(value) for value in self.initial.get("requirements", [])}


class BaseItemFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("Décrivez au moins une modification."),
        "too_many_forms": _("Une déclaration groupe au plus %(num)d modifications mineures."),
    }

    def clean(self):
        super().clean()
        kept = [form for form in self.forms if not self._should_delete_form(form)]
        if not kept:
            raise forms.ValidationError(_("Décrivez au moins une modification."))
        views = [form.cleaned_data.get("editor_view") for form in kept if form.cleaned_data]
        if len(kept) > 1 and EditorView.SUBSTANTIAL in views:
            raise forms.ValidationError(
                _(
                    "Seules les modifications mineures (éditoriales) peuvent être déclarées "
                    "groupées : déclarez une modification substantielle seule."
                )
            )

    def kept_forms(self):
        return [form for form in self.forms if not self._should_delete_form(form)]


ItemFormSet = formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_ITEMS,
    validate_max=True,
    absolute_max=MAX_ITEMS,
    can_delete=True,
)

#: The declaration form's buttons (`etape`): add an editorial notice to the bundle, or read the
#: declaration over before sending it.
ADD_ITEM, REVIEW = "ajouter", "relire"


class DeclarationForm(DsfrBaseForm):
    attachments = MultipleFileField(
        label=_("Pièces jointes (facultatives)"),
        help_text=_(
            "Plusieurs fichiers possibles : PDF, PNG, JPEG, ODT, DOCX ou XLSX, 20 Mo au plus "
            "chacun, vérifiés sur leur contenu."
        ),
        required=False,
    )
    etape = forms.ChoiceField(
        choices=((REVIEW, REVIEW), (ADD_ITEM, ADD_ITEM)), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs["accept"] = accepted_extensions_html_attribute()

    @property
    def adds_item(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("etape") == ADD_ITEM


class AnsweredRequestForm(forms.Form):
    """The request to declare that a declaration answers (`?demande=`, then a hidden field)."""

    demande = forms.IntegerField(required=False, min_value=1)


class ControlParamForm(forms.Form):
    """The control a request comes from, on the request page's address (`?controle=`)."""

    controle = forms.IntegerField(required=False, min_value=1)


class ConfirmForm(forms.Form):
    """A confirmation's button: nothing to fill in."""


class QualifyForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label=_("Qualification"),
        choices=Qualification.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez comment qualifier la modification.")},
    )
    reason = forms.CharField(
        label=_("Motif (transmis à l'éditeur)"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Indiquez le motif de la qualification : l'éditeur le lira.")
        },
    )
    #: Set by the confirmation page's button: the qualification is then recorded.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RequestForm(DsfrBaseForm):
    """The request; `controle`: the control of the dossier that found the change, when the
    request comes from one (`?controle=` on the page's address, then a hidden field)."""

    controle = forms.ModelChoiceField(
        queryset=Control.objects.none(), required=False, widget=forms.HiddenInput
    )
    description = forms.CharField(
        label=_("Modification constatée, que l'éditeur doit déclarer"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Décrivez la modification constatée.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controle"].queryset = Control.objects.filter(dossier=dossier)
