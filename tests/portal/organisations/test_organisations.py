import re
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import OutboxMessage
from portal.organisations import services
from portal.organisations.models import Invitation, Membership, Organisation
from portal.organisations.validators import validate_siren
from tests.factories import OrganisationFactory, editor, staff_user

pytestmark = pytest.mark.django_db

PORTAL = "https://portail.exemple.gouv.fr"


@pytest.fixture(autouse=True)
def _portal_base_url(settings):
    settings.PORTAL_BASE_URL = PORTAL


@pytest.mark.parametrize("siren", ["812345676", "843219874", "356000000"])
def test_valid_sirens(siren):
    validate_siren(siren)


@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("812345677", "clé de contrôle"),
        ("81234567", "exactement 9 chiffres"),
        ("81234567A", "chiffres de 0 à 9"),
        ("81234567²", "chiffres de 0 à 9"),
        ("812 345 676", "sans espace"),
    ],
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
    return re.search(r"http\S+/invitation/\S+/", message.body).group(0)


def _path(link):
    return urlsplit(link).path


def test_invitation_round_trip(client):
    organisation = OrganisationFactory()
    inviter = editor(organisation)
    link = _invite(client, organisation, inviter, "collegue@exemple.test")
    colleague = editor(email="collegue@exemple.test")
    client.force_login(colleague)
    path = _path(link)
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
    response = client.post(_path(link))
    assert response.status_code == 400
    assert "expiré" in response.content.decode()
    assert not Membership.objects.filter(user=colleague).exists()


def test_invitation_for_another_address_is_refused(client):
    organisation = OrganisationFactory()
    link = _invite(client, organisation, editor(organisation), "prevu@exemple.test")
    intruder = editor(email="autre@exemple.test")
    client.force_login(intruder)
    response = client.post(_path(link))
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


# -- Invitations: where the link points, what the subject carries, how many may be sent ----------


def _post_invitation(client, organisation, inviter, email, **extra):
    client.force_login(inviter)
    url = reverse("organisations:invitation-create", args=[organisation.pk])
    return client.post(url, {"email": email}, **extra)


def test_invitation_link_comes_from_portal_base_url_not_from_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    organisation = OrganisationFactory()
    response = _post_invitation(
        client, organisation, editor(organisation), "cible@exemple.test", HTTP_HOST="evil.example"
    )
    assert response.status_code == 302
    body = OutboxMessage.objects.get(to="cible@exemple.test").body
    assert f"{PORTAL}/organisations/invitation/" in body
    assert "evil.example" not in body


def test_invitation_subject_is_one_bounded_line_whatever_the_organisation_name(client):
    # A name saved before names were put on one line, as long as the field allows.
    name = "Ligne 1\r\nBcc: tous@exemple.test\n" + "Très long nom " * 20
    organisation = OrganisationFactory(name=name[:200])
    response = _post_invitation(client, organisation, editor(organisation), "x@exemple.test")
    assert response.status_code == 302
    subject = OutboxMessage.objects.get(to="x@exemple.test").subject
    assert "\n" not in subject and "\r" not in subject
    assert subject.startswith("Invitation à rejoindre Ligne 1 Bcc: tous@exemple.test Très long")
    shown = subject.removeprefix("Invitation à rejoindre ").split(" sur le portail")[0]
    assert shown.endswith("…") and len(shown) <= services.SUBJECT_NAME_MAX_CHARS


def test_organisation_name_with_line_breaks_is_saved_on_one_line(client):
    client.force_login(editor())
    response = client.post(
        reverse("organisations:organisation-create"),
        {
            "name": "Ma Santé\r\nSAS",
            "siren": "812345676",
            "street": "1 rue\nHaute",
            "postal_code": "75011",
            "city": "Paris",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.street) == ("Ma Santé SAS", "1 rue Haute")


def test_invitations_per_user_stop_at_the_daily_limit(client, settings):
    settings.INVITATIONS_PER_USER_PER_DAY = 2
    first, second = OrganisationFactory(), OrganisationFactory()
    inviter = editor(first)
    Membership.objects.create(organisation=second, user=inviter)
    for email in ["a@exemple.test", "b@exemple.test"]:
        assert _post_invitation(client, first, inviter, email).status_code == 302

    # The limit counts what this person sent, whichever organisation they sent it for.
    response = _post_invitation(client, second, inviter, "c@exemple.test")

    assert response.status_code == 429
    assert "Vous avez déjà envoyé 2 invitations ces dernières 24 heures" in (
        response.content.decode()
    )
    assert not Invitation.objects.filter(email="c@exemple.test").exists()
    assert not OutboxMessage.objects.filter(to="c@exemple.test").exists()


def test_invitations_per_organisation_stop_at_the_daily_limit(client, settings):
    settings.INVITATIONS_PER_ORGANISATION_PER_DAY = 2
    organisation = OrganisationFactory()
    one, other = editor(organisation), editor(organisation)
    assert _post_invitation(client, organisation, one, "a@exemple.test").status_code == 302
    assert _post_invitation(client, organisation, other, "b@exemple.test").status_code == 302

    response = _post_invitation(client, organisation, other, "c@exemple.test")

    assert response.status_code == 429
    assert "Votre organisation a déjà envoyé 2 invitations ces dernières 24 heures" in (
        response.content.decode()
    )
    assert not Invitation.objects.filter(email="c@exemple.test").exists()
    assert not OutboxMessage.objects.filter(to="c@exemple.test").exists()


def test_invitation_limit_is_a_sliding_24_hour_window(client, settings):
    settings.INVITATIONS_PER_USER_PER_DAY = 1
    organisation = OrganisationFactory()
    inviter = editor(organisation)
    assert _post_invitation(client, organisation, inviter, "a@exemple.test").status_code == 302
    assert _post_invitation(client, organisation, inviter, "b@exemple.test").status_code == 429
    Invitation.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert _post_invitation(client, organisation, inviter, "b@exemple.test").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_concurrent_invitations_cannot_both_pass_the_organisation_limit(settings):
    """The second request waits for the first one's lock, then counts its invitation."""
    assert connection.vendor == "postgresql"
    settings.INVITATIONS_PER_ORGANISATION_PER_DAY = 1
    organisation = OrganisationFactory()
    first, second = editor(organisation), editor(organisation)
    first_created = threading.Event()
    outcomes = {}

    def invite_and_hold():
        try:
            with transaction.atomic():
                services.invitation_create(
                    organisation=organisation, actor=first, email="a@exemple.test"
                )
                first_created.set()
                time.sleep(0.5)  # still uncommitted while the second request arrives
            outcomes["first"] = "ok"
        except Exception as exc:  # reported by the assertion below
            outcomes["first"] = exc
        finally:
            first_created.set()
            connection.close()

    def invite_meanwhile():
        try:
            first_created.wait(timeout=10)
            services.invitation_create(
                organisation=organisation, actor=second, email="b@exemple.test"
            )
            outcomes["second"] = "ok"
        except ValidationError as exc:
            outcomes["second"] = exc.code
        except Exception as exc:  # reported by the assertion below
            outcomes["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=invite_and_hold), threading.Thread(target=invite_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {"first": "ok", "second": services.INVITATION_LIMIT}, outcomes
    assert list(Invitation.objects.values_list("email", flat=True)) == ["a@exemple.test"]
