"""The forms of a partial re-evaluation. The verdict and the declaration of interests are
reviews' own forms (`VerdictForm`, `DeclarationForm` of reviews/forms.py), the signature is
reviews' `SignForm` saying who reads the synthesis; here also the instruction team's replacement
of an expert and closing. The services check everything again
(changes/domain/partial_reviews.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from portal.forms import DomainErrorsMixin
from reviews.forms import SignForm

from .domain.partial_reviews import REASON_MAX
from .enums import ChangeState


class PartialSignForm(SignForm):
    """The evaluation's signature form; a re-evaluation's synthesis goes to no commission: the
    instruction team reads it when it closes the re-evaluation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["synthesis"].help_text = _(
            "Elle est lue par l'équipe référencement, qui clôt la réévaluation."
        )
        self._bound_fields_cache.clear()  # DsfrBaseForm bound them before the change above


class ReviewReplaceForm(DomainErrorsMixin, DsfrBaseForm):
    expert = forms.ModelChoiceField(
        label=_("Confier la réévaluation à"),
        queryset=None,
        empty_label=_("Choisissez un expert"),
        help_text=_(
            "Seuls sont proposés les experts du domaine qui ne sont pas membres de l'éditeur "
            "et n'ont pas déclaré de conflit d'intérêts avec lui."
        ),
        error_messages={"required": _("Choisissez l'expert à qui confier la réévaluation.")},
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Conservé dans l'historique de la réévaluation."),
        error_messages={"required": _("Indiquez le motif du remplacement.")},
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self._bound_fields_cache.clear()  # DsfrBaseForm bound them before the change above


class CloseForm(DsfrBaseForm):
    outcome = forms.ChoiceField(
        label=_("Issue de la réévaluation"),
        choices=[
            (ChangeState.ACCEPTED.value, _("La modification est acceptée")),
            (
                ChangeState.REJECTED.value,
                _("La modification n'est pas conforme aux exigences réévaluées"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'issue de la réévaluation.")},
    )
    reason = forms.CharField(
        label=_("Motif (transmis à l'éditeur)"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Indiquez le motif de la clôture : l'éditeur le lira.")},
    )
    #: Set by the confirmation page's button: the closing is then recorded.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
