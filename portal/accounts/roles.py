"""Roles are Django groups, named by these codes; object-level rules sit on top (rules.py).

Also the domains of the referential an expert is scoped to (`ExpertScope`, `Assignment`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("Éditeur")
    INSTRUCTOR = "instructor", _("Instructeur")
    EXPERT = "expert", _("Expert évaluateur")
    COMMISSION_MEMBER = "commission_member", _("Membre de la commission")
    MINISTRY = "ministry", _("Représentant du ministère")
    ADMIN = "admin", _("Administrateur")


STAFF_ROLES = frozenset(Role) - {Role.EDITOR}


class Domain(models.TextChoices):
    """The referential's domains (applications.enums re-exports it)."""

    DOCTRINE = "doctrine", _("Doctrine du numérique en santé")
    ETHICS = "ethics", _("Éthique")
    RGPD = "rgpd", _("RGPD")
    DATA_EXCHANGE_SECURITY = "data_exchange_security", _("Sécurité de l'échange de données")
    DATA_EXCHANGE_RGPD = "data_exchange_rgpd", _("RGPD de l'échange de données")
