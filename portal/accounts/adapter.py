from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from portal.notifications.services import outbox_enqueue

from .roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Public sign-up creates editors; staff accounts are created by administrators."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _created = Group.objects.get_or_create(name=Role.EDITOR)
            user.groups.add(group)
        return user

    def send_mail(self, template_prefix, email, context):
        """Account e-mails (address verification, password reset) go through the outbox too."""
        message = self.render_mail(template_prefix, email, context)
        outbox_enqueue(to=email, subject=message.subject, body=message.body)
