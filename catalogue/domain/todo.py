"""What waits for the administrators and, once a dossier is referenced, for its editor: their
to-do lists (`RoleList`, applications/domain/dossier_lists.py), derived from what `publish`
needs (guards `has_signed_convention` and `has_approved_card`) and from who does what.

Editors (after their instruction's share, reviews/domain/todo.py): a referenced dossier whose
card is to be proposed or changed (none submitted or approved yet), or whose convention is ready
for their signature; a published or suspended service whose new card came back with changes
requested.

Administrators:

- a referenced dossier whose convention is to be drawn up (none yet, or its document failed to
  be produced: `convention_draw_up` relaunches it), or signed by the editor and awaiting the
  administration's countersignature (conventions/domain/services.py, signatures.py);
- a card proposed by the editor and awaiting review (catalogue/domain/cards.py) — for a
  referenced dossier, and for a published or suspended service whose card changes;
- a referenced dossier ready to be published: the convention signed by both parties and the
  card approved.
"""

from django.db.models import Exists, OuterRef, Q

from applications.domain.dossier_lists import ALL_BUT_DRAFT, Branch, RoleList, states_in_order
from applications.enums import DossierState
from conventions.enums import PdfStatus
from conventions.models import Convention
from portal.accounts.roles import Role
from reviews.domain.todo import editor_instruction_branches

from ..enums import CardState
from ..models import Card

S = DossierState


def _card(state) -> Q:
    return Q(Exists(Card.objects.filter(service=OuterRef("service"), state=state)))


def _card_for_the_editor() -> Q:
    submitted = Card.objects.filter(
        service=OuterRef("service"), state__in=(CardState.IN_REVIEW, CardState.APPROVED)
    )
    return ~Q(Exists(submitted))


def _convention_for_the_editor() -> Q:
    ready = Convention.objects.current().filter(
        dossier=OuterRef("pk"), pdf_status=PdfStatus.READY, editor_signed_at__isnull=True
    )
    return Q(Exists(ready))


def editor_list(user) -> RoleList:
    changes_requested = _card(CardState.CHANGES_REQUESTED)
    return RoleList(
        role=Role.EDITOR,
        states=states_in_order(DossierState),
        branches=(
            *editor_instruction_branches(),
            Branch(S.REFERENCED, _card_for_the_editor() | _convention_for_the_editor()),
            Branch(S.PUBLISHED, changes_requested),
            Branch(S.SUSPENDED, changes_requested),
        ),
    )


def _convention_for_the_administration() -> Q:
    current = Convention.objects.current().filter(dossier=OuterRef("pk"))
    to_countersign = current.filter(editor_signed_at__isnull=False, admin_signed_at__isnull=True)
    return (
        ~Q(Exists(current))
        | Q(Exists(current.filter(pdf_status=PdfStatus.FAILED)))
        | Q(Exists(to_countersign))
    )


def admin_list(user) -> RoleList:
    card_in_review = _card(CardState.IN_REVIEW)
    ready_to_publish = Q(convention_signed_at__isnull=False) & _card(CardState.APPROVED)
    return RoleList(
        role=Role.ADMIN,
        states=ALL_BUT_DRAFT,
        branches=(
            Branch(
                S.REFERENCED,
                _convention_for_the_administration() | card_in_review | ready_to_publish,
            ),
            Branch(S.PUBLISHED, card_in_review),
            Branch(S.SUSPENDED, card_in_review),
        ),
    )
