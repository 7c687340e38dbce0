"""Forms of the instruction and the evaluation. They check types and choices; the rules (who,
when, what is required) live in `reviews.domain`, whose errors the views put back on them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from dsfr.forms import DsfrBaseForm

from applications.forms.transitions import TransitionForm
from portal.form_fields import AsciiDateField
from portal.forms import DomainErrorsMixin

from .domain.complements import unanswered_questions
from .models import Conclusion, VerdictChoice

GENERAL = ""


def requirement_choices(requirements, *, general: bool):
    """The first choice is the blank one: « Général » where a line may be about the whole
    dossier, « Choisissez une exigence » otherwise (so that a line left alone stays blank)."""
    blank = _("Général (tout le dossier)") if general else _("Choisissez une exigence")
    return [(GENERAL, blank)] + [(str(r.pk), f"{r.code} — {r.title}") for r in requirements]


class RequirementLineForm(DsfrBaseForm):
    """One line of a list of (requirement, text) pairs: a reason or a question. A line left
    blank (no requirement chosen, nothing written) is ignored by its formset."""

    requirement = forms.ChoiceField(label=_("Exigence concernée"), required=False)
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    text_label = ""
    text_required = ""  # the error of a line whose text is missing
    requirement_required = ""  # the error of a line whose requirement is missing (not general)

    def __init__(self, *args, requirements=(), general=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = {str(r.pk): r for r in requirements}
        self.general = general
        self.fields["requirement"].choices = requirement_choices(requirements, general=general)
        self.fields["requirement"].required = not general
        self.fields["text"].label = self.text_label
        for name, message in (
            ("requirement", self.requirement_required),
            ("text", self.text_required),
        ):
            if message:
                self.fields[name].error_messages["required"] = message
        self._bound_fields_cache.clear()  # DsfrBaseForm bound them before the changes above

    def clean_requirement(self):
        value = self.cleaned_data["requirement"]
        return self.requirements.get(value) if value else None


class IncompletenessLineForm(RequirementLineForm):
    text_label = _("Motif")
    text_required = _("Rédigez le motif, ou laissez la ligne entièrement vide.")


class ComplementLineForm(RequirementLineForm):
    text_label = _("Question posée à l'éditeur")
    text_required = _("Rédigez la question, ou laissez la ligne entièrement vide.")
    requirement_required = _(
        "Choisissez l'exigence concernée par la question, ou laissez la ligne entièrement vide."
    )


class BaseLinesFormSet(forms.BaseFormSet):
    """Lines left blank are ignored; at least one is required."""

    too_few = _("Remplissez au moins une ligne.")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.lines():
            raise ValidationError(self.too_few)

    def lines(self):
        return [
            (form.cleaned_data["requirement"], form.cleaned_data["text"])
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


class IncompletenessFormSet(BaseLinesFormSet):
    too_few = _("Indiquez au moins un motif d'incomplétude.")


class ComplementsFormSet(BaseLinesFormSet):
    too_few = _("Choisissez au moins une exigence et posez votre question.")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        codes = [requirement.code for requirement, _text in self.lines()]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValidationError(
                _("Une seule question par exigence : %(codes)s apparaît plusieurs fois.")
                % {"codes": ", ".join(duplicates)}
            )


LINES = 5

incompleteness_formset = forms.formset_factory(
    IncompletenessLineForm, formset=IncompletenessFormSet, extra=LINES, max_num=50
)
complements_formset = forms.formset_factory(
    ComplementLineForm, formset=ComplementsFormSet, extra=LINES, max_num=100
)


class ProvideComplementsForm(TransitionForm):
    """« Transmettre les compléments »: the questions left unanswered (`unanswered`, nothing
    changed on their requirement) are listed on the page, and sending anyway asks to tick a box.
    The transition itself does not require the answers."""

    confirm_unanswered = forms.BooleanField(required=False)

    def __init__(self, *args, dossier=None, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.unanswered = unanswered_questions(dossier) if dossier is not None else []
        if not self.unanswered:
            del self.fields["confirm_unanswered"]
        else:
            n = len(self.unanswered)
            field = self.fields["confirm_unanswered"]
            field.required = True
            field.label = ngettext(
                "Je transmets mes compléments bien que %(n)d question reste sans réponse.",
                "Je transmets mes compléments bien que %(n)d questions restent sans réponse.",
                n,
            ) % {"n": n}
            field.error_messages["required"] = _(
                "Cochez la case pour transmettre sans répondre à toutes les questions, ou "
                "répondez-y d'abord dans les questionnaires."
            )
        self._bound_fields_cache.clear()  # DsfrBaseForm bound them before the changes above


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AssignmentForm(DsfrBaseForm):
    expert = forms.ModelChoiceField(
        label=_("Expert"),
        queryset=None,
        empty_label=_("Choisissez un expert"),
        help_text=_(
            "Seuls sont proposés les experts du domaine qui n'ont pas déclaré de conflit "
            "d'intérêts avec cet éditeur."
        ),
    )
    due_on = AsciiDateField(label=_("À rendre le"), widget=DateInput)

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self._bound_fields_cache.clear()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise ValidationError(_("La date de rendu ne peut pas être passée."))
        return due_on


class ReasonField(forms.CharField):
    """Why an instructor changes an assignment: told to the experts concerned, kept on record."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Motif"),
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Communiqué aux experts concernés et conservé avec l'affectation."),
            **kwargs,
        )


class ExpertReplaceForm(DomainErrorsMixin, DsfrBaseForm):
    """Another expert for an assigned domain (reviews/domain/assignments.py,
    `assignment_replace_expert`)."""

    expert = forms.ModelChoiceField(
        label=_("Remplacer par"),
        queryset=None,
        empty_label=_("Choisissez un expert"),
        help_text=_(
            "Seuls sont proposés les experts du domaine qui n'ont pas déclaré de conflit "
            "d'intérêts avec cet éditeur."
        ),
    )
    reason = ReasonField()

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self._bound_fields_cache.clear()


class DueDateChangeForm(DomainErrorsMixin, DsfrBaseForm):
    """Another due date for an assignment (`assignment_change_due_date`)."""

    due_on = AsciiDateField(label=_("Nouvelle date de rendu"), widget=DateInput)
    reason = ReasonField()


class DeclarationForm(DsfrBaseForm):
    NONE, CONFLICT = "none", "conflict"

    declaration = forms.ChoiceField(
        label=_("Votre déclaration"),
        choices=[
            (NONE, _("Je déclare n'avoir aucun conflit d'intérêts avec cet éditeur")),
            (CONFLICT, _("Je déclare un conflit d'intérêts")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'une des deux déclarations.")},
    )
    details = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire si vous déclarez un conflit (liens, missions, intérêts)."),
    )

    def clean(self):
        data = super().clean()
        if data.get("declaration") == self.CONFLICT and not (data.get("details") or "").strip():
            self.add_error("details", _("Décrivez la nature du conflit d'intérêts."))
        return data

    @property
    def conflict(self) -> bool:
        return self.cleaned_data["declaration"] == self.CONFLICT


class VerdictForm(forms.Form):
    """The expert's verdict on one requirement (rendered by hand in the evaluation screen)."""

    verdict = forms.ChoiceField(
        choices=VerdictChoice.choices, error_messages={"required": _("Choisissez un avis.")}
    )
    comment = forms.CharField(required=False, max_length=10000)

    def typed(self) -> dict:
        """What was typed, as it was typed: shown back when it is refused."""
        return {name: str(self.data.get(name, "")) for name in self.fields}

    def clean(self):
        data = super().clean()
        verdict = data.get("verdict")
        if verdict and verdict != VerdictChoice.COMPLIANT and not data.get("comment", "").strip():
            self.add_error(
                "comment",
                _("Un commentaire est obligatoire quand l'exigence n'est pas conforme."),
            )
        return data


class SignForm(DomainErrorsMixin, DsfrBaseForm):
    conclusion = forms.ChoiceField(
        label=_("Conclusion de l'évaluation"),
        choices=Conclusion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une conclusion.")},
    )
    synthesis = forms.CharField(
        label=_("Synthèse"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Elle figure dans le rapport d'évaluation remis à la commission."),
        error_messages={"required": _("La synthèse est obligatoire.")},
    )
