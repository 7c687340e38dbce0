from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import Group

from portal.notifications.services import outbox_enqueue

from .roles import Role


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails call `current_site`: without django.contrib.sites, allauth would
    take the request's host for both, and our outbox path passed nothing at all (« Bonjour,
    c'est  ! »)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    """The portal's name (`PORTAL_SITE_NAME`) and the host of `PORTAL_BASE_URL`."""
    return PortalSite(
        name=settings.PORTAL_SITE_NAME,
        domain=urlsplit(settings.PORTAL_BASE_URL).netloc or settings.PORTAL_BASE_URL,
    )


class AccountAdapter(DefaultAccountAdapter):
    """Public sign-up creates editors; staff accounts are created by administrators."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _created = Group.objects.get_or_create(name=Role.EDITOR)
            user.groups.add(group)
        return user

    def send_mail(self, template_prefix, email, context):
        """Account e-mails (address verification, password reset, notices) go through the
        outbox too, greeting with the portal's name."""
        message = self.render_mail(
            template_prefix, email, {"email": email, **context, "current_site": portal_site()}
        )
        outbox_enqueue(to=email, subject=message.subject, body=message.body)
