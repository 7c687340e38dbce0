"""The forms of the public's reports, their triage and the controls they open. They check types,
lengths and choices; the rules of each move live in catalogue/domain/reports.py and controls.py.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from dsfr.forms import DsfrBaseForm

from .domain.reports import ANSWER_MAX, DESCRIPTION_MAX, DESCRIPTION_MIN
from .enums import FindingVerdict, ReportCategory, ReportState

#: The honeypot's name: a field people never see, that form-filling robots fill in.
HONEYPOT = "site_web"


def _text(label, *, max_length, help_text="", required_message, min_length=None, rows=6):
    return forms.CharField(
        label=label,
        help_text=help_text,
        min_length=min_length,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
    )


class ReportForm(DsfrBaseForm):
    """A problem with a published service, reported by anyone (no account)."""

    category = forms.ChoiceField(
        label=_("Quel est le problème ?"),
        choices=ReportCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le type de problème.")},
    )
    description = _text(
        _("Décrivez le problème"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "Ce que vous avez constaté, où et quand (entre 20 et 4 000 caractères). "
            "N'indiquez aucune information sur votre santé ni sur celle d'une autre personne."
        ),
        required_message=_("Décrivez le problème constaté."),
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique (facultative)"),
        required=False,
        max_length=254,
        help_text=_(
            "Seulement si vous acceptez que l'équipe référencement vous écrive pour des "
            "précisions. Elle n'est jamais transmise à l'éditeur. Format attendu : "
            "nom@domaine.fr"
        ),
        error_messages={"invalid": _("Saisissez une adresse électronique valide.")},
    )
    #: The honeypot (templates/catalogue/reports/form.html renders it out of sight).
    site_web = forms.CharField(
        label=_("Ne remplissez pas ce champ"), required=False, max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def public_fields(self):
        return [self[name] for name in ("category", "description", "email")]

    @property
    def honeypot(self):
        return self[HONEYPOT]

    def is_robot(self) -> bool:
        """The honeypot was filled in: answer as if all went well, store nothing."""
        return bool((self.data.get(HONEYPOT) or "").strip())


class UnfoundedForm(DsfrBaseForm):
    reason = _text(
        _("Pourquoi le signalement n'est-il pas fondé ?"),
        max_length=3000,
        help_text=_(
            "Reste interne à l'équipe ; l'éditeur le lit si le signalement lui a été transmis."
        ),
        required_message=_("Indiquez pourquoi le signalement n'est pas fondé."),
        rows=4,
    )


class SendToEditorForm(DsfrBaseForm):
    question = _text(
        _("Ce que vous demandez à l'éditeur"),
        max_length=3000,
        help_text=ngettext_lazy(
            "L'éditeur lit le signalement (sans l'adresse de la personne qui l'a fait) et votre "
            "demande ; il a %(days)d jour pour répondre.",
            "L'éditeur lit le signalement (sans l'adresse de la personne qui l'a fait) et votre "
            "demande ; il a %(days)d jours pour répondre.",
            "days",
        ),
        required_message=_("Indiquez ce que vous demandez à l'éditeur."),
        rows=4,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.REPORT_ANSWER_DAYS
        self.fields["question"].help_text = self.fields["question"].help_text % {"days": days}


class AnswerForm(DsfrBaseForm):
    answer = _text(
        _("Votre réponse"),
        max_length=ANSWER_MAX,
        help_text=_(
            "Ce que vous avez vérifié et, s'il y a lieu, ce que vous avez corrigé ou allez "
            "corriger, et quand. L'équipe référencement la lira."
        ),
        required_message=_("Rédigez votre réponse."),
    )


class ConfirmForm(DsfrBaseForm):
    """A confirmation with nothing to fill in (the button is the confirmation)."""


class ReportFilterForm(forms.Form):
    """The list's filter (GET): one state, or all."""

    etat = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Tous les états")), *ReportState.choices],
    )


class FindingForm(DsfrBaseForm):
    requirement = forms.TypedChoiceField(
        label=_("Exigence"),
        coerce=int,
        error_messages={"required": _("Choisissez l'exigence contrôlée.")},
    )
    verdict = forms.ChoiceField(
        label=_("Constat"),
        choices=FindingVerdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez « conforme » ou « non conforme ».")},
    )
    text = _text(
        _("Ce que le contrôle a constaté"),
        max_length=5000,
        required_message=_("Décrivez ce que le contrôle a constaté."),
        rows=4,
    )

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [("", _("Choisissez une exigence"))] + [
            (requirement.pk, f"{requirement.code} — {requirement.title}")
            for requirement in requirements
        ]


class ConcludeForm(DsfrBaseForm):
    conclusion = _text(
        _("Conclusion du contrôle"),
        max_length=5000,
        required_message=_("Rédigez la conclusion du contrôle."),
    )
    proposes_suspension = forms.BooleanField(
        label=_("Proposer la suspension du service au ministère et à l'administration"),
        required=False,
        help_text=_(
            "La proposition s'affiche sur le dossier ; la suspension elle-même reste décidée "
            "par l'administration."
        ),
    )
