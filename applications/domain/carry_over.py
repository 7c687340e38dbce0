"""What a renewal copies from the dossier it renews (applications/domain/renewal.py opens the
renewal and calls these in its transaction).

- `carry_over_plan`: what renewing a dossier onto a referential version copies, four queries:
  the answers of every requirement whose code still exists in that version (status,
  justification, free comment), the current evidence links, the codes changed between the two
  versions and those dropped (answered before, gone now);
- `carry_over_copy`: the copy itself, onto the new draft. Each copied answer is marked
  (`Answer.carried_over`): « reprise de la version précédente — à confirmer », or « exigence
  modifiée — vérifiez votre réponse » when the requirement changed between the two versions.
  Each document is copied once into the new library, on the file already stored
  (`stored_files.document_on_stored_file`: files are never changed nor deleted), and linked
  again to the same requirements."""

from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history

from ..models import Answer, Document, Dossier, Evidence, ReferentialVersion, Requirement
from ..models.questionnaire import CarriedOver
from ..referential.diff import referential_diff
from .stored_files import document_on_stored_file


@dataclass
class CarryOverPlan:
    """What a renewal copies from `old` onto `version`."""

    old: Dossier
    version: ReferentialVersion
    #: The target version's requirements, by code.
    targets: dict[str, Requirement]
    #: Codes changed between the two versions (their copied answer is marked « modifiée »).
    changed: set[str]
    #: The old dossier's answers worth copying, and its current evidence links, by code.
    answers: dict[str, Answer]
    links: list[Evidence]
    #: Codes the old dossier answered (or proved) that the new version no longer has.
    dropped: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        """The codes whose answer is copied, in the new version's order."""
        kept = set(self.answers) | {link.requirement.code for link in self.links}
        return sorted(
            (code for code in kept if code in self.targets),
            key=lambda code: self.targets[code].position,
        )

    @property
    def documents(self) -> list[Document]:
        """The documents copied, each once (the same content once)."""
        seen: dict[str, Document] = {}
        for link in self.links:
            if link.requirement.code in self.targets:
                seen.setdefault(link.document.sha256, link.document)
        return list(seen.values())


def _has_content(answer: Answer) -> bool:
    return bool(answer.status or answer.justification or answer.free_text)


def carry_over_plan(old: Dossier, version: ReferentialVersion) -> CarryOverPlan:
    """What renewing `old` onto `version` copies (four queries)."""
    targets = {
        requirement.code: requirement
        for requirement in Requirement.objects.filter(version=version).select_related("section")
    }
    changed = set()
    if old.referential_version_id and old.referential_version_id != version.pk:
        changed = {
            change.code for change in referential_diff(old.referential_version, version).changed
        }
    answers = {
        answer.requirement.code: answer
        for answer in Answer.objects.filter(dossier=old).select_related("requirement")
        if _has_content(answer)
    }
    links = list(
        Evidence.objects.filter(dossier=old, removed_at=None, document__removed_at=None)
        .select_related("document", "requirement")
        .order_by("pk")
    )
    proven = {link.requirement.code for link in links}
    dropped = sorted(code for code in set(answers) | proven if code not in targets)
    return CarryOverPlan(old, version, targets, changed, answers, links, dropped)


def carry_over_copy(plan: CarryOverPlan, new: Dossier, actor) -> None:
    """Copy `plan` onto the draft `new` (module docstring), inside the caller's transaction."""
    answers = []
    for code in plan.codes:
        source = plan.answers.get(code)
        answers.append(
            Answer(
                dossier=new,
                requirement=plan.targets[code],
                status=source.status if source else "",
                justification=source.justification if source else "",
                free_text=source.free_text if source else "",
                version=1,
                updated_by=actor,
                carried_over=CarriedOver.CHANGED if code in plan.changed else CarriedOver.UNCHANGED,
            )
        )
    bulk_create_with_history(answers, Answer, default_user=actor)
    copies = {
        source.sha256: document_on_stored_file(dossier=new, stored=source, actor=actor)
        for source in plan.documents
    }
    links: dict[tuple[int, int], Evidence] = {}
    for link in plan.links:
        target = plan.targets.get(link.requirement.code)
        if target is None:
            continue
        document = copies[link.document.sha256]
        links.setdefault(
            (document.pk, target.pk),
            Evidence(dossier=new, document=document, requirement=target, attached_by=actor),
        )
    Evidence.objects.bulk_create(links.values())
