"""The authentication backends of settings.AUTHENTICATION_BACKENDS: Django's and allauth's, each
reading a signed-in person's roles with the person.

Every page asks for the roles (the menu, the MFA rule, the rules of each app): `User.roles` read
them with a query of their own, after the query that loads the person from the session. On
PostgreSQL the two are one: the group names come as an array beside the user's columns. On any
other database (SQLite while developing) `User.roles` reads them as before."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import OuterRef

from .models import User


def user_with_roles(user_id) -> User | None:
    """The user `user_id` with `roles` filled in (one query on PostgreSQL), or None."""
    users = User._default_manager.filter(pk=user_id)
    if connections[users.db].vendor != "postgresql":
        return users.first()
    names = Group.objects.filter(user=OuterRef("pk")).values("name")
    user = users.annotate(role_names=ArraySubquery(names)).first()
    if user is not None:
        user.__dict__["roles"] = frozenset(user.role_names)  # User.roles is a cached_property
    return user


class RolesWithUser:
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RolesWithUser, DjangoModelBackend):
    pass


class AuthenticationBackend(RolesWithUser, AllauthBackend):
    pass
