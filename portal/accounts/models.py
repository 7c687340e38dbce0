from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import STAFF_ROLES, Domain, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person, identified by e-mail; roles are groups named after `Role` codes."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    job_title = models.CharField(_("fonction"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """« Prénom Nom », or the e-mail address while the person gave no name."""
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role | str) -> bool:
        return self.is_active and str(role) in self.roles

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role if r in self.roles]

    @property
    def must_use_mfa(self) -> bool:
        """Staff roles, and every account that can open the admin, must use TOTP; editors may
        choose to."""
        return self.is_superuser or self.is_staff or bool(self.roles & STAFF_ROLES)

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        """The organisations the person belongs to, read once per request (the rules of every
        app and the main menu ask)."""
        return frozenset(self.memberships.values_list("organisation_id", flat=True))

    @cached_property
    def has_totp(self) -> bool:
        from allauth.mfa.models import Authenticator

        return self.authenticator_set.filter(type=Authenticator.Type.TOTP).exists()

    @cached_property
    def expert_domains(self) -> frozenset[str]:
        return frozenset(self.expert_scopes.values_list("domain", flat=True))


class ExpertScope(models.Model):
    """A domain of the referential an expert evaluates."""

    expert = models.ForeignKey(User, on_delete=models.CASCADE, related_name="expert_scopes")
    domain = models.CharField(_("domaine"), max_length=40, choices=Domain.choices)

    class Meta:
        verbose_name = _("domaine d'expertise")
        verbose_name_plural = _("domaines d'expertise")
        constraints = [
            models.UniqueConstraint(fields=["expert", "domain"], name="unique_expert_domain")
        ]

    def __str__(self):
        return f"{self.expert} — {self.get_domain_display()}"
