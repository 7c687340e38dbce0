"""Writes on organisations: creation, invitations and their acceptance."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.roles import Role
from portal.notifications.messenger import notify

from .models import Invitation, Membership, Organisation

#: The code of the ValidationError raised when a daily invitation quota is reached.
INVITATION_LIMIT = "invitation_limit"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def organisation_create(
    *, actor, name: str, siren: str, street: str, postal_code: str, city: str
) -> Organisation:
    if not actor.has_role(Role.EDITOR):
        raise PermissionDenied(_("Seul un éditeur peut créer une organisation."))
    organisation = Organisation(
        name=name, siren=siren, street=street, postal_code=postal_code, city=city
    )
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(organisation=organisation, user=actor)
    return organisation


#: Longest organisation name an invitation's subject shows (the name is the editor's choice).
SUBJECT_NAME_MAX_CHARS = 60


def subject_fragment(text: str, *, limit: int = SUBJECT_NAME_MAX_CHARS) -> str:
    """`text` on one line and at most `limit` characters (an ellipsis ends a cut one)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def _invitation_quota_check(*, organisation: Organisation, actor) -> None:
    """Refuse one more invitation when the actor or the organisation sent their quota in the last
    24 hours. The caller holds the rows of both locked, so two requests cannot both pass."""
    since = timezone.now() - timedelta(hours=24)
    recent = Invitation.objects.filter(created_at__gt=since)
    per_user = settings.INVITATIONS_PER_USER_PER_DAY
    if recent.filter(invited_by=actor).count() >= per_user:
        raise ValidationError(
            ngettext(
                "Vous avez déjà envoyé %(limit)d invitation ces dernières 24 heures, "
                "le maximum autorisé : réessayez plus tard.",
                "Vous avez déjà envoyé %(limit)d invitations ces dernières 24 heures, "
                "le maximum autorisé : réessayez plus tard.",
                per_user,
            )
            % {"limit": per_user},
            code=INVITATION_LIMIT,
        )
    per_organisation = settings.INVITATIONS_PER_ORGANISATION_PER_DAY
    if recent.filter(organisation=organisation).count() >= per_organisation:
        raise ValidationError(
            ngettext(
                "Votre organisation a déjà envoyé %(limit)d invitation ces dernières 24 heures, "
                "le maximum autorisé : réessayez plus tard.",
                "Votre organisation a déjà envoyé %(limit)d invitations ces dernières 24 heures, "
                "le maximum autorisé : réessayez plus tard.",
                per_organisation,
            )
            % {"limit": per_organisation},
            code=INVITATION_LIMIT,
        )


@transaction.atomic
def invitation_create(*, organisation: Organisation, actor, email: str) -> Invitation:
    """Invite `email` to the organisation and e-mail the link; returns the invitation.

    The clear token only travels in the e-mail (the `invitation` event, notifications.py): the
    database keeps its hash. The link is built from `settings.PORTAL_BASE_URL`, never from the
    request (its Host header is the sender's).
    Raises ValidationError with code `INVITATION_LIMIT` once a daily quota is reached.
    """
    email = email.strip().lower()
    # Always the person's row, then the organisation's: the same order everywhere, no deadlock.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not Membership.objects.filter(organisation=organisation, user=actor).exists():
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(_("Cette personne est déjà membre de l'organisation."))
    _invitation_quota_check(organisation=organisation, actor=actor)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        token_hash=hash_token(token),
        invited_by=actor,
    )
    notify("invitation", actor=actor, invitation=invitation, token=token)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été utilisée."))
    if invitation.is_expired:
        raise ValidationError(
            _(
                "Cette invitation a expiré. Demandez à votre collègue "
                "de vous en envoyer une nouvelle."
            )
        )
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            _("Cette invitation a été envoyée à une autre adresse électronique que la vôtre.")
        )
    if not user.has_role(Role.EDITOR):
        raise PermissionDenied(_("Seul un compte éditeur peut rejoindre une organisation."))
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
