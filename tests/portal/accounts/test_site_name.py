"""The portal's name (`PORTAL_SITE_NAME`) in every e-mail that greets with it: allauth's sign-up
and password-reset mails (portal/accounts/adapter.py), and the invitation (the messenger)."""

import pytest
from django.urls import reverse

from portal.notifications.models import OutboxMessage
from portal.notifications.services import outbox_deliver
from portal.organisations.services import invitation_create
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.people import editor

pytestmark = pytest.mark.django_db
NAME = "Portail d'essai du référencement"


@pytest.fixture(autouse=True)
def _site_name(settings):
    settings.PORTAL_SITE_NAME = NAME
    settings.PORTAL_BASE_URL = "https://referencement.exemple.test"


def _sent(to, mailoutbox):
    """Deliver what the outbox holds for `to` and return the mail as sent."""
    for message in OutboxMessage.objects.filter(to=to):
        outbox_deliver(message_id=message.pk)
    assert mailoutbox, f"nothing sent to {to}"
    return mailoutbox[-1]


def _assert_greets_with_the_name(mail):
    assert NAME in mail.body
    assert f"« {NAME} »" in mail.body
    assert "c'est  !" not in mail.body and "c'est !" not in mail.body
    assert "« »" not in mail.body
    assert "referencement.exemple.test" in mail.body


def test_the_sign_up_mail_names_the_portal(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Camille",
            "last_name": "Durand",
            "email": "camille@exemple.test",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    mail = _sent("camille@exemple.test", mailoutbox)
    _assert_greets_with_the_name(mail)
    assert "Camille Durand" in mail.body  # allauth names the person who signed up


def test_the_password_reset_mail_names_the_portal(client, mailoutbox):
    user = UserFactory(email="oubli@exemple.test")
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    mail = _sent(user.email, mailoutbox)
    _assert_greets_with_the_name(mail)
    assert "/comptes/password/reset/key/" in mail.body


def test_the_invitation_mail_names_the_portal_and_the_person_who_invites(mailoutbox):
    organisation = OrganisationFactory()
    inviter = editor(organisation, first_name="Alice", last_name="Martin")
    invitation_create(organisation=organisation, actor=inviter, email="invitee@exemple.test")
    mail = _sent("invitee@exemple.test", mailoutbox)
    assert f"« {NAME} »" in mail.body
    assert mail.body.count("Alice Martin vous invite") == 1
