"""Reads behind the questionnaire pages, in a fixed number of queries whatever the referential's
size.

The page of one domain lists its requirements collapsed, each with its state (`RequirementItem`):
what applies (the domains, the requirements with their sections: read once per referential
version and set of facts, then kept by the process — see `_page_applicability`), the answers'
statuses and the evidence counts, two reads of plain values: no answer or file object is built.
One requirement's full form (`AnswerBlock`: the answer, its files and, when editable, the
library's other documents to pick from) is read on demand, three queries more: for the
fragment that the page loads when a requirement is opened, and for the requirement the page shows
open (`expanded`: the page without JavaScript, or after a full-page post).

While complements are requested, one query more reads the open request's questions
(`complement_questions`): each requirement it asks about shows its question and stays editable,
every other one is locked (read-only, no form), and the page lists the ones asked about, every
domain included, at its top. The same, one query, on a published dossier whose declared change
waits for the editor's update (`change_update_requirements`): the requirements the change touches
show « À mettre à jour : modification n° N » and stay editable, every other one is locked.

For a renewal (`Dossier.renews`), a few queries more read what changed since the renewed
dossier (`renewal.renewal_changes`: the version diff and the answers still to confirm), listed
at the page's top; none for any other dossier."""

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, CharField, Count, IntegerField, Q, Value, When

from .. import rules as r
from ..enums import AnswerStatus
from ..models import Answer, Dossier, Evidence, Requirement
from .applicability import Applicability, dossier_applicability, orientation_variables
from .documents import attachable_documents
from .questionnaire import (
    answer_gaps,
    change_update_requirements,
    complement_questions,
    locked_by_complements,
)
from .renewal import RenewalChanges, renewal_changes

STATUS_LABELS = dict(AnswerStatus.choices)


@dataclass(frozen=True)
class AnswerState:
    """What `answer_gaps` reads of an answer, without the answer: its status and whether it has a
    justification."""

    status: str
    justification: bool


class RequirementStateMixin:
    """The state shown on a requirement's collapsed line (`requirement`, `status`, `file_count`
    and `gaps` are the subclass's)."""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    @property
    def complete(self) -> bool:
        return bool(self.status) and not self.gaps


@dataclass
class RequirementItem(RequirementStateMixin):
    """One requirement on the domain page, collapsed."""

    requirement: Requirement
    status: str
    file_count: int
    gaps: list[str]
    #: Its form, when the page shows this requirement open.
    block: "AnswerBlock | None" = None
    #: During complements: the question asked on it ("" if none), and whether it is locked for
    #: the editor (who may change only what the request asks about).
    question: str = ""
    locked: bool = False
    #: While a declared change waits for the editor's update: the change it is touched by
    #: (« Modification n° N »; "" if none).
    update: str = ""


@dataclass
class AnswerBlock(RequirementStateMixin):
    """One requirement opened: its answer form and its evidence."""

    dossier_id: int
    requirement: Requirement
    answer: Answer | None
    files: list[Evidence]
    editable: bool
    gaps: list[str]
    saved: bool = False
    conflict: object = None
    mine: dict | None = None
    errors: dict | None = None
    upload_errors: list[str] = field(default_factory=list)
    attach_errors: list[str] = field(default_factory=list)
    #: The library's documents it may be given (not attached yet; empty unless editable).
    library: list = field(default_factory=list)
    #: During complements: the question asked on it ("" if none), and whether it is locked for
    #: the editor (who may change only what the request asks about).
    question: str = ""
    locked: bool = False
    #: While a declared change waits for the editor's update: the change that touches it ("" if
    #: none), and whether such an update is open at all (what a locked one says).
    update: str = ""
    updating: bool = False

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def status(self) -> str:
        return self.answer.status if self.answer else ""

    @property
    def file_count(self) -> int:
        return len(self.files)

    statuses = AnswerStatus.choices


@dataclass
class DomainNav:
    code: str
    title: str
    total: int = 0
    done: int = 0
    asked: int = 0  # requirements of the domain the open complements (or change update) name

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class SectionView:
    code: str
    title: str
    items: list[RequirementItem] = field(default_factory=list)


@dataclass
class AskedRequirement:
    """A requirement the open complements request asks about, listed at the page's top."""

    requirement: Requirement
    question: str


@dataclass
class QuestionnairePage:
    dossier: Dossier
    editable: bool
    domains: list[DomainNav]
    current: str | None
    sections: list[SectionView]
    #: The requirement shown open, with its form (None: every requirement collapsed).
    expanded: AnswerBlock | None = None
    #: While complements are requested: what they ask about, in the referential's order
    #: (None in any other state).
    asked: list[AskedRequirement] | None = None
    #: A renewal's changes, listed first (applications/domain/renewal.py; None otherwise).
    renewal: RenewalChanges | None = None
    #: While a declared change waits for the editor's update: the requirements it touches, each
    #: with its change as `question` (None in any other case).
    updates: list[AskedRequirement] | None = None

    @property
    def complements(self) -> bool:
        return self.asked is not None

    @property
    def updating(self) -> bool:
        return self.updates is not None

    @property
    def current_domain(self) -> DomainNav | None:
        return next((d for d in self.domains if d.code == self.current), None)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.domains)

    @property
    def done(self) -> int:
        return sum(d.done for d in self.domains)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def answer_states(dossier: Dossier) -> tuple[dict[int, AnswerState], dict[int, int]]:
    """Every answer's status and whether it is justified, and every requirement's count of
    files, by requirement id: one query for the two (a UNION: the page's reads each cost a round
    trip), values only (the justifications' text is not read)."""
    answers = (
        Answer.objects.filter(dossier=dossier)
        .values_list(
            "requirement_id",
            "status",
            Case(When(Q(justification=""), then=Value(False)), default=Value(True)),
            Value(None, output_field=IntegerField()),
        )
        .order_by()
    )
    files = (
        Evidence.objects.filter(dossier=dossier, removed_at__isnull=True)
        .values("requirement_id")
        .annotate(
            status=Value(None, output_field=CharField()),
            justified=Value(None, output_field=BooleanField()),
            n=Count("pk"),
        )
        .values_list("requirement_id", "status", "justified", "n")
        .order_by()
    )
    states, counts = {}, {}
    for pk, status, justified, n in answers.union(files, all=True):
        if n is None:
            states[pk] = AnswerState(status, justified)
        else:
            counts[pk] = n
    return states, counts


#: What applies of a referential version for one set of facts about a service, kept by the
#: process: the same few (version, facts) pairs serve every editor, and reading a version's
#: requirements (160 rows with their sections) was a quarter of the page's time. A version is
#: rewritten only by `load_referential`, which changes its digest and its load time: both are in
#: the key, so a reloaded version is read afresh.
_APPLICABILITY: dict[tuple, Applicability] = {}
_APPLICABILITY_MAX = 32


def _page_applicability(dossier: Dossier) -> Applicability:
    version = dossier.referential_version
    if version is None:
        return dossier_applicability(dossier)
    facts = tuple(sorted(orientation_variables(dossier.service).items()))
    key = (version.pk, version.source_sha256, version.loaded_at, facts)
    applicability = _APPLICABILITY.get(key)
    if applicability is None:
        applicability = dossier_applicability(dossier)
        applicability.requirements  # noqa: B018 (read now, kept with it)
        if len(_APPLICABILITY) >= _APPLICABILITY_MAX:
            _APPLICABILITY.clear()
        _APPLICABILITY[key] = applicability
    return applicability


def questionnaire_page(
    *, dossier: Dossier, user, domain: str | None, expand: str | None = None
) -> QuestionnairePage:
    """The page of `domain` (None: the first that applies); `expand`, a requirement code of
    that domain, is shown open with its form."""
    applicability = _page_applicability(dossier)
    answers, counts = answer_states(dossier)
    questions = complement_questions(dossier)
    changes = change_update_requirements(dossier) if questions is None else None
    opened = questions if questions is not None else changes
    editable = r.can_edit_questionnaire.test(user, dossier)
    nav = {d.code: DomainNav(d.code, d.title) for d in applicability.domains}
    current = domain if domain in nav else (None if domain else next(iter(nav), None))
    sections: dict[str, SectionView] = {}
    expanded = None
    asked = None if questions is None else []
    updates = None if changes is None else []
    for requirement in applicability.requirements:
        answer = answers.get(requirement.pk)
        file_count = counts.get(requirement.pk, 0)
        gaps = answer_gaps(answer, requirement, file_count)
        entry = nav[requirement.domain]
        entry.total += 1
        entry.done += bool(answer and answer.status) and not gaps
        question = questions.get(requirement.pk, "") if questions else ""
        if question:
            entry.asked += 1
            asked.append(AskedRequirement(requirement, question))
        update = changes.get(requirement.pk, "") if changes else ""
        if update:
            entry.asked += 1
            updates.append(AskedRequirement(requirement, update))
        if requirement.domain != current:
            continue
        section = sections.get(requirement.section_id)
        if section is None:
            section = sections[requirement.section_id] = SectionView(
                requirement.section.code, requirement.section.title
            )
        item = RequirementItem(
            requirement,
            answer.status if answer else "",
            file_count,
            gaps,
            question=question,
            locked=editable and locked_by_complements(opened, requirement.pk),
            update=update,
        )
        if requirement.code == expand:
            expanded = item.block = answer_block(
                dossier=dossier,
                requirement=requirement,
                user=user,
                questions=questions,
                changes=changes,
            )
        section.items.append(item)
    return QuestionnairePage(
        dossier,
        editable,
        list(nav.values()),
        current,
        list(sections.values()),
        expanded,
        asked,
        renewal_changes(dossier, requirements=applicability.requirements),
        updates,
    )


_UNREAD = object()


def answer_block(
    *,
    dossier: Dossier,
    requirement: Requirement,
    user,
    questions=_UNREAD,
    changes=_UNREAD,
    **extra,
) -> AnswerBlock:
    """One requirement's form: its answer (who saved it last), its files and, when editable, the
    library's other documents (one query more); during complements
    (`questions`, read here unless the caller has them), its question, or locked; while a
    declared change waits for the update (`changes`, likewise), the change, or locked."""
    if questions is _UNREAD:
        questions = complement_questions(dossier)
    if changes is _UNREAD:
        changes = change_update_requirements(dossier) if questions is None else None
    opened = questions if questions is not None else changes
    may_edit = r.can_edit_questionnaire.test(user, dossier)
    locked = may_edit and locked_by_complements(opened, requirement.pk)
    answer = (
        Answer.objects.select_related("updated_by")
        .filter(dossier=dossier, requirement=requirement)
        .first()
    )
    files = list(
        Evidence.objects.filter(
            dossier=dossier, requirement=requirement, removed_at__isnull=True
        ).select_related("document")
    )
    editable = may_edit and not locked
    return AnswerBlock(
        dossier_id=dossier.pk,
        requirement=requirement,
        answer=answer,
        files=files,
        editable=editable,
        gaps=answer_gaps(answer, requirement, len(files)),
        library=attachable_documents(dossier, requirement) if editable else [],
        question=(questions or {}).get(requirement.pk, ""),
        locked=locked,
        update=(changes or {}).get(requirement.pk, ""),
        updating=changes is not None,
        **extra,
    )
