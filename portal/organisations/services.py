"""Writes on organisations: creation, invitations and their acceptance."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.roles import Role
from portal.notifications.services import outbox_enqueue

from .models import Invitation, Membership, Organisation


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


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, actor, email: str, base_url: str
) -> Invitation:
    """Invite `email` to the organisation and e-mail the link; returns the invitation.

    The clear token only travels in the e-mail: the database keeps its hash.
    """
    email = email.strip().lower()
    if not Membership.objects.filter(organisation=organisation, user=actor).exists():
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(_("Cette personne est déjà membre de l'organisation."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        token_hash=hash_token(token),
        invited_by=actor,
    )
    link = base_url.rstrip("/") + reverse("organisations:invitation-accept", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": actor}
    outbox_enqueue(
        to=email,
        subject=render_to_string("organisations/email/invitation_subject.txt", context).strip(),
        body=render_to_string("organisations/email/invitation_body.txt", context),
    )
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
