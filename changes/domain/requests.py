"""The instruction team asks the editor to declare a change it found unannounced (a report's
control, a check of the service): the editor has CHANGE_NOTIFY_WEEKS weeks (`due_on`), shown in
its to-do list; declaring the change with the request answers it (declarations.py).

`change_request_create`: in a transaction, the dossier's row locked and its state checked, the
permission tested (changes/rules.py); the editor's members are told (`change_requested`)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.exceptions import (
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
)
from applications.models import Dossier
from portal.notifications.messenger import notify

from .. import rules as r
from ..models import ChangeRequest
from .deadlines import declaration_due_on

DESCRIPTION_MAX = 5000


def change_request_create(
    *, dossier: Dossier, actor, description: str, control=None
) -> ChangeRequest:
    """Ask the dossier's editor to declare the change `description` says was found."""
    if not r.is_instructor.test(actor):
        raise TransitionForbidden(
            _("Seule l'équipe d'instruction demande la déclaration d'une modification.")
        )
    description = (description or "").strip()
    if not description:
        raise TransitionInvalid(_("Décrivez la modification constatée."))
    if len(description) > DESCRIPTION_MAX:
        raise TransitionInvalid(
            _("La description dépasse %(n)s caractères.") % {"n": DESCRIPTION_MAX}
        )
    if control is not None and control.dossier_id != dossier.pk:
        raise TransitionInvalid(_("Ce contrôle porte sur un autre dossier."))
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("service")
            .get(pk=dossier.pk)
        )
        if not r.can_request_declaration.test(actor, locked):
            raise TransitionConflict(
                _("Ce service n'est pas publié : aucune déclaration ne peut être demandée.")
            )
        now = timezone.now()
        change_request = ChangeRequest.objects.create(
            dossier=locked,
            control=control,
            description=description,
            requested_by=actor,
            requested_at=now,
            due_on=declaration_due_on(now),
        )
        notify("change_requested", dossier=locked, actor=actor, change_request=change_request)
    return change_request
