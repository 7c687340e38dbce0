from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication, ApplicationManager

from applications.enums import DossierState

from ..validators import validate_redirect_uris


class SandboxClientManager(ApplicationManager):
    """Every lookup (DOT's included) reads the dossier and its service with the client: whether
    the client is usable and which scopes it may ask depend on them."""

    def get_queryset(self):
        return super().get_queryset().select_related("dossier__service")


class SandboxClient(AbstractApplication):
    """The sandbox's OAuth2 client of one data-exchange dossier (DOT's `Application`, swapped in
    by OAUTH2_PROVIDER_APPLICATION_MODEL): confidential, authorization code with PKCE, its
    id_tokens signed RS256. `user` is the editor who created it. The secret is hashed on save
    (DOT's ClientSecretField): it is shown once, at creation or rotation, never again."""

    dossier = models.OneToOneField(
        "applications.Dossier",
        on_delete=models.PROTECT,
        related_name="sandbox_client",
        verbose_name=_("dossier"),
    )
    secret_rotated_at = models.DateTimeField(_("secret renouvelé le"), null=True, blank=True)

    objects = SandboxClientManager()

    class Meta(AbstractApplication.Meta):
        verbose_name = _("client du bac à sable")
        verbose_name_plural = _("clients du bac à sable")

    def natural_key(self):
        return (self.client_id,)

    @property
    def redirect_uri_list(self) -> list[str]:
        return self.redirect_uris.split()

    @property
    def is_open(self) -> bool:
        """The client works while its dossier asks for data exchange and is not closed (refused,
        de-referenced, withdrawn): afterwards every request answers `invalid_client`."""
        dossier = self.dossier
        return (
            dossier.service.requests_data_exchange
            and DossierState(dossier.state) not in DossierState.closed()
        )

    # -- what DOT asks of an application ---------------------------------------------------------
    def get_allowed_schemes(self):
        """HTTPS, and plain HTTP for the loopback URIs `validate_redirect_uri` admits (the
        global ALLOWED_REDIRECT_URI_SCHEMES stays HTTPS only)."""
        return ["https", "http"]

    def is_usable(self, request):
        return self.is_open

    def clean(self):
        """Our rule on redirect URIs (French messages) first; DOT's checks for the rest (and on
        the URIs only if ours let them through, so that one problem is not said twice)."""
        errors = {}
        try:
            validate_redirect_uris(self.redirect_uri_list)
        except ValidationError as exc:
            errors["redirect_uris"] = exc.error_list
        try:
            super().clean()
        except ValidationError as exc:
            for field, messages in exc.error_dict.items():
                errors.setdefault(field, messages)
        if errors:
            raise ValidationError(errors)


class SandboxHolder(models.Model):
    """A fictitious holder of a Mon espace santé profile, generated for one client: the resource
    owner of the sandbox's grants and tokens. Its test identifier has the shape of a national
    health identifier (INS: 13 digits and a 2-digit key) but starts with 9, which no real one
    does; it is the `sub` of the id_tokens."""

    client = models.ForeignKey(
        SandboxClient, on_delete=models.CASCADE, related_name="holders", verbose_name=_("client")
    )
    test_identifier = models.CharField(_("identifiant fictif"), max_length=15, unique=True)
    given_name = models.CharField(_("prénom"), max_length=60)
    family_name = models.CharField(_("nom"), max_length=60)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    #: The last sign-in on the sandbox's page (the id_token's `auth_time`).
    last_login = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    #: DOT and oauthlib handle the resource owner as a signed-in user.
    is_authenticated = True
    is_active = True

    class Meta:
        verbose_name = _("titulaire de test")
        verbose_name_plural = _("titulaires de test")
        ordering = ["client", "pk"]

    def __str__(self):
        return f"{self.given_name} {self.family_name} ({self.display_identifier})"

    def get_username(self) -> str:
        return self.test_identifier

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def display_identifier(self) -> str:
        """Grouped as an INS is read: 9 84 05 99 123 456 78."""
        n = self.test_identifier
        return " ".join((n[0], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:15]))


class SandboxConsent(models.Model):
    """A holder's consent to the client's access to the scopes they approved. At most one is
    current per holder; withdrawing it revokes every token it opened."""

    holder = models.ForeignKey(
        SandboxHolder,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("titulaire"),
    )
    scope = models.CharField(_("portées"), max_length=200)
    granted_at = models.DateTimeField(_("donné le"))
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder"],
                condition=Q(withdrawn_at__isnull=True),
                name="sandbox_one_current_consent_per_holder",
            )
        ]

    def __str__(self):
        return f"{self.holder} — {self.scope}"

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None
