"""Forms of the commission's pages. They check types and choices; the rules (who, when, what is
required) live in `reviews.domain.commission` and `reviews.domain.sessions`, whose errors the
views put back on them."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from applications.enums import Opinion
from applications.forms.transitions import TransitionForm
from portal.accounts.roles import Role
from portal.form_fields import AsciiDateField, AsciiDecimalField
from portal.forms import DomainErrorsMixin

from .domain.commission import reservations_from_votes
from .domain.sessions import DEFAULT_QUORUM
from .forms import DateInput
from .models import CommissionSession
from .models.commission import Ballot


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def commission_members():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.COMMISSION_MEMBER)
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )


class SessionCreateForm(DomainErrorsMixin, DsfrBaseForm):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    date = AsciiDateField(label=_("Date de la séance"), widget=DateInput)
    members = PeopleChoiceField(
        label=_("Membres de la séance"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez les membres de la séance.")},
    )
    chair = PersonChoiceField(
        label=_("Président de séance"),
        queryset=None,
        empty_label=_("Choisissez le président"),
        help_text=_("Il ouvre et clôt les votes et enregistre l'avis de la commission."),
    )
    quorum_ratio = AsciiDecimalField(
        label=_("Quorum"),
        initial=DEFAULT_QUORUM,
        min_value=Decimal("0.01"),
        max_value=Decimal("0.99"),
        max_digits=3,
        decimal_places=2,
        help_text=_(
            "Part des membres sans conflit d'intérêts qui doit avoir pris part au vote, "
            "abstentions comprises, strictement : 0,50 = plus de la moitié."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = commission_members()
        self.fields["chair"].queryset = commission_members()
        self.fields["quorum_ratio"].widget.attrs["step"] = "0.01"
        self._bound_fields_cache.clear()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise ValidationError(_("La date de la séance ne peut pas être passée."))
        return day

    def clean(self):
        data = super().clean()
        chair, members = data.get("chair"), data.get("members")
        if chair is not None and members is not None and chair not in members:
            self.add_error("chair", _("Le président de séance doit être l'un des membres choisis."))
        return data


CHAIR_LABEL = _("%(name)s (président de séance)")


class AttendanceForm(DomainErrorsMixin, DsfrBaseForm):
    present = forms.MultipleChoiceField(
        label=_("Membres présents"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez les membres présents ; les autres seront notés absents."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(m.pk), str(CHAIR_LABEL) % {"name": m.user} if m.is_chair else str(m.user))
            for m in members
        ]
        if not self.is_bound:
            self.initial["present"] = [str(m.pk) for m in members if m.present]
        self._bound_fields_cache.clear()


class ConflictForm(DomainErrorsMixin, DsfrBaseForm):
    details = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Liens, missions ou intérêts avec l'éditeur. Vous ne voterez pas sur ce point."
        ),
        error_messages={"required": _("Décrivez la nature du conflit d'intérêts.")},
    )


class VoteForm(DomainErrorsMixin, DsfrBaseForm):
    """A member's vote. Which votes need a comment is the domain's rule (`vote_cast`), put back
    on the comment field by the view."""

    opinion = forms.ChoiceField(
        label=_("Votre vote"),
        choices=Ballot.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un avis ou l'abstention.")},
        help_text=_(
            "Une abstention compte pour le quorum, pas pour la majorité : l'avis de la "
            "commission est celui du plus grand nombre de voix exprimées."
        ),
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obligatoire, sauf pour un avis favorable ou une abstention ; il figure au "
            "procès-verbal."
        ),
    )


class ReservationResponseForm(DomainErrorsMixin, DsfrBaseForm):
    text = forms.CharField(
        label=_("Votre réponse aux réserves"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Expliquez ce que vous avez corrigé et où le trouver (pièces, pages, versions). "
            "L'équipe référencement la vérifiera avant de lever les réserves."
        ),
        error_messages={"required": _("Expliquez comment les réserves ont été levées.")},
    )


# -- the commission's transitions (dispatched by applications/views/dossiers.py) ----------------
class ScheduleForm(TransitionForm):
    session = forms.ModelChoiceField(
        label=_("Séance de la commission"),
        queryset=None,
        empty_label=_("Choisissez une séance"),
    )

    field_order = ["session", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = CommissionSession.objects.filter(
            date__gte=timezone.localdate()
        ).order_by("date")

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"], "session": self.cleaned_data["session"]}


class OpinionForm(TransitionForm):
    """The chair records the opinion the vote gave: shown read-only, never chosen here; the text
    of the reservations is asked for when the opinion carries some, drafted from the comments of
    the votes for reservations (the chair edits it)."""

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
        item = self.dossier.agenda_items.current() if self.dossier is not None else None
        self.voted = item.voted_opinion if item is not None else ""
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
            if "reservations" in self.fields and not self.is_bound:
                self.initial["reservations"] = reservations_from_votes(item)
            self._bound_fields_cache.clear()

    def _ask_reservations(self, label, help_text):
        field = self.fields["reservations"]
        field.required = True
        field.label = label
        field.help_text = format_lazy(
            "{} {}",
            help_text,
            _("Le texte est prérempli avec les commentaires des votes ; modifiez-le au besoin."),
        )
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
