"""The three test stages of a data-exchange dossier: what each stands at, and who moves it.

Writes (`<entity>_<verb>`, keyword-only, each in one transaction under the dossier's row lock,
as transitions are, so that a filing sees a stage whole):

- `stage_evidence_add`: the editor uploads a file for a stage (checked on its content as every
  evidence file is); the stage is then « en cours »;
- `stage_request_validation`: the editor asks the instruction to validate a stage, with its
  evidence (for the end-to-end stage, the test book itself may be the evidence); told to the
  instructors;
- `stage_validate` / `stage_reject`: an instructor (or an administrator) marks the stage
  passed, or failed with a reason; told to the editor's organisation. Validating a stage writes
  the catalogue's proofs of exchange (one per API, with the guide version) and, for the
  end-to-end stage, queues the test book's report;
- `stage_pass_for_fixture`: demo and test data only — a stage passed by `actor` in one step.

Reads: `dossier_stages(dossier, user)` (three queries: the stages, their evidence, the test book
reads two more for the end-to-end stage) and `stage_is_passed(dossier, kind)` (one query).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.stored_files import content_sha256
from applications.evidence_files import check_evidence_file
from applications.models import Dossier
from catalogue.domain.exchange_proofs import exchange_proofs_record

from ..enums import StageKind, StageStatus
from ..models import StageEvidence, TestBookReport, TestStage
from ..rules import (
    can_decide_test_stage,
    can_manage_sandbox,
    can_view_test_stages,
    dossier_exchanges_data,
)
from .stage_notifications import notify_stage_event
from .test_book import GUIDES, TestBook, guide_versions_of, test_book
from .test_book_report import TEST_BOOK_REPORT


class StageNotAvailable(ValidationError):
    """The stage cannot be moved that way now (French message)."""


# --- Reads --------------------------------------------------------------------------------------


def stage_is_passed(dossier, kind: StageKind) -> bool:
    return TestStage.objects.filter(
        dossier_id=dossier.pk, kind=kind, status=StageStatus.PASSED
    ).exists()


@dataclass
class StageView:
    """One stage as the pages show it."""

    stage: TestStage
    kind: StageKind
    status: StageStatus
    evidence: list[StageEvidence] = field(default_factory=list)
    #: The end-to-end stage: every case of the test book passed, waiting for the instruction.
    book_complete: bool = False
    can_manage: bool = False
    can_decide: bool = False

    @property
    def label(self) -> str:
        return str(self.kind.label)

    @property
    def before(self) -> str:
        return str(self.kind.before)

    @property
    def status_label(self) -> str:
        if self.awaiting_decision and self.kind == StageKind.END_TO_END and self.book_complete:
            return _("Réussi — à valider")
        return str(self.status.label)

    @property
    def tone(self) -> str:
        if self.awaiting_decision and self.book_complete:
            return "success"
        return self.status.tone

    @property
    def requested(self) -> bool:
        return self.stage.requested_at is not None and self.status == StageStatus.IN_PROGRESS

    @property
    def awaiting_decision(self) -> bool:
        """Something for the instruction to decide on: a request, or a complete test book."""
        if self.status in (StageStatus.PASSED, StageStatus.FAILED) and not self.requested:
            return False
        return self.requested or self.book_complete

    @property
    def may_upload(self) -> bool:
        return self.can_manage and self.status != StageStatus.PASSED

    @property
    def may_request(self) -> bool:
        return (
            self.may_upload and not self.requested and (bool(self.evidence) or self.book_complete)
        )

    @property
    def may_decide(self) -> bool:
        return self.can_decide and self.awaiting_decision

    @property
    def slug(self) -> str:
        return self.kind.value.replace("_", "-")


@dataclass
class StagesPage:
    dossier: Dossier
    stages: list[StageView]
    book: TestBook
    reports: list[TestBookReport]
    can_manage: bool
    can_decide: bool

    def stage(self, kind) -> StageView:
        return next(view for view in self.stages if view.kind == kind)


def _stage_rows(dossier) -> dict[str, TestStage]:
    rows = {
        stage.kind: stage
        for stage in TestStage.objects.filter(dossier=dossier).select_related(
            "requested_by", "decided_by"
        )
    }
    return {
        kind.value: rows.get(kind.value) or TestStage(dossier=dossier, kind=kind.value)
        for kind in StageKind
    }


def _effective_status(stage: TestStage, book: TestBook | None) -> StageStatus:
    status = StageStatus(stage.status)
    if status == StageStatus.TODO and book is not None and book.started:
        return StageStatus.IN_PROGRESS
    return status


def dossier_stages(*, dossier, user) -> StagesPage:
    """The three stages of `dossier` as `user` sees them (the caller checked
    `can_view_test_stages`), with the test book and its reports."""
    rows = _stage_rows(dossier)
    evidence: dict[int, list[StageEvidence]] = {}
    saved = [stage.pk for stage in rows.values() if stage.pk]
    if saved:
        for item in StageEvidence.objects.filter(stage_id__in=saved).select_related("uploaded_by"):
            evidence.setdefault(item.stage_id, []).append(item)
    book = test_book(dossier)
    can_manage = can_manage_sandbox.test(user, dossier)
    can_decide = can_decide_test_stage.test(user, dossier)
    views = []
    for kind in StageKind:
        stage = rows[kind.value]
        end_to_end = kind == StageKind.END_TO_END
        views.append(
            StageView(
                stage=stage,
                kind=kind,
                status=_effective_status(stage, book if end_to_end else None),
                evidence=evidence.get(stage.pk, []),
                book_complete=end_to_end and book.complete,
                can_manage=can_manage,
                can_decide=can_decide,
            )
        )
    return StagesPage(
        dossier=dossier,
        stages=views,
        book=book,
        reports=list(TestBookReport.objects.filter(dossier=dossier).order_by("-created_at")[:5]),
        can_manage=can_manage,
        can_decide=can_decide,
    )


@dataclass
class DossierStagesSection:
    """The stages' block on the dossier page (templates/sandbox/stages/_dossier_section.html)."""

    dossier_id: int
    stages: list[tuple[str, str, str]]
    report: TestBookReport | None


def dossier_stages_section(*, dossier, user) -> DossierStagesSection | None:
    if not dossier_exchanges_data(dossier) or not can_view_test_stages.test(user, dossier):
        return None
    rows = _stage_rows(dossier)
    stages = []
    for kind in StageKind:
        status = StageStatus(rows[kind.value].status)
        stages.append((str(kind.label), str(status.label), status.tone))
    report = (
        TestBookReport.objects.filter(dossier=dossier, status="ready")
        .order_by("-created_at")
        .first()
    )
    return DossierStagesSection(dossier_id=dossier.pk, stages=stages, report=report)


# --- Writes -------------------------------------------------------------------------------------


def _locked(dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",)).select_related("service").get(pk=dossier.pk)
    )


def _stage(dossier, kind) -> TestStage:
    stage, _created = TestStage.objects.select_for_update().get_or_create(
        dossier=dossier, kind=StageKind(kind).value
    )
    return stage


def _check_exchange(dossier) -> None:
    if not dossier_exchanges_data(dossier):
        raise StageNotAvailable(_("Ce dossier ne demande pas d’échange de données."))


def _check_manage(dossier, actor) -> None:
    if not can_manage_sandbox.test(actor, dossier):
        raise PermissionDenied(_("Vous ne pouvez pas modifier les tests de ce dossier."))


def _check_decide(dossier, actor) -> None:
    if not can_decide_test_stage.test(actor, dossier):
        raise PermissionDenied(_("Seule l’équipe référencement valide les étapes de tests."))


def _guides(dossier) -> dict[str, tuple[str, str]]:
    """The guide and version of each API the dossier's service requests."""
    return {api: GUIDES[api] for api in dossier.service.mes_apis or [] if api in GUIDES}


def stage_evidence_add(*, dossier, kind, actor, uploaded) -> StageEvidence:
    """Check `uploaded` on its content and keep it as evidence of the stage; a refused file
    raises ValidationError (its reason) and stores nothing."""
    _check_manage(dossier, actor)
    checked = check_evidence_file(uploaded)
    digest = content_sha256(uploaded)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_manage(locked, actor)
        stage = _stage(locked, kind)
        if stage.is_passed:
            raise StageNotAvailable(_("Cette étape est déjà validée."))
        item = StageEvidence(
            stage=stage,
            name=checked.name,
            kind=checked.kind,
            content_type=checked.content_type,
            size=checked.size,
            sha256=digest,
            uploaded_by=actor,
        )
        item.file.save(checked.name, uploaded, save=False)
        try:
            with transaction.atomic():
                item.save()
                if stage.status == StageStatus.TODO:
                    stage.status = StageStatus.IN_PROGRESS
                    stage.save(update_fields=["status", "updated_at"])
        except Exception:
            item.file.delete(save=False)
            raise
    return item


def stage_request_validation(*, dossier, kind, actor, comment: str = "") -> TestStage:
    """The editor asks the instruction to validate the stage. It needs evidence: a file, or
    for the end-to-end stage a test book whose every case passed."""
    kind = StageKind(kind)
    _check_manage(dossier, actor)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_manage(locked, actor)
        _check_exchange(locked)
        stage = _stage(locked, kind)
        if stage.is_passed:
            raise StageNotAvailable(_("Cette étape est déjà validée."))
        if stage.requested_at is not None and stage.status == StageStatus.IN_PROGRESS:
            raise StageNotAvailable(_("La validation de cette étape est déjà demandée."))
        has_files = stage.evidence.exists()
        if not has_files and not (kind == StageKind.END_TO_END and test_book(locked).complete):
            raise StageNotAvailable(
                _(
                    "Joignez au moins un rapport de tests avant de demander la validation de "
                    "l’étape « %(stage)s »."
                )
                % {"stage": kind.label}
            )
        stage.status = StageStatus.IN_PROGRESS
        stage.requested_at = timezone.now()
        stage.requested_by = actor
        stage.request_comment = (comment or "").strip()
        stage.save()
        notify_stage_event("test_stage_validation_requested", stage=stage, actor=actor)
    return stage


def _awaits_decision(dossier, stage: TestStage) -> bool:
    if stage.requested_at is not None and stage.status == StageStatus.IN_PROGRESS:
        return True
    return (
        stage.kind == StageKind.END_TO_END
        and stage.status != StageStatus.PASSED
        and test_book(dossier).complete
    )


def _decide(dossier, kind, actor, *, passed: bool, comment: str) -> TestStage:
    kind = StageKind(kind)
    comment = (comment or "").strip()
    if not passed and not comment:
        raise ValidationError(_("Dites pourquoi l’étape n’est pas validée."))
    _check_decide(dossier, actor)
    with transaction.atomic():
        locked = _locked(dossier)
        _check_decide(locked, actor)
        _check_exchange(locked)
        stage = _stage(locked, kind)
        if stage.is_passed:
            raise StageNotAvailable(_("Cette étape est déjà validée."))
        if not _awaits_decision(locked, stage):
            raise StageNotAvailable(
                _("L’éditeur n’a pas demandé la validation de cette étape.")
                if kind != StageKind.END_TO_END
                else _(
                    "Le cahier de tests n’est pas entièrement réussi et l’éditeur n’a pas "
                    "demandé la validation de cette étape."
                )
            )
        now = timezone.now()
        stage.status = StageStatus.PASSED if passed else StageStatus.FAILED
        stage.decided_at = now
        stage.decided_by = actor
        stage.decision_comment = comment
        stage.requested_at = None
        stage.guide_versions = guide_versions_of(locked) if passed else {}
        stage.save()
        if passed:
            exchange_proofs_record(
                dossier=locked, stage=kind.value, guides=_guides(locked), passed_at=now
            )
            if kind == StageKind.END_TO_END:
                report_request(dossier=locked, actor=actor, checked=True)
        notify_stage_event(
            "test_stage_validated" if passed else "test_stage_rejected", stage=stage, actor=actor
        )
    return stage


def stage_validate(*, dossier, kind, actor, comment: str = "") -> TestStage:
    return _decide(dossier, kind, actor, passed=True, comment=comment)


def stage_reject(*, dossier, kind, actor, reason: str) -> TestStage:
    return _decide(dossier, kind, actor, passed=False, comment=reason)


def report_request(*, dossier, actor, checked: bool = False) -> TestBookReport:
    """Queue a new rendering of the dossier's test book (an instructor's, or on validation of
    the end-to-end stage); the PDF is produced by the durable job once this commits."""
    if not checked:
        _check_decide(dossier, actor)
    report = TestBookReport.objects.create(dossier=dossier, requested_by=actor)
    TEST_BOOK_REPORT.dispatch_on_commit(report.pk)
    return report


def stage_pass_for_fixture(*, dossier, kind, actor) -> TestStage | None:
    """Demo and test data only: the stage passed by `actor` (an instructor) in one step, no
    e-mail; nothing for a dossier without data exchange."""
    if not dossier_exchanges_data(dossier):
        return None
    kind = StageKind(kind)
    with transaction.atomic():
        locked = _locked(dossier)
        stage = _stage(locked, kind)
        if stage.is_passed:
            return stage
        now = timezone.now()
        stage.status = StageStatus.PASSED
        stage.decided_at = now
        stage.decided_by = actor
        stage.decision_comment = _("Étape validée d’office (données de démonstration ou de test).")
        stage.guide_versions = guide_versions_of(locked)
        stage.save()
        exchange_proofs_record(
            dossier=locked, stage=kind.value, guides=_guides(locked), passed_at=now
        )
    return stage


#: The stage each guarded transition needs (sandbox/guards.py).
STAGE_BEFORE_TRANSITION = {
    "submit": StageKind.UNIT,
    "resubmit": StageKind.UNIT,
    "schedule": StageKind.END_TO_END,
    "publish": StageKind.CONNECTION,
}


def stage_pass_before_transition(*, transition: str, dossier, actor) -> TestStage | None:
    """Demo and test data only: pass the stage `transition` needs (nothing for another
    transition, or a dossier without data exchange)."""
    kind = STAGE_BEFORE_TRANSITION.get(transition)
    if kind is None:
        return None
    return stage_pass_for_fixture(dossier=dossier, kind=kind, actor=actor)
