"""The editor's declaration of a change on a published service.

    change_draft_create ──▶ draft ──change_send──▶ declared (« à qualifier »)
                              └──change_discard──▶ (deleted: nothing was sent)

- `change_draft_create`: the items (one, or several editorial notices bundled: a substantial
  change is declared on its own), each with its text, the editor's view and the requirements of
  the dossier's referential version it touches; the attachments, each checked on its content as
  the dossier's evidence is (applications/evidence_files.py). Everything is checked before
  anything is written: a refused file, an empty text or a requirement of another version write
  nothing. Files are stored last, in the transaction, and removed again if it fails.
- `change_send`: the confirmed draft is sent: its qualification is due CHANGE_QUALIFICATION_MONTHS
  later (deadlines.py), the request it answers (if any) is answered, the history gets its first
  row and the instructors are told (`change_declared`, on commit through the outbox).
- `change_discard`: a draft the editor gives up (it was never sent: no history to keep).

Each write runs in one transaction with the declaration's (or the dossier's) row locked and the
permission tested again under the lock (changes/rules.py).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.exceptions import (
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
)
from applications.domain.stored_files import content_sha256
from applications.evidence_files import check_evidence_file
from applications.models import Dossier, Requirement
from portal.notifications.messenger import notify

from .. import rules as r
from ..enums import ChangeState, EditorView, RequestState
from ..models import (
    ChangeAttachment,
    ChangeDeclaration,
    ChangeEvent,
    ChangeItem,
    ChangeRequest,
)
from .deadlines import qualification_due_on

TEXT_MAX = 5000
MAX_ITEMS = 20
MAX_ATTACHMENTS = 10


@dataclass
class ItemInput:
    """One change as the editor describes it."""

    text: str
    editor_view: str
    requirements: Sequence = field(default_factory=list)  # Requirement objects or ids


class DeclarationRefused(TransitionInvalid):
    """The declaration was not recorded; `reasons` says each thing to fix."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


def _check_items(dossier: Dossier, items: Sequence[ItemInput]) -> tuple[list[str], list[list]]:
    """(reasons, requirements of each item) — reasons empty when the items are acceptable."""
    reasons: list[str] = []
    if not items:
        return [_("Décrivez au moins une modification.")], []
    if len(items) > MAX_ITEMS:
        reasons.append(
            _("Une déclaration groupe au plus %(n)s modifications mineures.") % {"n": MAX_ITEMS}
        )
    wanted = {
        getattr(req, "pk", req) for item in items for req in item.requirements if req is not None
    }
    found = Requirement.objects.filter(pk__in=wanted, version_id=dossier.referential_version_id)
    by_pk = {req.pk: req for req in found}
    resolved = []
    for number, item in enumerate(items, start=1):
        prefix = _("Modification %(n)s : ") % {"n": number} if len(items) > 1 else ""
        text = (item.text or "").strip()
        if not text:
            reasons.append(prefix + _("décrivez ce qui change dans le service."))
        elif len(text) > TEXT_MAX:
            reasons.append(prefix + _("la description dépasse %(n)s caractères.") % {"n": TEXT_MAX})
        if item.editor_view not in EditorView.values:
            reasons.append(
                prefix + _("indiquez si la modification est éditoriale ou substantielle.")
            )
        ids = [getattr(req, "pk", req) for req in item.requirements if req is not None]
        if not ids:
            reasons.append(prefix + _("choisissez au moins une exigence concernée."))
        if any(pk not in by_pk for pk in ids):
            reasons.append(
                prefix + _("une exigence choisie n'appartient pas au référentiel du dossier.")
            )
        resolved.append([by_pk[pk] for pk in dict.fromkeys(ids) if pk in by_pk])
    if len(items) > 1 and any(item.editor_view == EditorView.SUBSTANTIAL for item in items):
        reasons.append(
            _(
                "Seules les modifications mineures (éditoriales) peuvent être déclarées groupées : "
                "déclarez une modification substantielle seule."
            )
        )
    return reasons, resolved


def _check_files(files: Sequence) -> tuple[list[str], list]:
    reasons, checked = [], []
    if len(files) > MAX_ATTACHMENTS:
        reasons.append(
            _("Joignez au plus %(n)s fichiers à une déclaration.") % {"n": MAX_ATTACHMENTS}
        )
    for uploaded in files:
        try:
            checked.append((uploaded, check_evidence_file(uploaded)))
        except ValidationError as exc:
            reasons.extend(exc.messages)
    return reasons, checked


def _locked_dossier(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",)).select_related("service").get(pk=dossier.pk)
    )


def _open_request(dossier: Dossier, change_request) -> ChangeRequest | None:
    if change_request is None:
        return None
    found = (
        ChangeRequest.objects.select_for_update()
        .filter(pk=getattr(change_request, "pk", change_request), dossier=dossier)
        .first()
    )
    if found is None or found.state != RequestState.OPEN:
        raise TransitionInvalid(_("Cette demande de déclaration n'attend plus de réponse."))
    return found


def change_draft_create(
    *,
    dossier: Dossier,
    actor,
    items: Sequence[ItemInput],
    files: Iterable = (),
    change_request=None,
) -> ChangeDeclaration:
    """Record the editor's declaration as a draft, to confirm before it is sent (nothing is
    written when any part is refused: `DeclarationRefused` lists why)."""
    if not r.can_declare_change.test(actor, dossier):
        raise TransitionForbidden(
            _("Seuls les membres de l'éditeur déclarent une modification d'un service publié.")
        )
    files = list(files)
    reasons, requirements = _check_items(dossier, items)
    file_reasons, checked = _check_files(files)
    if reasons or file_reasons:
        raise DeclarationRefused(reasons + file_reasons)
    digests = [content_sha256(uploaded) for uploaded, _checked in checked]
    stored = []
    try:
        with transaction.atomic():
            locked = _locked_dossier(dossier)
            if not r.can_declare_change.test(actor, locked):
                raise TransitionConflict(
                    _("Ce service n'est plus publié : la modification ne peut être déclarée.")
                )
            declaration = ChangeDeclaration.objects.create(
                dossier=locked,
                request=_open_request(locked, change_request),
                created_by=actor,
            )
            for position, (item, reqs) in enumerate(zip(items, requirements, strict=True)):
                row = ChangeItem.objects.create(
                    declaration=declaration,
                    position=position,
                    text=item.text.strip(),
                    editor_view=item.editor_view,
                )
                row.requirements.set(reqs)
            for (uploaded, info), digest in zip(checked, digests, strict=True):
                attachment = ChangeAttachment(
                    declaration=declaration,
                    name=info.name,
                    kind=info.kind,
                    content_type=info.content_type,
                    size=info.size,
                    sha256=digest,
                    uploaded_by=actor,
                )
                attachment.file.save(info.name, uploaded, save=False)
                stored.append(attachment.file)
                attachment.save()
    except Exception:
        for field_file in stored:
            field_file.delete(save=False)  # nothing half-written: no orphan file
        raise
    return declaration


def _locked_declaration(declaration: ChangeDeclaration) -> ChangeDeclaration:
    locked = (
        ChangeDeclaration.objects.select_for_update(of=("self",))
        .select_related("dossier__service", "request")
        .filter(pk=declaration.pk)
        .first()
    )
    if locked is None or locked.state != declaration.state:
        raise TransitionConflict(
            _("La déclaration a changé depuis que vous l'avez ouverte : rechargez la page.")
        )
    return locked


def change_send(*, declaration: ChangeDeclaration, actor) -> ChangeDeclaration:
    """Send the confirmed draft to the instruction team."""
    with transaction.atomic():
        locked = _locked_declaration(declaration)
        if not r.can_send_declaration.test(actor, locked):
            raise TransitionForbidden(
                _("Seuls les membres de l'éditeur envoient cette déclaration.")
            )
        if not r.is_dossier_published.test(actor, locked.dossier):
            raise TransitionConflict(
                _("Ce service n'est plus publié : la modification ne peut être déclarée.")
            )
        now = timezone.now()
        locked.state = ChangeState.DECLARED
        locked.declared_by, locked.declared_at = actor, now
        locked.qualification_due_on = qualification_due_on(now)
        locked.save(update_fields=["state", "declared_by", "declared_at", "qualification_due_on"])
        if locked.request_id is not None:
            ChangeRequest.objects.filter(pk=locked.request_id, state=RequestState.OPEN).update(
                state=RequestState.ANSWERED
            )
        ChangeEvent.objects.create(
            declaration=locked,
            at=now,
            actor=actor,
            from_state=ChangeState.DRAFT,
            to_state=ChangeState.DECLARED,
        )
        notify("change_declared", dossier=locked.dossier, actor=actor, declaration=locked)
    return locked


def change_discard(*, declaration: ChangeDeclaration, actor) -> None:
    """Give up a draft (never sent): its rows and files go."""
    with transaction.atomic():
        locked = _locked_declaration(declaration)
        if not r.can_discard_declaration.test(actor, locked):
            raise TransitionForbidden(_("Seuls les membres de l'éditeur suppriment ce brouillon."))
        files = [attachment.file for attachment in locked.attachments.all()]
        locked.delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
