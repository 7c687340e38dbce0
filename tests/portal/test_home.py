"""Each role lands on the dossiers that concern it; list pages do not grow queries with rows."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain.dossiers import dossier_create
from applications.enums import DossierState
from portal.accounts.models import User
from tests.factories import OrganisationFactory, editor
from tests.factories.dossiers import ServiceFactory, dossier_in_state, small_referential

pytestmark = pytest.mark.django_db

#: Per demo account: the title of its home, what its to-do shows, what it does not show.
HOMES = {
    "editor-a@demo.test": (
        "Mes dossiers",
        # PasÀPas: referenced, its catalogue card to propose.
        ["CardioSuivi", "AllergoScope", "TensioNote", "NutriSanté", "PasÀPas", "5 dossiers à"],
        ["DiabèteFacile", "ZenStress", "4 dossiers"],  # B's ("Mes services" lists all of A's)
    ),
    "editor-b@demo.test": (
        "Mes dossiers",
        ["Aucun dossier n'attend votre action."],
        ["PasÀPas", "CardioSuivi"],
    ),
    "instructor@demo.test": (
        "Dossiers à instruire",
        ["DiabèteFacile", "GrossesseSereine", "Déposé", "Évalué"],
        ["AllergoScope", "SommeilPlus", "CardioSuivi"],
    ),
    "expert-doctrine@demo.test": (
        "Mes évaluations",
        ["SommeilPlus", "TensioNote", "Évaluer"],
        ["DiabèteFacile", "GrossesseSereine"],
    ),
    "expert-data-exchange@demo.test": ("Mes évaluations", [], ["DiabèteFacile"]),
    "commission-chair@demo.test": (
        "Dossiers inscrits en commission",
        ["AsthmeContrôle", "En commission", "Séance du"],
        ["DiabèteFacile", "VaccinRappel"],
    ),
    "commission-member-1@demo.test": (
        "Dossiers inscrits en commission",
        ["AsthmeContrôle"],
        ["SommeilPlus", "VaccinRappel"],
    ),
    "ministry@demo.test": (
        "Dossiers soumis à décision",
        ["VaccinRappel", "MigraineJournal", "Avis favorable"],
        ["AsthmeContrôle", "NutriSanté", "ZenStress"],
    ),
    "admin@demo.test": (
        "Tous les dossiers déposés",
        ["PasÀPas", "1 dossier à traiter"],  # its convention to draw up
        ["CardioSuivi", "DiabèteFacile", "MonCarnetBébé"],
    ),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (`seed_demo`), seeded once for the module's two tests that need it (seeding
    takes seconds) and rolled back at its end; each test runs in a savepoint of its own. The
    plain static storage and a cache in memory, as tests/conftest.py gives each test."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    caches = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with (
        override_settings(STORAGES=storages, CACHES=caches),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--force", "--catalogue=0", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_each_demo_role_lands_on_its_to_do_list(client, demo):
    for email, (title, present, absent) in HOMES.items():
        client.force_login(User.objects.get(email=email))
        response = client.get(reverse("home"))
        assert response.status_code == 200, email
        html = unescape(response.content.decode())
        assert re.search(rf"<h1[^>]*>{re.escape(title)}</h1>", html), email
        for text in present:
            assert text in html, (email, text)
        for text in absent:
            assert text not in html, (email, text)


def test_seed_demo_is_idempotent_and_refuses_production(settings, demo):
    counts = (User.objects.count(),)
    assert counts >= (len(HOMES),)  # the demo accounts, seeded once already
    call_command("seed_demo", "--force", "--catalogue=0", verbosity=0)
    assert (User.objects.count(),) == counts
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG est désactivé"):
        call_command("seed_demo")


def _home_queries(client, count):
    small_referential()
    organisation = OrganisationFactory()
    person = editor(organisation)
    for _ in range(count):
        dossier_create(actor=person, service=ServiceFactory(organisation=organisation))
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_dossiers(client):
    one = _home_queries(client, 1)
    client.logout()
    three = _home_queries(client, 3)
    assert one == three


def _detail_queries(client, dossier):
    url = reverse("applications:dossier-detail", args=[dossier.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dossier_page_query_count_does_not_grow_with_the_timeline(client):
    from applications.domain import transitions as t

    dossier, cast = dossier_in_state(DossierState.SUBMITTED)
    client.force_login(cast.editor)
    short = _detail_queries(client, dossier)  # 2 rows
    for _ in range(3):  # back and forth: same state, 6 more rows
        dossier = t.dossier_declare_incomplete(dossier=dossier, actor=cast.instructor, comment="x")
        dossier = t.dossier_resubmit(dossier=dossier, actor=cast.editor)
    assert _detail_queries(client, dossier) == short
