"""The link of a service on one of its platforms: one rule, used by the service's description
(applications/models/service.py) and by its public card (catalogue/forms.py, catalogue/domain/
cards.py).

A web site may be on any host, in HTTPS; an iOS app is linked to the App Store, an Android app to
Google Play, both in HTTPS and on the store's own host (`https://play.google.com.evil.fr/` is not
Google Play)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import Platform

#: The hosts a store link may point to, by platform (a web site may be anywhere).
STORE_HOSTS = {
    Platform.IOS: ("apps.apple.com",),
    Platform.ANDROID: ("play.google.com",),
}


def validate_platform_url(platform: str, url: str) -> None:
    """Raise ValidationError (French) unless `url` is an acceptable link for `platform`."""
    hosts = STORE_HOSTS.get(platform)
    if hosts is not None:
        if not any(url.startswith(f"https://{host}/") for host in hosts):
            raise ValidationError(
                _("Ce lien doit commencer par https://%(host)s/."),
                code="store_host",
                params={"host": hosts[0]},
            )
    elif not url.startswith("https://"):
        raise ValidationError(_("Le site doit être servi en HTTPS (https://…)."), code="https")
