"""People by name: sign-up asks for first and last name, the profile page changes them, and the
user shows as « Prénom Nom » (User.display_name), the e-mail address only while there is none."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from tests.factories import OrganisationFactory, UserFactory, staff_user
from tests.factories.people import editor

pytestmark = pytest.mark.django_db
SIGN_UP = {
    "email": "nouvelle.personne@exemple.test",
    "password1": "un-mot-de-passe-solide-42",
    "password2": "un-mot-de-passe-solide-42",
}


def test_sign_up_asks_for_first_and_last_name_before_the_address(client):
    html = client.get(reverse("account_signup")).content.decode()
    first, last, email = (html.index(f'name="{n}"') for n in ("first_name", "last_name", "email"))
    assert first < last < email
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html


def test_sign_up_without_names_is_refused(client):
    response = client.post(reverse("account_signup"), SIGN_UP)
    assert response.status_code == 200
    assert not User.objects.filter(email=SIGN_UP["email"]).exists()
    assert "Ce champ est obligatoire." in response.content.decode()


def test_sign_up_stores_the_names_on_one_line_each(client):
    response = client.post(
        reverse("account_signup"),
        {**SIGN_UP, "first_name": "  Marie-\nClaire ", "last_name": "de  la Fontaine"},
    )
    assert response.status_code == 302
    user = User.objects.get(email=SIGN_UP["email"])
    assert (user.first_name, user.last_name) == ("Marie- Claire", "de la Fontaine")
    assert user.has_role("editor")


def test_display_name_is_the_names_else_the_address():
    named = UserFactory(first_name="Inès", last_name="Durand")
    anonymous = UserFactory(first_name="", last_name="", email="sans.nom@exemple.test")
    assert (str(named), named.get_full_name(), named.display_name) == ("Inès Durand",) * 3
    assert str(anonymous) == anonymous.get_full_name() == "sans.nom@exemple.test"
    assert anonymous.get_short_name() == "sans.nom@exemple.test"
    assert named.get_short_name() == "Inès"


def test_the_header_shows_the_name_and_links_the_profile(client):
    client.force_login(editor(OrganisationFactory(), first_name="Alice", last_name="Martin"))
    html = client.get(reverse("home")).content.decode()
    header = html.split("</header>", 1)[0]
    assert f'href="{reverse("accounts:profile")}"' in header
    assert "Alice Martin" in header


def test_profile_needs_a_session(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_profile_shows_address_roles_organisations_and_two_factor_status(client):
    organisation = OrganisationFactory(name="Santé Connectée SAS")
    person = editor(organisation, first_name="Alice", last_name="Martin")
    client.force_login(person)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert person.email in html
    assert "Éditeur" in html
    assert "Santé Connectée SAS" in html
    assert reverse("organisations:organisation-detail", args=[organisation.pk]) in html
    assert "Non activée" in html and reverse("mfa_index") in html
    assert 'value="Alice"' in html and 'value="Martin"' in html


def test_profile_of_staff_shows_the_second_factor_on(client):
    person = staff_user("instructor")
    client.force_login(person)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Activée" in html and "Instructeur" in html and "Aucune organisation" in html


def test_profile_changes_the_names(client):
    person = editor(first_name="Alice", last_name="Martin")
    client.force_login(person)
    response = client.post(
        reverse("accounts:profile"), {"first_name": " Alice ", "last_name": "Martin-Dupont"}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    person.refresh_from_db()
    assert person.display_name == "Alice Martin-Dupont"
    page = client.get(response.url).content.decode()
    assert "Vos nom et prénom sont enregistrés." in page


def test_profile_refuses_empty_names_with_a_400(client):
    person = editor(first_name="Alice", last_name="Martin")
    client.force_login(person)
    response = client.post(reverse("accounts:profile"), {"first_name": "", "last_name": "  "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    person.refresh_from_db()
    assert person.display_name == "Alice Martin"


def test_profile_changes_only_ones_own_names(client):
    person, other = editor(first_name="A", last_name="B"), editor(first_name="C", last_name="D")
    client.force_login(person)
    client.post(
        reverse("accounts:profile"), {"first_name": "X", "last_name": "Y", "pk": str(other.pk)}
    )
    other.refresh_from_db()
    assert other.display_name == "C D"
