from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_postal_code, validate_siren


class Organisation(models.Model):
    """A software vendor (éditeur) whose members file dossiers for its services."""

    name = models.CharField(_("raison sociale"), max_length=200)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        unique=True,
        validators=[validate_siren],
        help_text=_("9 chiffres, sans espace."),
    )
    street = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(
        _("code postal"), max_length=5, validators=[validate_postal_code]
    )
    city = models.CharField(_("commune"), max_length=120)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # Digits 0-9 only: « ٥٥٢… » or « ５５２… » would otherwise be a "different" SIREN.
            models.CheckConstraint(
                condition=models.Q(siren__regex=r"^[0-9]{9}$"),
                name="organisation_siren_ascii_digits",
                violation_error_message=_("Le SIREN doit comporter 9 chiffres de 0 à 9."),
            ),
            models.CheckConstraint(
                condition=models.Q(postal_code__regex=r"^[0-9]{5}$"),
                name="organisation_postal_code_ascii_digits",
                violation_error_message=_("Le code postal doit comporter 5 chiffres de 0 à 9."),
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(_("membre depuis"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


def default_invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS)


class Invitation(models.Model):
    """An e-mailed, expiring invitation to join an organisation.

    Only a hash of its token is kept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse électronique"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and not self.is_expired
