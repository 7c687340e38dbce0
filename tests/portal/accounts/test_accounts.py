import re

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.notifications.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signup_creates_an_editor_who_must_verify_the_address(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Camille",
            "last_name": "Durand",
            "email": "nouvel.editeur@exemple.test",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvel.editeur@exemple.test")
    assert user.has_role("editor")
    assert not user.emailaddress_set.get().verified
    message = OutboxMessage.objects.get(to=user.email)
    link = re.search(r"http://testserver(/comptes/confirm-email/\S+/)", message.body).group(1)
    # Until verified, logging in leads to the verification notice, not the portal.
    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "un-mot-de-passe-solide-42"},
    )
    assert response.status_code == 302 and "confirm-email" in response.url
    client.post(link)
    assert user.emailaddress_set.get().verified


@pytest.mark.usefixtures("redis_cache")  # the counters in the real Redis, as in production
def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory(email="cible@exemple.test")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "mauvais"}
        )
        assert response.status_code == 200
    # Even the right password is refused once the limit is reached.
    from tests.factories.people import TEST_PASSWORD

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_is_in_french(client):
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="fr"' in html
    assert "Connexion" in html or "Se connecter" in html
    assert "République" in html
