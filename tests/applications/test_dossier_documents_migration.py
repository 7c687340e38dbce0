"""Migration 0007 turns each evidence file into a document of the dossier's library, on the same
stored file (nothing copied), the links keeping their ids (which the revisions cite); and back.

It runs on a database of its own, created for the test and migrated only as far as 0006 (then
0007, then back): the test database, migrated to the end, has later migrations of every app
depending on this one."""

import uuid

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("applications", "0006_list_indexes")
AFTER = ("applications", "0007_dossier_documents")
ALIAS = "dossier_documents_migration"


@pytest.fixture
def scratch():
    """A new, empty PostgreSQL database on the test server, reached as `ALIAS`."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    name = f"migration_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connections.settings[ALIAS] = {**connections.settings["default"], "NAME": name}
    scratch = connections[ALIAS]
    # Connected here, not through `ensure_connection`, which the test case keeps to the
    # databases it declares (ALIAS does not exist when they are declared).
    scratch.connect()
    try:
        yield scratch
    finally:
        scratch.close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')


def migrate(db, target):
    MigrationExecutor(db).migrate([target])
    return MigrationExecutor(db).loader.project_state([target]).apps


def _dossier(apps):
    """A dossier on a one-requirement-per-code referential, written with the models of then."""
    objects = {
        label: apps.get_model(*label.split(".")).objects.using(ALIAS)
        for label in (
            "accounts.User",
            "organisations.Organisation",
            "applications.Service",
            "applications.ReferentialVersion",
            "applications.ReferentialDomain",
            "applications.ReferentialSection",
            "applications.Requirement",
            "applications.Dossier",
        )
    }
    person = objects["accounts.User"].create(email="editrice@example.test", password="!")
    organisation = objects["organisations.Organisation"].create(
        name="Éditrice SAS", siren="812345676", street="1 rue", postal_code="35000", city="Rennes"
    )
    service = objects["applications.Service"].create(name="Service", organisation=organisation)
    version = objects["applications.ReferentialVersion"].create(
        code="T0", title="Test", published_on="2020-01-01", source_sha256="0" * 64
    )
    domain = objects["applications.ReferentialDomain"].create(
        code="ethics", title="Éthique", position=1, version=version
    )
    section = objects["applications.ReferentialSection"].create(
        code="ETH-ACC", title="Accessibilité", position=1, domain=domain
    )
    requirements = {
        code: objects["applications.Requirement"].create(
            domain="ethics",
            code=code,
            title=code,
            statement="…",
            position=position,
            section=section,
            version=version,
        )
        for position, code in enumerate(("ETH-ACC-01", "ETH-ACC-02", "ETH-ACC-03"), start=1)
    }
    dossier = objects["applications.Dossier"].create(
        reference="D-2026-TEST01", created_by=person, service=service, referential_version=version
    )
    return dossier, person, requirements


def test_each_evidence_file_becomes_a_document_on_the_same_file_and_back(scratch):
    old = migrate(scratch, BEFORE)
    dossier, person, requirements = _dossier(old)
    OldEvidence = old.get_model("applications", "Evidence")
    rows = [
        OldEvidence.objects.using(ALIAS).create(
            dossier_id=dossier.pk,
            requirement_id=requirements[code].pk,
            file=f"dossiers/{dossier.pk}/{n:032x}/{name}",
            name=name,
            kind="pdf",
            content_type="application/pdf",
            size=100 + n,
            sha256=f"{n:064x}",
            uploaded_by_id=person.pk,
            removed_at=removed,
            removed_by_id=person.pk if removed else None,
        )
        for n, (code, name, removed) in enumerate(
            [
                ("ETH-ACC-01", "declaration.pdf", None),
                ("ETH-ACC-02", "registre.pdf", None),
                ("ETH-ACC-02", "ancien-registre.pdf", "2026-03-02T10:00:00+01:00"),
            ],
            start=1,
        )
    ]
    rows = [OldEvidence.objects.using(ALIAS).get(pk=row.pk) for row in rows]

    new = migrate(scratch, AFTER)

    Evidence = new.get_model("applications", "Evidence")
    Document = new.get_model("applications", "Document")
    links = {link.pk: link for link in Evidence.objects.using(ALIAS).select_related("document")}
    assert sorted(links) == sorted(row.pk for row in rows)
    for row in rows:
        link, document = links[row.pk], links[row.pk].document
        assert document.file.name == row.file.name  # the same stored file
        assert (document.name, document.kind, document.size, document.sha256) == (
            row.name,
            row.kind,
            row.size,
            row.sha256,
        )
        assert (document.dossier_id, link.dossier_id) == (dossier.pk, dossier.pk)
        assert link.requirement_id == row.requirement_id
        assert document.uploaded_by_id == link.attached_by_id == person.pk
        assert document.uploaded_at == link.attached_at == row.uploaded_at
        assert document.removed_at == link.removed_at == row.removed_at
    assert Document.objects.using(ALIAS).count() == 3

    # And back, for a rollback: one file per link again, a shared document on each of its links.
    shared = links[rows[0].pk].document
    Evidence.objects.using(ALIAS).create(
        dossier_id=dossier.pk,
        document=shared,
        requirement_id=requirements["ETH-ACC-03"].pk,
        attached_by_id=person.pk,
    )
    old = migrate(scratch, BEFORE)
    OldEvidence = old.get_model("applications", "Evidence")
    back = {
        e.requirement_id: (e.name, e.file.name, e.size)
        for e in OldEvidence.objects.using(ALIAS).filter(removed_at=None)
    }
    assert back == {
        requirements["ETH-ACC-01"].pk: ("declaration.pdf", rows[0].file.name, 101),
        requirements["ETH-ACC-02"].pk: ("registre.pdf", rows[1].file.name, 102),
        requirements["ETH-ACC-03"].pk: ("declaration.pdf", rows[0].file.name, 101),
    }
