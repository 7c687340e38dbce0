from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from .roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Public sign-up creates editors; staff accounts are created by administrators."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _created = Group.objects.get_or_create(name=Role.EDITOR)
            user.groups.add(group)
        return user
