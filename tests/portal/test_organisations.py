import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import OutboxMessage
from portal.organisations.models import Invitation, Membership, Organisation
from portal.organisations.validators import validate_siren
from tests.factories import OrganisationFactory, editor, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("siren", ["812345676", "843219874", "356000000"])
def test_valid_sirens(siren):
    validate_siren(siren)


@pytest.mark.parametrize(
    ("siren", "message"),
    [("812345677", "clé de contrôle"), ("81234567", "9 chiffres"), ("81234567A", "9 chiffres")],
)
def test_invalid_sirens(siren, message):
    with pytest.raises(ValidationError, match=message):
        validate_siren(siren)


def test_editor_creates_an_organisation_and_lands_on_mes_dossiers(client):
    person = editor()
    client.force_login(person)
    response = client.post(
        reverse("organisations:organisation-create"),
        {
            "name": "Ma Santé SAS",
            "siren": "812 345 676",
            "street": "1 rue Haute",
            "postal_code": "75011",
            "city": "Paris",
        },
    )
    assert response.status_code == 302 and response.url == reverse("home")
    organisation = Organisation.objects.get(siren="812345676")
    assert Membership.objects.filter(organisation=organisation, user=person).exists()
    assert "Mes dossiers" in client.get(reverse("home")).content.decode()


def test_bad_siren_is_refused_with_a_french_message_and_nothing_saved(client):
    client.force_login(editor())
    response = client.post(
        reverse("organisations:organisation-create"),
        {
            "name": "X",
            "siren": "812345677",
            "street": "1 rue",
            "postal_code": "75011",
            "city": "Paris",
        },
    )
    assert response.status_code == 400
    assert "clé de contrôle" in response.content.decode()
    assert not Organisation.objects.exists()


def test_staff_cannot_create_an_organisation(client):
    client.force_login(staff_user("instructor"))
    assert client.get(reverse("organisations:organisation-create")).status_code == 403


def _invite(client, organisation, inviter, email):
    client.force_login(inviter)
    response = client.post(
        reverse("organisations:invitation-create", args=[organisation.pk]), {"email": email}
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(to=email)
    return re.search(r"http\S+/organisations/invitation/\S+/", message.body).group(0)


def test_invitation_round_trip(client):
    organisation = OrganisationFactory()
    inviter = editor(organisation)
    link = _invite(client, organisation, inviter, "collegue@exemple.test")
    colleague = editor(email="collegue@exemple.test")
    client.force_login(colleague)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert Membership.objects.filter(organisation=organisation, user=colleague).exists()
    # A second use of the same link is refused.
    assert client.post(path).status_code == 400


def test_expired_invitation_is_refused(client):
    organisation = OrganisationFactory()
    link = _invite(client, organisation, editor(organisation), "tard@exemple.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    colleague = editor(email="tard@exemple.test")
    client.force_login(colleague)
    response = client.post(link.split("testserver", 1)[1])
    assert response.status_code == 400
    assert "expiré" in response.content.decode()
    assert not Membership.objects.filter(user=colleague).exists()


def test_invitation_for_another_address_is_refused(client):
    organisation = OrganisationFactory()
    link = _invite(client, organisation, editor(organisation), "prevu@exemple.test")
    intruder = editor(email="autre@exemple.test")
    client.force_login(intruder)
    response = client.post(link.split("testserver", 1)[1])
    assert response.status_code == 400
    assert not Membership.objects.filter(user=intruder).exists()


def test_unknown_invitation_token_is_404(client):
    assert client.get(reverse("organisations:invitation-accept", args=["nope"])).status_code == 404


def test_only_members_can_invite(client):
    organisation = OrganisationFactory()
    client.force_login(editor(OrganisationFactory()))
    response = client.post(
        reverse("organisations:invitation-create", args=[organisation.pk]),
        {"email": "x@exemple.test"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()
