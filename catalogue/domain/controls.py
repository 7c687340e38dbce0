"""The control of a published service that a report opens: the instruction team records a finding
per requirement of the dossier's referential (conforme or non conforme, with what it found), then
concludes; the conclusion may propose a suspension.

    (report: new, awaiting_editor, answered) ──control_open──▶ control: open
        ──finding_record (any number, one per requirement, rewritable while open)──▶
        ──control_conclude──▶ concluded (conclusion; proposes a suspension or not)

A proposal is only recorded: it shows on the dossier's page for the ministry and the
administration (`dossier_controls_section`), who are told by e-mail
(`report_suspension_proposed`); the suspension itself is the dossier's `suspend`
(catalogue/domain/publication.py), decided by them. Each move is one service, in a transaction
with its rows locked, the permission tested (catalogue/rules.py), every saved state kept by
django-simple-history with its author.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.applicability import applicable_requirements
from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from portal.accounts.rules import is_admin
from portal.notifications.messenger import notify

from .. import rules as r
from ..enums import ControlState, FindingVerdict, ReportState
from ..models import Control, ControlFinding, Report
from .reports import locked_report, required_text

FINDING_MAX = 5000


def control_open(*, report: Report, actor) -> Control:
    """Open the control of the reported service (the report's state becomes « contrôle »)."""
    with transaction.atomic():
        locked = locked_report(
            report,
            actor=actor,
            allowed=r.can_open_control,
            role=r.report_triager,
            action=_("ouvrir un contrôle"),
        )
        now = timezone.now()
        locked.state = ReportState.CONTROL
        locked.triaged_by, locked.triaged_at = actor, now
        locked._history_user = actor
        locked.save(update_fields=["state", "triaged_by", "triaged_at"])
        control = Control(
            dossier_id=locked.dossier_id,
            listing_id=locked.listing_id,
            report=locked,
            opened_by=actor,
            opened_at=now,
        )
        control._history_user = actor
        control.save()
    return control


def _locked_control(control: Control, *, actor, allowed, action: str) -> Control:
    locked = (
        Control.objects.select_for_update(of=("self",))
        .select_related(
            "dossier__service__orientation",
            "dossier__referential_version",
            "listing__card",
        )
        .filter(pk=control.pk)
        .first()
    )
    if locked is None:
        raise TransitionNotAvailable(_("Ce contrôle n'existe plus."))
    if not r.report_triager.test(actor):
        raise TransitionForbidden(
            _("Seule l'équipe référencement peut « %(action)s ».") % {"action": action}
        )
    if not allowed.test(actor, locked):
        raise TransitionNotAvailable(_("Ce contrôle est conclu : il ne peut plus changer."))
    return locked


def control_requirements(control: Control) -> list:
    """The requirements a finding may be about: those that apply to the controlled dossier."""
    return applicable_requirements(control.dossier)


def finding_record(
    *, control: Control, actor, requirement_id: int, verdict: str, text: str
) -> ControlFinding:
    """Record (or rewrite) the control's finding on one requirement."""
    text = required_text(text, _("Décrivez ce que le contrôle a constaté."))
    if len(text) > FINDING_MAX:
        raise TransitionInvalid(_("Le constat est trop long."))
    if verdict not in FindingVerdict.values:
        raise TransitionInvalid(_("Choisissez « conforme » ou « non conforme »."))
    with transaction.atomic():
        locked = _locked_control(
            control, actor=actor, allowed=r.can_record_finding, action=_("noter un constat")
        )
        requirement = next(
            (x for x in control_requirements(locked) if x.pk == requirement_id), None
        )
        if requirement is None:
            raise TransitionInvalid(_("Cette exigence ne s'applique pas au dossier contrôlé."))
        finding = ControlFinding.objects.filter(control=locked, requirement=requirement).first()
        finding = finding or ControlFinding(control=locked, requirement=requirement)
        finding.verdict, finding.text = verdict, text
        finding.recorded_by, finding.recorded_at = actor, timezone.now()
        finding._history_user = actor
        finding.save()
    return finding


def control_conclude(
    *, control: Control, actor, conclusion: str, proposes_suspension: bool
) -> Control:
    """Close the control with its conclusion; proposing a suspension needs a finding « non
    conforme » and tells the ministry and the administration."""
    conclusion = required_text(conclusion, _("Rédigez la conclusion du contrôle."))
    with transaction.atomic():
        locked = _locked_control(
            control, actor=actor, allowed=r.can_conclude_control, action=_("conclure le contrôle")
        )
        verdicts = set(locked.findings.values_list("verdict", flat=True))
        reasons = []
        if not verdicts:
            reasons.append(_("Notez au moins un constat avant de conclure le contrôle."))
        if proposes_suspension and FindingVerdict.NON_COMPLIANT not in verdicts:
            reasons.append(
                _("Proposer une suspension demande au moins un constat « non conforme ».")
            )
        if reasons:
            raise TransitionBlocked(reasons)
        locked.state = ControlState.CONCLUDED
        locked.conclusion = conclusion
        locked.proposes_suspension = bool(proposes_suspension)
        locked.concluded_by, locked.concluded_at = actor, timezone.now()
        locked._history_user = actor
        locked.save(
            update_fields=[
                "state",
                "conclusion",
                "proposes_suspension",
                "concluded_by",
                "concluded_at",
            ]
        )
        if locked.proposes_suspension:
            notify(
                "report_suspension_proposed", dossier=locked.dossier, actor=actor, control=locked
            )
    return locked


# -- reads ---------------------------------------------------------------------------------------


def control_for_page(user, pk: int) -> Control | None:
    """The control, with what its page shows, for someone who may read it; else None (404)."""
    if not r.can_view_control.test(user):
        return None
    return (
        Control.objects.select_related(
            "dossier__service__orientation",
            "dossier__referential_version",
            "listing__card",
            "report",
            "opened_by",
            "concluded_by",
        )
        .filter(pk=pk)
        .first()
    )


def control_findings(control: Control) -> list[ControlFinding]:
    return list(control.findings.select_related("requirement", "recorded_by"))


@dataclass(frozen=True)
class DossierControlsSection:
    """The controls of a dossier on its page, and the suspensions they propose."""

    dossier: object
    controls: list[Control] = field(default_factory=list)
    can_suspend: bool = False

    @property
    def proposals(self) -> list[Control]:
        return [c for c in self.controls if c.proposes_suspension]


#: The dossier states in which its controls show (those a report can reach).
CONTROL_DOSSIER_STATES = (DossierState.PUBLISHED, DossierState.SUSPENDED, DossierState.DEREFERENCED)


def dossier_controls_section(*, dossier, user) -> DossierControlsSection | None:
    """The dossier page's controls (applications.domain.dossier_page.SECTIONS["controls"]):
    for the instruction team, the ministry and the administration, once a control exists
    (one query; none for anyone else)."""
    if dossier.state not in CONTROL_DOSSIER_STATES:
        return None
    if not r.report_staff.test(user):
        return None
    controls = list(
        Control.objects.filter(dossier=dossier).select_related("concluded_by").order_by("-pk")
    )
    if not controls:
        return None
    return DossierControlsSection(
        dossier=dossier,
        controls=controls,
        can_suspend=dossier.state == DossierState.PUBLISHED and is_admin.test(user),
    )


def suspension_proposal_summary(dossier) -> str:
    """What the latest control proposing to suspend `dossier`'s service found, as the motives a
    suspension decision starts from (catalogue/forms_measures.py): its conclusion and its
    « non conforme » findings; empty when no control proposes it (two queries)."""
    control = (
        Control.objects.filter(dossier=dossier, proposes_suspension=True)
        .order_by("-concluded_at", "-pk")
        .first()
    )
    if control is None:
        return ""
    findings = control.findings.filter(verdict=FindingVerdict.NON_COMPLIANT).select_related(
        "requirement"
    )
    lines = [control.conclusion.strip()]
    lines += [f"- {f.requirement.code} : {f.text.strip()}" for f in findings]
    return "\n".join(line for line in lines if line)
