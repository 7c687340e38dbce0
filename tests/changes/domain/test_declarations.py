"""The editor's declaration (changes/domain/declarations.py): a draft then sent, one change or
editorial notices bundled; everything refused writes nothing (rows, files, e-mails)."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from applications.domain.exceptions import TransitionForbidden
from changes.domain.declarations import (
    DeclarationRefused,
    ItemInput,
    change_discard,
    change_draft_create,
    change_send,
)
from changes.enums import ChangeState
from changes.models import ChangeAttachment, ChangeDeclaration, ChangeEvent, ChangeItem
from portal.notifications.models import OutboxMessage
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import (
    T0,
    item,
    other_version_requirement,
    pdf,
    published,
    requirement,
)
from tests.factories import staff_user
from tests.factories.people import editor

pytestmark = pytest.mark.django_db

TABLES = (ChangeDeclaration, ChangeItem, ChangeAttachment, ChangeEvent)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db, private_storage):
    with time_machine.travel(T0, tick=False):
        yield _built


def test_a_valid_declaration_is_a_draft_then_sent_to_the_instructors(service, private_storage):
    dossier, cast = service
    touched = requirement(dossier)
    draft = change_draft_create(
        dossier=dossier,
        actor=cast.editor,
        items=[
            ItemInput(
                text="  Nouveau module de téléconsultation.  ",
                editor_view="substantial",
                requirements=[touched],
            )
        ],
        files=[pdf("notice.pdf")],
    )
    assert draft.state == ChangeState.DRAFT
    assert draft.declared_at is None and draft.qualification_due_on is None
    assert not ChangeEvent.objects.filter(declaration=draft).exists()
    assert not OutboxMessage.objects.filter(subject__contains="Modification déclarée").exists()
    (row,) = draft.items.all()
    assert row.text == "Nouveau module de téléconsultation."
    assert list(row.requirements.all()) == [touched]
    (attachment,) = draft.attachments.all()
    assert (attachment.name, attachment.kind, attachment.size) == (
        "notice.pdf",
        "pdf",
        attachment.file.size,
    )
    assert len(list(private_storage.rglob("notice*.pdf"))) == 1

    sent = change_send(declaration=draft, actor=cast.editor)
    assert sent.state == ChangeState.DECLARED
    assert sent.declared_by == cast.editor and sent.declared_at == T0
    (event,) = sent.events.all()
    assert (event.from_state, event.to_state, event.actor) == ("draft", "declared", cast.editor)
    mails = OutboxMessage.objects.filter(subject__startswith="Modification déclarée")
    mail = mails.get()
    assert mail.to == cast.instructor.email  # the only instructor; not the editor who sent it
    assert "Modification déclarée sur" in mail.subject
    assert "10 juin 2026" in mail.subject  # 10 March + 3 months
    assert f"/modifications/{sent.pk}/" in mail.body


def test_an_empty_text_is_refused_and_nothing_written(service):
    dossier, cast = service
    with (
        assert_nothing_changed(dossier, tables=TABLES),
        pytest.raises(DeclarationRefused) as refused,
    ):
        change_draft_create(dossier=dossier, actor=cast.editor, items=[item(dossier, text="   ")])
    assert refused.value.status_code == 400
    assert "décrivez ce qui change" in str(refused.value)


def test_a_requirement_of_another_version_is_refused(service):
    dossier, cast = service
    foreign = other_version_requirement()
    with (
        assert_nothing_changed(dossier, tables=TABLES),
        pytest.raises(DeclarationRefused) as refused,
    ):
        change_draft_create(
            dossier=dossier, actor=cast.editor, items=[item(dossier, requirements=[foreign])]
        )
    assert "n'appartient pas au référentiel du dossier" in str(refused.value)


def test_a_change_without_requirement_is_refused(service):
    dossier, cast = service
    with assert_nothing_changed(dossier, tables=TABLES), pytest.raises(DeclarationRefused):
        change_draft_create(
            dossier=dossier,
            actor=cast.editor,
            items=[ItemInput(text="Texte.", editor_view="editorial", requirements=[])],
        )


def test_a_refused_attachment_says_why_and_nothing_is_written(service, private_storage):
    dossier, cast = service
    fake = SimpleUploadedFile("capture.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "application/pdf")
    with (
        assert_nothing_changed(dossier, tables=TABLES),
        pytest.raises(DeclarationRefused) as refused,
    ):
        change_draft_create(
            dossier=dossier, actor=cast.editor, items=[item(dossier)], files=[pdf(), fake]
        )
    assert "capture.pdf" in str(refused.value)
    assert "PNG" in str(refused.value)
    assert not list(private_storage.rglob("*.pdf"))


def test_editorial_notices_may_be_bundled(service):
    dossier, cast = service
    first, second = requirement(dossier), requirement(dossier, "rgpd")
    draft = change_draft_create(
        dossier=dossier,
        actor=cast.editor,
        items=[
            item(dossier, text="Nouveau logo.", requirements=[first]),
            item(dossier, text="Mentions légales reformulées.", requirements=[second, first]),
        ],
    )
    rows = list(draft.items.all())
    assert [row.text for row in rows] == ["Nouveau logo.", "Mentions légales reformulées."]
    assert [row.position for row in rows] == [0, 1]
    assert set(rows[1].requirements.all()) == {first, second}
    assert draft.is_bundle


def test_a_substantial_change_is_not_bundled(service):
    dossier, cast = service
    with (
        assert_nothing_changed(dossier, tables=TABLES),
        pytest.raises(DeclarationRefused) as refused,
    ):
        change_draft_create(
            dossier=dossier,
            actor=cast.editor,
            items=[item(dossier), item(dossier, text="Nouvel algorithme.", view="substantial")],
        )
    assert "déclarez une modification substantielle seule" in str(refused.value)


@pytest.mark.parametrize("who", ["stranger", "instructor", "admin"])
def test_only_the_editors_members_declare(service, who):
    dossier, cast = service
    actor = {
        "stranger": lambda: editor(),
        "instructor": lambda: cast.instructor,
        "admin": lambda: cast.admin,
    }[who]()
    with assert_nothing_changed(dossier, tables=TABLES), pytest.raises(TransitionForbidden):
        change_draft_create(dossier=dossier, actor=actor, items=[item(dossier)])


def test_a_dossier_not_published_takes_no_declaration(db):
    from applications.enums import DossierState
    from tests.factories.dossiers import dossier_in_state

    dossier, cast = dossier_in_state(DossierState.SUBMITTED)
    with pytest.raises(TransitionForbidden):
        change_draft_create(dossier=dossier, actor=cast.editor, items=[item(dossier)])


def test_a_draft_is_discarded_only_by_its_editor(
    service, private_storage, django_capture_on_commit_callbacks
):
    dossier, cast = service
    draft = change_draft_create(
        dossier=dossier, actor=cast.editor, items=[item(dossier)], files=[pdf("a.pdf")]
    )
    other = editor()
    with pytest.raises(TransitionForbidden):
        change_send(declaration=draft, actor=other)
    with pytest.raises(TransitionForbidden):
        change_discard(declaration=draft, actor=staff_user("instructor"))
    with django_capture_on_commit_callbacks(execute=True):
        change_discard(declaration=draft, actor=cast.editor)
    assert not ChangeDeclaration.objects.filter(pk=draft.pk).exists()
    assert not list(private_storage.rglob("a*.pdf"))
