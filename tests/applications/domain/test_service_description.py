"""An editor describes a service, answers its orientation questionnaire, reads the verdict and the
requirements that will apply, and opens its dossier; nobody else reaches the service."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain import transitions as t
from applications.domain.dossiers import dossier_create
from applications.enums import DossierState
from applications.models import Dossier, Orientation, ReferentialVersion, Service, TransitionLog
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, ServiceFactory, editor, member_of, staff_user
from tests.factories.dossiers import dossier_in_state, small_referential

S = DossierState
pytestmark = pytest.mark.django_db

VALID = {
    "name": "SuiviTension",
    "short_description": "Suivre sa tension artérielle au quotidien.",
    "long_description": "Relevés, courbes et rappels.",
    "web_url": "https://suivitension.example.fr/",
    "ios_url": "https://apps.apple.com/fr/app/suivitension/id123456",
    "android_url": "https://play.google.com/store/apps/details?id=fr.suivitension",
    "price_model": "freemium",
    "themes": ["chronic", "prevention"],
    "regions": ["BRE", "NOR"],
    "has_connected_devices": "true",
    "connected_devices": "Tensiomètre",
    "is_medical_device": "true",
    "medical_device_class": "IIa",
    "requests_data_exchange": "true",
    "mes_apis": ["measures", "documents"],
}

ORIENTATION = {
    "targets_users": "true",
    "purposes": ["care"],
    "uses_ai": "false",
    "stores_health_data": "false",
    "has_professional_users": "false",
    "publishes_health_content": "false",
}


def text(response) -> str:
    return unescape(response.content.decode())


def service_urls(service):
    for name in ("service-detail", "service-update", "service-orientation"):
        yield "get", reverse(f"applications:{name}", args=[service.pk])
    for name in ("service-update", "service-orientation", "service-dossier-create"):
        yield "post", reverse(f"applications:{name}", args=[service.pk])


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def person(client, organisation):
    user = editor(organisation)
    client.force_login(user)
    return user


# -- describing a service ------------------------------------------------------------------------


def test_service_create_saves_the_description_and_leads_to_the_orientation(client, person):
    assert client.get(reverse("applications:service-create")).status_code == 200
    response = client.post(reverse("applications:service-create"), VALID)
    service = Service.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("applications:service-orientation", args=[service.pk])
    assert service.organisation == person.memberships.get().organisation
    assert (service.name, service.price_model) == ("SuiviTension", "freemium")
    assert service.themes == ["prevention", "chronic"]  # the catalogue's order
    assert service.regions == ["BRE", "NOR"]
    assert (service.has_connected_devices, service.connected_devices) == (True, "Tensiomètre")
    assert (service.is_medical_device, service.medical_device_class) == (True, "IIa")
    assert (service.requests_data_exchange, service.mes_apis) == (True, ["measures", "documents"])
    assert service.platforms == ["web", "ios", "android"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("web_url", "http://suivitension.example.fr/", "Le site doit être servi en HTTPS"),
        ("web_url", "pas une adresse", "Saisissez une URL valide."),
        ("ios_url", "https://play.google.com/store/apps/details?id=x", "https://apps.apple.com/"),
        ("ios_url", "http://apps.apple.com/fr/app/x/id1", "https://apps.apple.com/"),
        ("android_url", "https://apps.apple.com/fr/app/x/id1", "https://play.google.com/"),
        ("android_url", "https://play.google.com.evil.fr/x", "https://play.google.com/"),
    ],
)
def test_service_create_with_a_bad_link_is_refused(client, person, field, value, message):
    with assert_nothing_changed(tables=(Service, Orientation)):
        response = client.post(reverse("applications:service-create"), {**VALID, field: value})
    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert "Le formulaire contient des erreurs" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"web_url": "", "ios_url": "", "android_url": ""}, "Indiquez au moins une plateforme"),
        (
            {"regions": ["FR", "BRE"]},
            "« Toute la France » ne se combine pas avec des régions",
        ),
        ({"regions": []}, "Ce champ est obligatoire."),
        ({"medical_device_class": ""}, "Indiquez la classe du dispositif médical."),
        (
            {"is_medical_device": "false"},
            "Une classe n'est attendue que pour un dispositif médical.",
        ),
        ({"mes_apis": []}, "Choisissez au moins une API pour l'échange de données."),
        ({"connected_devices": ""}, "Précisez les objets connectés."),
        ({"is_medical_device": ""}, "Répondez par oui ou par non."),
        ({"short_description": "x" * 301}, "au plus 300 caractères"),
        ({"themes": ["astrologie"]}, "Sélectionnez un choix valide."),
    ],
)
def test_service_create_with_inconsistent_answers_is_refused(client, person, changes, message):
    with assert_nothing_changed(tables=(Service, Orientation)):
        response = client.post(reverse("applications:service-create"), {**VALID, **changes})
    assert response.status_code == 400
    assert message in text(response)


def test_service_create_for_all_of_france_is_accepted(client, person):
    data = {**VALID, "regions": ["FR"], "requests_data_exchange": "false", "mes_apis": []}
    assert client.post(reverse("applications:service-create"), data).status_code == 302
    assert Service.objects.get().regions == ["FR"]


def test_editor_of_two_organisations_chooses_one_of_theirs(client, organisation):
    person = editor(organisation)
    mine = OrganisationFactory()
    member_of(mine, person)
    client.force_login(person)
    url = reverse("applications:service-create")
    assert "Organisation (éditeur) du service" in text(client.get(url))
    for missing_or_foreign in [{}, {"organisation": OrganisationFactory().pk}]:
        response = client.post(url, {**VALID, **missing_or_foreign})
        assert response.status_code == 400
    assert not Service.objects.exists()
    assert client.post(url, {**VALID, "organisation": mine.pk}).status_code == 302
    assert Service.objects.get().organisation == mine


def test_service_create_without_organisation_leads_to_creating_one(client):
    client.force_login(editor())
    response = client.get(reverse("applications:service-create"))
    assert response.status_code == 302
    assert response.url == reverse("organisations:organisation-create")


def test_service_update_changes_the_description(client, person, organisation):
    service = ServiceFactory(organisation=organisation, web_url="https://ancien.example.fr/")
    url = reverse("applications:service-update", args=[service.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "https://ancien.example.fr/" in text(page)
    response = client.post(url, {**VALID, "name": "Nouveau nom"})
    assert response.status_code == 302
    assert response.url == reverse("applications:service-detail", args=[service.pk])
    service.refresh_from_db()
    assert (service.name, service.web_url) == ("Nouveau nom", VALID["web_url"])


def test_service_update_with_a_bad_link_changes_nothing(client, person, organisation):
    service = ServiceFactory(organisation=organisation, web_url="https://ancien.example.fr/")
    url = reverse("applications:service-update", args=[service.pk])
    response = client.post(url, {**VALID, "name": "Autre", "ios_url": "https://exemple.fr/app"})
    assert response.status_code == 400
    assert "https://apps.apple.com/" in text(response)
    fresh = Service.objects.get(pk=service.pk)
    assert (fresh.name, fresh.web_url) == (service.name, "https://ancien.example.fr/")


# -- orientation and verdict ---------------------------------------------------------------------


def test_orientation_not_aimed_at_users_explains_the_verdict_and_no_dossier_is_created(
    client, person, organisation
):
    small_referential()
    service = ServiceFactory(organisation=organisation, orientation=False)
    url = reverse("applications:service-orientation", args=[service.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**ORIENTATION, "targets_users": "false"})
    detail = reverse("applications:service-detail", args=[service.pk])
    assert response.status_code == 302 and response.url == detail + "#eligibilite"
    orientation = Orientation.objects.get(service=service)
    assert (orientation.targets_users, orientation.updated_by) == (False, person)

    html = text(client.get(detail))
    assert "Non éligible : le service ne s'adresse pas aux usagers." in html
    assert "Créer le dossier de candidature" not in html
    assert "Exigences applicables" not in html

    response = client.post(reverse("applications:service-dossier-create", args=[service.pk]))
    assert response.status_code == 400
    assert "Non éligible : le service ne s'adresse pas aux usagers." in text(response)
    assert not Dossier.objects.exists()


def test_orientation_without_purpose_is_not_eligible(client, person, organisation):
    service = ServiceFactory(organisation=organisation, orientation=False)
    url = reverse("applications:service-orientation", args=[service.pk])
    client.post(url, {**ORIENTATION, "purposes": []})
    html = text(client.get(url))
    assert "Non éligible : le service ne concerne ni la prévention" in html


def test_orientation_with_missing_answers_is_refused(client, person, organisation):
    service = ServiceFactory(organisation=organisation, orientation=False)
    url = reverse("applications:service-orientation", args=[service.pk])
    with assert_nothing_changed(tables=(Orientation,), rows=(service,)):
        response = client.post(url, {"purposes": ["care", "horoscope"]})
    assert response.status_code == 400
    html = text(response)
    assert "Répondez par oui ou par non." in html
    assert "Sélectionnez un choix valide." in html


@pytest.mark.parametrize("stores_health_data", [True, False])
def test_eligible_orientation_lists_the_requirements_that_apply(
    client, person, organisation, stores_health_data
):
    small_referential()
    service = ServiceFactory(organisation=organisation, orientation=False)
    answers = {**ORIENTATION, "stores_health_data": "true" if stores_health_data else "false"}
    client.post(reverse("applications:service-orientation", args=[service.pk]), answers)
    html = text(client.get(reverse("applications:service-detail", args=[service.pk])))
    assert "Éligible au référencement." in html
    assert ("DOC-HDS-01" in html) is ("Hébergement certifié" in html) is stores_health_data
    for always in ["DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01", "Accessibilité", "obligatoire"]:
        assert always in html
    assert "facultative" in html  # DOC-HDS-02
    assert "ETH-IA-01" not in html  # no AI
    assert "DES-SEC-01" not in html and "Sécurité de l'échange de données" not in html
    assert "Créer le dossier de candidature" in html


def test_data_exchange_adds_its_two_domains(client, person, organisation):
    small_referential()
    service = ServiceFactory(
        organisation=organisation, requests_data_exchange=True, mes_apis=["measures"]
    )
    html = text(client.get(reverse("applications:service-detail", args=[service.pk])))
    for expected in [
        "Sécurité de l'échange de données",
        "RGPD de l'échange de données",
        "DES-SEC-01",
        "DER-CON-01",
        "bloquante",
    ]:
        assert expected in html


def test_eligible_service_without_referential_says_so(client, person, organisation):
    assert not ReferentialVersion.objects.exists()
    service = ServiceFactory(organisation=organisation)
    html = text(client.get(reverse("applications:service-detail", args=[service.pk])))
    assert "Aucun référentiel d'exigences n'est chargé" in html
    assert "Créer le dossier de candidature" not in html
    response = client.post(reverse("applications:service-dossier-create", args=[service.pk]))
    assert response.status_code == 400
    assert not Dossier.objects.exists()


# -- the dossier ---------------------------------------------------------------------------------


def test_dossier_create_opens_a_draft_pinned_to_the_referential(client, person, organisation):
    version = small_referential()
    service = ServiceFactory(organisation=organisation)
    detail = reverse("applications:service-detail", args=[service.pk])
    assert "Créer le dossier de candidature" in text(client.get(detail))

    response = client.post(reverse("applications:service-dossier-create", args=[service.pk]))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("applications:dossier-detail", args=[dossier.pk])
    assert (dossier.service, dossier.state, dossier.created_by) == (service, S.DRAFT, person)
    assert dossier.referential_version == version
    log = TransitionLog.objects.get(dossier=dossier)
    assert (log.transition, log.actor) == ("create", person)

    html = text(client.get(detail))
    assert dossier.reference in html and "Brouillon" in html
    assert "Créer le dossier de candidature" not in html  # one dossier in progress
    with assert_nothing_changed(dossier, tables=(Dossier, TransitionLog)):
        again = client.post(reverse("applications:service-dossier-create", args=[service.pk]))
    assert again.status_code == 400
    assert "Ce service a déjà un dossier en cours." in text(again)


def test_dossier_create_is_post_only(client, person, organisation):
    small_referential()
    service = ServiceFactory(organisation=organisation)
    url = reverse("applications:service-dossier-create", args=[service.pk])
    with assert_nothing_changed(tables=(Dossier,)):
        assert client.get(url).status_code == 405


# -- who reaches a service -----------------------------------------------------------------------


def service_unchanged(service):
    """Nothing written: the service and its orientation as they were, no service, no dossier."""
    orientation = Orientation.objects.get(service=service)
    return assert_nothing_changed(
        tables=(Service, Orientation, Dossier), rows=(service, orientation)
    )


def test_editor_of_another_organisation_gets_404_on_every_service_url(client):
    small_referential()
    service = ServiceFactory()
    client.force_login(editor(OrganisationFactory()))
    with service_unchanged(service):
        for method, url in service_urls(service):
            data = {**VALID, **ORIENTATION} if method == "post" else None
            assert getattr(client, method)(url, data).status_code == 404, url


@pytest.mark.parametrize("role", ["instructor", "admin", "ministry"])
def test_staff_cannot_reach_services(client, role):
    small_referential()
    service = ServiceFactory()
    client.force_login(staff_user(role))
    with service_unchanged(service):
        for method, url in service_urls(service):
            data = {**VALID, **ORIENTATION} if method == "post" else None
            assert getattr(client, method)(url, data).status_code == 404, url
        assert client.get(reverse("applications:service-create")).status_code == 403
        assert client.post(reverse("applications:service-create"), VALID).status_code == 403


def test_anonymous_is_sent_to_login(client):
    service = ServiceFactory()
    for _method, url in service_urls(service):
        response = client.get(url)
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("state", "status"),
    [(S.DRAFT, 200), (S.WITHDRAWN, 200), (S.SUBMITTED, 403), (S.INCOMPLETE, 403)],
)
def test_service_is_frozen_once_its_dossier_is_filed(client, state, status):
    dossier, cast = dossier_in_state(state)
    service = dossier.service
    client.force_login(cast.editor)
    urls = [
        reverse("applications:service-update", args=[service.pk]),
        reverse("applications:service-orientation", args=[service.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 403:
            html = text(response)
            assert f"Le dossier {dossier.reference} de ce service est à l'état" in html
            assert "ne peuvent plus être modifiés" in html
    if status == 403:
        with assert_nothing_changed(dossier), service_unchanged(service):
            assert client.post(urls[0], {**VALID, "name": "Renommé"}).status_code == 403
            orientation = {**ORIENTATION, "targets_users": "false"}
            assert client.post(urls[1], orientation).status_code == 403
        detail = text(client.get(reverse("applications:service-detail", args=[service.pk])))
        assert "Modifier la description" not in detail
        assert "ne peuvent plus être modifiés" in detail


# -- home and query counts -----------------------------------------------------------------------


def test_home_lists_the_editors_services_after_their_dossiers(client, person, organisation):
    service = ServiceFactory(organisation=organisation, name="PasÀPas")
    ServiceFactory(name="Service d'un autre éditeur")
    html = text(client.get(reverse("home")))
    assert html.count("<h1>") == 1
    assert html.index("<h1>Mes dossiers</h1>") < html.index("Mes services")
    assert reverse("applications:service-detail", args=[service.pk]) in html
    assert "Service d'un autre éditeur" not in html
    assert reverse("applications:service-create") in html
    assert "Décrire un nouveau service" in html


def test_home_of_an_editor_without_organisation_offers_to_create_one(client):
    client.force_login(editor())
    html = text(client.get(reverse("home")))
    assert html.count("<h1>") == 1
    assert "Commencez par créer votre organisation" in html
    assert "Mes services" not in html


def _detail_queries(client, service):
    url = reverse("applications:service-detail", args=[service.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), text(response)


def test_service_page_query_count_does_not_grow_with_dossiers(client, person, organisation):
    small_referential()
    service = ServiceFactory(
        organisation=organisation, requests_data_exchange=True, mes_apis=["agenda"]
    )
    first = dossier_create(actor=person, service=service)
    one, html = _detail_queries(client, service)
    assert first.reference in html
    for _ in range(2):
        t.dossier_withdraw(dossier=Dossier.objects.get(state=S.DRAFT), actor=person)
        dossier_create(actor=person, service=service)
    three, html = _detail_queries(client, service)
    assert html.count("Retiré") == 2
    assert one == three
