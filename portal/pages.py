"""The footer's mandatory pages: legal notice, personal data, cookies and the accessibility
statement. Static text, open to everyone (signed in or not, staff before their TOTP step)."""

from datetime import date

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

#: The day the accessibility statement was last established.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 12, 1)
#: The RGAA version the statement refers to.
RGAA_VERSION = "4.1.2"


def _context(**extra) -> dict:
    return {
        "contact_email": settings.PORTAL_CONTACT_EMAIL,
        "site_name": settings.PORTAL_SITE_NAME,
        **extra,
    }


def portal_cookies() -> list[dict]:
    """Every cookie the portal sets, all strictly necessary (no consent banner is needed): the
    names are read from the settings that set them."""
    return [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": _("Garder votre session ouverte après la connexion à votre compte."),
            "lifetime": _("Jusqu'à la déconnexion ou la fermeture du navigateur."),
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": _(
                "Protéger les formulaires contre leur envoi par un autre site à votre insu."
            ),
            "lifetime": _("Un an."),
        },
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "purpose": _(
                "Retenir la langue choisie avec le sélecteur de langue, et seulement quand vous "
                "en choisissez une."
            ),
            "lifetime": _("Un an."),
        },
        {
            "name": CookieStorage.cookie_name,
            "purpose": _(
                "Afficher une seule fois le message qui confirme une action, par exemple "
                "l'envoi d'un formulaire."
            ),
            "lifetime": _("Supprimé dès que le message est affiché."),
        },
    ]


@require_GET
def legal_notice(request):
    return render(request, "portal/pages/legal_notice.html", _context())


@require_GET
def personal_data(request):
    return render(request, "portal/pages/personal_data.html", _context())


@require_GET
def cookies(request):
    return render(request, "portal/pages/cookies.html", _context(cookies=portal_cookies()))


@require_GET
def accessibility(request):
    return render(
        request,
        "portal/pages/accessibility.html",
        _context(established_on=ACCESSIBILITY_STATEMENT_DATE, rgaa_version=RGAA_VERSION),
    )
