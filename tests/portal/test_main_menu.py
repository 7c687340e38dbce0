"""The header's main menu (portal/templatetags/portal_chrome.py): who sees which entry, which one
is the current page, one « Mon organisation » per organisation; the signed-in person's roles
loaded with the person (portal/accounts/backends.py) and never kept from one request to the
next; the footer, drawn once per process, in the language of each request."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import resolve, reverse
from django.utils import translation

from portal.accounts.backends import user_with_roles
from portal.templatetags.portal_chrome import menu_lines
from tests.factories import OrganisationFactory, editor, staff_user
from tests.factories.people import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _french():
    """`menu_lines` is called outside a request here: in French, whatever a test before left."""
    with translation.override("fr"):
        yield


EVERYONE = ["Tableau de bord", "Catalogue des services"]
SIGNED_IN = ["Référentiel", "Sécurité du compte"]


def _labels(lines):
    return [re.search(r">([^<]+)</a>", line)[1] for line in lines]


def _current(lines):
    return [_labels([line])[0] for line in lines if 'aria-current="page"' in line]


@pytest.mark.parametrize(
    ("role", "entries"),
    [
        ("instructor", ["Signalements", "File d'instruction", "Commission"]),
        ("expert", ["Mes évaluations"]),
        ("commission_member", ["Commission"]),
        ("ministry", ["Signalements", "Commission"]),
        ("admin", ["Signalements", "Commission"]),
    ],
)
def test_each_staff_role_sees_its_entries(role, entries):
    person = staff_user(role)
    lines = menu_lines(person, resolve(reverse("home")))
    assert _labels(lines) == EVERYONE + entries + SIGNED_IN


def test_an_editor_sees_one_entry_per_organisation_and_anonymous_people_the_public_ones():
    first, second = OrganisationFactory(), OrganisationFactory()
    person = member_of(second, editor(first))
    lines = menu_lines(person, None)
    assert _labels(lines) == [*EVERYONE, "Signalements", *["Mon organisation"] * 2, *SIGNED_IN]
    hrefs = [re.search(r'href="([^"]+)"', line)[1] for line in lines if "Mon organisation" in line]
    assert hrefs == [
        reverse("organisations:organisation-detail", args=[pk])
        for pk in sorted([first.pk, second.pk])
    ]
    assert _labels(menu_lines(AnonymousUser(), None)) == EVERYONE


@pytest.mark.parametrize(
    ("url", "current"),
    [
        (reverse("home"), ["Tableau de bord"]),
        (reverse("catalogue:list"), ["Catalogue des services"]),
        # Reports live under the catalogue's URLs but are their own entry.
        (reverse("catalogue:report-list"), ["Signalements"]),
        (reverse("reviews:instructor-queue"), ["File d'instruction"]),
        (reverse("reviews:commission-sessions"), ["Commission"]),
        (reverse("referential-versions"), ["Référentiel"]),
        (reverse("mfa_index"), []),
    ],
)
def test_the_current_page_is_marked_once(url, current):
    lines = menu_lines(staff_user("instructor"), resolve(url))
    assert _current(lines) == current


def test_the_menu_is_in_the_page_and_escapes_nothing_it_should_not(client):
    person = staff_user("instructor")
    client.force_login(person)
    html = client.get(reverse("referential-versions")).content.decode()
    assert ">File d'instruction</a>" in html
    here = reverse("referential-versions")
    assert f'<a class="fr-nav__link" href="{here}" aria-current="page">Référentiel</a>' in html


def test_the_roles_come_with_the_person_in_one_query(django_assert_num_queries):
    person = staff_user("instructor")
    with django_assert_num_queries(1):
        loaded = user_with_roles(person.pk)
        assert loaded.roles == {"instructor"} and loaded.must_use_mfa
    assert user_with_roles(10**9) is None


def test_a_role_taken_away_is_gone_at_the_next_request(client):
    person = staff_user("instructor")
    client.force_login(person)
    assert ">File d'instruction</a>" in client.get(reverse("referential-versions")).content.decode()

    person.groups.remove(Group.objects.get(name="instructor"))
    html = client.get(reverse("referential-versions")).content.decode()
    assert "File d'instruction" not in html and "Commission" not in html


def test_the_footer_is_drawn_in_the_language_of_each_request(client):
    """The footer is kept by process (the "chrome" cache), keyed on the language: a French
    footer is never served to an English request, nor the reverse."""
    client.force_login(editor(OrganisationFactory()))
    url = reverse("referential-versions")
    french = client.get(url, headers={"accept-language": "fr"}).content.decode()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    again = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Mentions légales" in french and "Mentions légales" in again
    assert "Mentions légales" not in english and "Legal notice" in english
