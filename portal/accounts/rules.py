"""Role predicates: which role groups a user belongs to (django-rules, named once).

Object-level rules sit on top, in each app's `rules.py`. Every predicate answers False for an
anonymous or inactive user."""

import rules

from .roles import Role


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_editor = _has_role(Role.EDITOR)
is_instructor = _has_role(Role.INSTRUCTOR)
is_expert = _has_role(Role.EXPERT)
is_commission_member = _has_role(Role.COMMISSION_MEMBER)
is_ministry = _has_role(Role.MINISTRY)
is_admin = _has_role(Role.ADMIN)
