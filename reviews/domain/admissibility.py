"""Admissibility: the instructor declares a submitted dossier incomplete, with one reason per
requirement concerned (or on the whole dossier)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.domain import transitions as t
from applications.enums import TransitionName

from ..models import IncompletenessItem


def incompleteness_comment(items) -> str:
    """One line per reason: « ETH-ACC-01 — La déclaration jointe est illisible. »"""
    return "\n".join(
        f"{requirement.code if requirement else _('Général')} — {reason}"
        for requirement, reason in items
    )


def dossier_incompleteness_declare(*, dossier, actor, items):
    """Declare `dossier` incomplete; `items` are (requirement or None, reason) pairs.

    The reasons make the transition's comment (timeline and e-mail to the editor) and are kept
    line by line, tied to the audit row, for the dossier page."""
    items = [(requirement, (reason or "").strip()) for requirement, reason in items]
    if not items:
        raise ValidationError(_("Indiquez au moins un motif d'incomplétude."))
    if any(not reason for _requirement, reason in items):
        raise ValidationError(_("Chaque motif doit être rédigé."))
    for requirement, _reason in items:
        if requirement is not None and requirement.version_id != dossier.referential_version_id:
            raise ValidationError(_("Cette exigence n'appartient pas au référentiel du dossier."))
    with transaction.atomic():
        dossier = t.dossier_declare_incomplete(
            dossier=dossier, actor=actor, comment=incompleteness_comment(items)
        )
        log = dossier.transition_logs.filter(transition=TransitionName.DECLARE_INCOMPLETE).latest(
            "seq"
        )
        IncompletenessItem.objects.bulk_create(
            IncompletenessItem(
                dossier=dossier,
                transition_log=log,
                requirement=requirement,
                reason=reason,
                position=position,
            )
            for position, (requirement, reason) in enumerate(items, start=1)
        )
    return dossier


def latest_incompleteness_items(dossier) -> list[IncompletenessItem]:
    """The reasons of the last declaration of incompleteness (none if it was made without)."""
    latest = (
        dossier.transition_logs.filter(transition=TransitionName.DECLARE_INCOMPLETE)
        .order_by("-seq")
        .values("pk")[:1]
    )
    return list(
        IncompletenessItem.objects.filter(dossier=dossier, transition_log__in=latest)
        .select_related("requirement")
        .order_by("position")
    )
