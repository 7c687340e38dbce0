"""Roles are Django groups, named by these codes; object-level rules sit on top (rules.py)."""

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
