"""The questionnaire of a published dossier while a declared change waits for the editor's
update (applications.rules.can_edit_questionnaire, applications/domain/questionnaire.py
`change_update_requirements`): the requirements the change touches, and only those, may be
changed — the answer, the evidence, the document library — by the dossier's editor, and only
until the update is sent; the dossier stays published, its catalogue card as it was."""

import html
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from applications import rules as r
from applications.domain import documents as library
from applications.domain.applicability import applicable_requirements
from applications.domain.dossiers import dossier_create
from applications.domain.questionnaire import answer_save, change_update_requirements
from applications.domain.revisions import revision_freeze
from applications.enums import DossierState
from applications.models import Answer, Document, Dossier, Evidence
from catalogue.enums import CardState
from catalogue.models import Card, Listing
from changes.domain.qualification import change_qualify
from changes.domain.updates import change_update_send
from tests.assertions import assert_nothing_changed
from tests.changes.helpers import T0, declared, in_paris, item
from tests.factories.dossiers import (
    TINY_PDF,
    Cast,
    ServiceFactory,
    fill_questionnaire,
    small_referential,
)
from tests.factories.people import OrganisationFactory, editor

pytestmark = pytest.mark.django_db


def published_by_factory():
    """(dossier, cast): a published dossier written directly — its questionnaire filled in by
    the real service, frozen once as a filing would, its experts' assignments and an approved
    card — without the whole workflow (the decision's and the convention's PDFs); what the
    update step reads of a published dossier, and nothing more."""
    small_referential()
    organisation = OrganisationFactory()
    cast = Cast(organisation)
    dossier = dossier_create(actor=cast.editor, service=ServiceFactory(organisation=organisation))
    fill_questionnaire(dossier, cast.editor)
    cast.assign_experts(dossier)
    revision_freeze(dossier=dossier, actor=cast.editor, transition="submit")
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.PUBLISHED)
    dossier = Dossier.objects.get(pk=dossier.pk)
    Card.objects.create(
        service=dossier.service,
        version=1,
        state=CardState.APPROVED,
        name=dossier.service.name[:120],
        editor_public_name=organisation.name[:120],
        short_description="Un service numérique en santé référencé.",
        long_description="Description du service.",
        themes=["prevention"],
        regions=["FR"],
        platforms=[{"platform": "web", "url": "https://service.example/"}],
        price_model="free",
        accessibility="partial",
        created_by=cast.editor,
        reviewed_by=cast.admin,
    )
    return dossier, cast


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        yield published_by_factory()
        transaction.set_rollback(True)


@pytest.fixture
def service(_built, db, private_storage):
    with time_machine.travel(in_paris(date(2026, 3, 20)), tick=False):
        yield _built


def pdf(name: str) -> SimpleUploadedFile:
    """A PDF of its own content (the dossier's evidence is all one PDF: a new one is new)."""
    return SimpleUploadedFile(name, TINY_PDF + f"% {name}\n".encode(), "application/pdf")


def _touched_and_other(dossier, cast):
    """A requirement of a domain with an expert (to touch) and one of another domain."""
    applicable = applicable_requirements(dossier)
    touched = next(rq for rq in applicable if rq.domain in cast.experts)
    other = next(rq for rq in applicable if rq.domain != touched.domain)
    return touched, other


def _awaiting_update(dossier, cast, touched, *, qualify=True):
    declaration = declared(
        dossier, cast.editor, items=[item(dossier, view="substantial", requirements=[touched])]
    )
    if not qualify:
        return declaration
    return change_qualify(
        declaration=declaration, actor=cast.instructor, outcome="partial_review", reason="À voir."
    )


def _save(dossier, requirement, actor, justification="Nouvelle justification."):
    answer = Answer.objects.filter(dossier=dossier, requirement=requirement).first()
    return answer_save(
        dossier=dossier,
        requirement=requirement,
        actor=actor,
        status="compliant",
        justification=justification,
        free_text="",
        expected_version=answer.version if answer else 0,
    )


def _public(dossier):
    return (
        list(Card.objects.filter(service=dossier.service).values()),
        list(Listing.objects.filter(service=dossier.service).values()),
    )


def test_a_published_dossier_is_not_editable_without_a_change_to_update(service):
    dossier, cast = service
    touched, _other = _touched_and_other(dossier, cast)
    assert not r.can_edit_questionnaire.test(cast.editor, dossier)
    _awaiting_update(dossier, cast, touched, qualify=False)  # declared, not qualified yet
    assert not r.can_edit_questionnaire.test(cast.editor, dossier)
    assert change_update_requirements(dossier) is None
    with pytest.raises(PermissionDenied):
        _save(dossier, touched, cast.editor)


def test_only_the_touched_requirements_open_for_the_editor(service):
    dossier, cast = service
    touched, other = _touched_and_other(dossier, cast)
    declaration = _awaiting_update(dossier, cast, touched)
    assert r.can_edit_questionnaire.test(cast.editor, dossier)
    assert not r.can_edit_questionnaire.test(cast.instructor, dossier)
    assert not r.can_edit_questionnaire.test(editor(), dossier)  # another organisation's
    assert change_update_requirements(dossier) == {touched.pk: f"Modification n° {declaration.pk}"}
    public = _public(dossier)

    saved = _save(dossier, touched, cast.editor)
    assert saved.justification == "Nouvelle justification."
    with assert_nothing_changed(
        dossier, tables=(Answer,), rows=(Answer.objects.get(dossier=dossier, requirement=other),)
    ):
        with pytest.raises(PermissionDenied, match="touchées par la modification déclarée"):
            _save(dossier, other, cast.editor)
        with pytest.raises(PermissionDenied):
            _save(dossier, touched, cast.instructor)

    dossier.refresh_from_db()
    assert dossier.state == DossierState.PUBLISHED
    assert _public(dossier) == public


def test_the_evidence_and_the_library_follow_the_opening(service):
    dossier, cast = service
    touched, other = _touched_and_other(dossier, cast)
    _awaiting_update(dossier, cast, touched)

    added = library.evidence_add(
        dossier=dossier, requirement=touched, actor=cast.editor, uploaded=pdf("nouvelle.pdf")
    )
    assert added.requirement == touched
    with assert_nothing_changed(dossier, tables=(Evidence, Document)):
        with pytest.raises(PermissionDenied):
            library.evidence_add(
                dossier=dossier, requirement=other, actor=cast.editor, uploaded=pdf("autre.pdf")
            )
        with pytest.raises(PermissionDenied):
            library.evidence_attach(document=added.document, requirement=other, actor=cast.editor)
        with pytest.raises(PermissionDenied, match="pas " + other.code):
            library.document_set_requirements(
                document=added.document, actor=cast.editor, requirements=[touched, other]
            )
    # A document another requirement relies on stays: it cannot leave the dossier, nor that
    # requirement (the link written directly: the published dossier's evidence).
    shared = Evidence.objects.create(
        dossier=dossier, document=added.document, requirement=other, attached_by=cast.editor
    )
    with assert_nothing_changed(dossier, rows=(shared, added.document)):
        with pytest.raises(PermissionDenied, match="ne touche pas"):
            library.document_remove(document=added.document, actor=cast.editor)
        with pytest.raises(PermissionDenied):
            library.evidence_detach(evidence=shared, actor=cast.editor)
    # The library still takes new files, and the touched requirement's links change.
    document, _reused = library.document_upload(
        dossier=dossier, actor=cast.editor, uploaded=pdf("bibliotheque.pdf")
    )
    library.evidence_detach(evidence=added, actor=cast.editor)
    assert library.document_set_requirements(
        document=document, actor=cast.editor, requirements=[touched]
    ) == (1, 0)
    choices = {
        choice.requirement.pk: choice.locked
        for domain in library.document_requirement_choices(document)
        for section in domain.sections
        for choice in section.choices
    }
    assert choices[touched.pk] is False and choices[other.pk] is True


def test_the_opening_closes_once_the_update_is_sent(service):
    dossier, cast = service
    touched, _other = _touched_and_other(dossier, cast)
    declaration = _awaiting_update(dossier, cast, touched)
    _save(dossier, touched, cast.editor)
    change_update_send(declaration=declaration, actor=cast.editor)

    assert not r.can_edit_questionnaire.test(cast.editor, dossier)
    assert change_update_requirements(dossier) is None
    with pytest.raises(PermissionDenied):
        _save(dossier, touched, cast.editor, "Encore.")
    with pytest.raises(PermissionDenied):
        library.evidence_add(
            dossier=dossier, requirement=touched, actor=cast.editor, uploaded=pdf("tard.pdf")
        )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PUBLISHED


# --- The pages ----------------------------------------------------------------------------------


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _domain_url(dossier, requirement, expand=True):
    url = f"/dossiers/{dossier.pk}/questionnaire/{requirement.domain}/"
    return f"{url}?exigence={requirement.code}" if expand else url


def test_the_page_shows_what_to_update_and_locks_the_rest(service, client):
    dossier, cast = service
    touched, other = _touched_and_other(dossier, cast)
    declaration = _awaiting_update(dossier, cast, touched)
    client.force_login(cast.editor)

    page = client.get(_domain_url(dossier, touched))
    text = _text(page)
    assert page.status_code == 200
    assert "Modification déclarée : 1 exigence à mettre à jour" in text
    assert f"<strong>À mettre à jour :</strong> Modification n° {declaration.pk}" in text
    assert f'id="justification-{touched.code}"' in text  # its form
    assert "Seules les exigences touchées par la modification déclarée sont modifiables" in text

    locked = client.get(_domain_url(dossier, other))
    text = _text(locked)
    assert "Verrouillée : la modification déclarée ne touche pas cette exigence." in text
    assert f'id="justification-{other.code}"' not in text

    url = f"/dossiers/{dossier.pk}/exigences/{other.code}/reponse/"
    with assert_nothing_changed(dossier, tables=(Answer,)):
        refused = client.post(url, {"status": "compliant", "justification": "Non.", "version": 1})
    assert refused.status_code == 403


def test_another_organisation_gets_404_and_the_instructor_reads_only(service, client):
    dossier, cast = service
    touched, _other = _touched_and_other(dossier, cast)
    _awaiting_update(dossier, cast, touched)
    client.force_login(editor())
    assert client.get(_domain_url(dossier, touched)).status_code == 404

    client.force_login(cast.instructor)
    page = client.get(_domain_url(dossier, touched))
    assert page.status_code == 200
    assert f'id="justification-{touched.code}"' not in _text(page)


def test_the_library_and_the_evidence_upload_pages_follow_the_opening(service, client):
    dossier, cast = service
    touched, other = _touched_and_other(dossier, cast)
    declaration = _awaiting_update(dossier, cast, touched)
    client.force_login(cast.editor)

    library_page = _text(client.get(f"/dossiers/{dossier.pk}/documents/"))
    assert 'id="depot-titre"' in library_page  # the upload form: editable
    url = f"/dossiers/{dossier.pk}/exigences/{{code}}/pieces/"
    response = client.post(url.format(code=touched.code), {"file": [pdf("mise-a-jour.pdf")]})
    assert response.status_code == 302
    assert Evidence.objects.filter(
        requirement=touched, document__name="mise-a-jour.pdf", removed_at=None
    ).exists()
    with assert_nothing_changed(dossier, tables=(Evidence, Document)):
        refused = client.post(url.format(code=other.code), {"file": [pdf("refusee.pdf")]})
    assert refused.status_code == 403

    change_update_send(declaration=declaration, actor=cast.editor)
    library_page = _text(client.get(f"/dossiers/{dossier.pk}/documents/"))
    assert 'id="depot-titre"' not in library_page
    with assert_nothing_changed(dossier, tables=(Evidence, Document)):
        late = client.post(url.format(code=touched.code), {"file": [pdf("tardive.pdf")]})
    assert late.status_code == 403


def test_a_change_awaiting_its_update_without_requirements_opens_none(service):
    dossier, cast = service
    touched, _other = _touched_and_other(dossier, cast)
    declaration = _awaiting_update(dossier, cast, touched)
    declaration.items.get().requirements.clear()  # written directly: the form never allows it
    assert r.can_edit_questionnaire.test(cast.editor, dossier)
    assert change_update_requirements(dossier) == {}
    with pytest.raises(PermissionDenied):
        _save(dossier, touched, cast.editor)
