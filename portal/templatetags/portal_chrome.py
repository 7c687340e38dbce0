"""The main menu of every page (base.html), written here rather than in the template.

The menu asks a dozen questions of the person (their roles, their organisations) and of the page
(which entry is current); drawn by the template language it cost about 1.5 ms of every page, as
much as a query. Each entry is a line of `MENU`: its URL name, its label, who sees it and when it
is the current page. Labels go through `escape` (the standard library's, which Django's calls);
the markup around them is fixed.

    {% main_menu %}
"""

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

register = template.Library()

#: Report pages belong to « Signalements », not to the catalogue they sit in (their URLs do).
_REPORT_VIEWS = ("catalogue:report-", "catalogue:control-")


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    #: Who sees the entry: a person's roles (and whether signed in) → bool.
    shown: Callable[[frozenset[str], bool], bool]
    #: When the entry is the page one is on: the resolver match → bool.
    current: Callable[[object], bool]


def _anyone(roles, signed_in):
    return True


def _signed_in(roles, signed_in):
    return signed_in


def _any_of(*names):
    wanted = frozenset(names)
    return lambda roles, signed_in: signed_in and bool(roles & wanted)


def _view(view_name):
    return lambda match: match is not None and match.view_name == view_name


def _url_name(url_name):
    return lambda match: match is not None and match.url_name == url_name


def _catalogue(match):
    return (
        match is not None
        and match.namespace == "catalogue"
        and not match.view_name.startswith(_REPORT_VIEWS)
    )


def _reports(match):
    return match is not None and match.view_name.startswith(_REPORT_VIEWS)


def _never(match):
    return False


#: The menu, in its order; « Mon organisation » (one per organisation) comes before the
#: referential.
MENU = (
    Entry("home", gettext_noop("Tableau de bord"), _anyone, _url_name("home")),
    Entry("catalogue:list", gettext_noop("Catalogue des services"), _anyone, _catalogue),
    Entry(
        "catalogue:report-list",
        gettext_noop("Signalements"),
        _any_of("instructor", "ministry", "admin", "editor"),
        _reports,
    ),
    Entry(
        "reviews:instructor-queue",
        gettext_noop("File d'instruction"),
        _any_of("instructor"),
        _view("reviews:instructor-queue"),
    ),
    Entry(
        "reviews:expert-queue",
        gettext_noop("Mes évaluations"),
        _any_of("expert"),
        _view("reviews:expert-queue"),
    ),
    Entry(
        "reviews:commission-sessions",
        gettext_noop("Commission"),
        _any_of("commission_member", "instructor", "ministry", "admin"),
        _view("reviews:commission-sessions"),
    ),
)
AFTER_ORGANISATIONS = (
    Entry(
        "referential-versions",
        gettext_noop("Référentiel"),
        _signed_in,
        _url_name("referential-versions"),
    ),
    Entry("mfa_index", gettext_noop("Sécurité du compte"), _signed_in, _never),
)


def _line(href: str, label: str, current: bool = False) -> str:
    aria = ' aria-current="page"' if current else ""
    return (
        f'<li class="fr-nav__item"><a class="fr-nav__link" href="{escape(href)}"{aria}>'
        f"{escape(label, quote=False)}</a></li>"
    )


def menu_lines(user, match) -> list[str]:
    """The menu's `<li>` lines for `user` on the page `match` (a ResolverMatch, or None)."""
    signed_in = bool(user and user.is_authenticated)
    roles = user.roles if signed_in else frozenset()

    def lines(entries):
        return [
            _line(reverse(entry.url_name), gettext(entry.label), entry.current(match))
            for entry in entries
            if entry.shown(roles, signed_in)
        ]

    organisations = []
    if signed_in:
        organisation_label = gettext("Mon organisation")
        organisations = [
            _line(reverse("organisations:organisation-detail", args=[pk]), organisation_label)
            for pk in sorted(user.organisation_ids)
        ]
    return lines(MENU) + organisations + lines(AFTER_ORGANISATIONS)


@register.simple_tag(takes_context=True)
def main_menu(context) -> SafeString:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    html = "\n".join(menu_lines(context.get("user"), match))
    return mark_safe(html)  # noqa: S308 (every value escaped in _line)
