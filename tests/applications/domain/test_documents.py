"""The dossier's document library (applications/domain/documents.py): several files at once, each
checked on its own; the same content stored once; one document attached to several requirements,
detached, removed; what a filing freezes; who may do it, and in which states."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.domain import transitions as t
from applications.domain.completeness import dossier_completeness
from applications.domain.documents import (
    document_remove,
    document_set_requirements,
    document_upload,
    documents_upload,
    evidence_add,
    evidence_attach,
    evidence_detach,
    filed_library,
    library_entries,
)
from applications.domain.questionnaire import answer_save, evidence_counts
from applications.domain.questionnaire_pages import AnswerState, answer_states
from applications.enums import DossierState
from applications.models import Answer, Document, Evidence, Requirement, Revision
from reviews.domain.complements import dossier_request_complements
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor
from tests.factories.dossiers import TINY_PDF, dossier_in_state

S = DossierState
pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
#: The three requirements the small referential applies to the factories' service.
CODES = ("DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01")


def pdf(name="preuve.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def png(name="capture.png"):
    return SimpleUploadedFile(name, PNG, "image/png")


def requirement(dossier, code):
    return Requirement.objects.get(version=dossier.referential_version, code=code)


def stored(location):
    return sorted(p for p in location.rglob("*") if p.is_file())


@pytest.fixture
def draft():
    return dossier_in_state(S.DRAFT, filled=False)


def _answer_compliant(dossier, person, *codes):
    for code in codes:
        answer_save(
            dossier=dossier,
            requirement=requirement(dossier, code),
            actor=person,
            status="compliant",
            justification="",
            free_text="",
            expected_version=0,
        )


def _files_of(revision):
    """{requirement code: [document names]} as the revision froze it."""
    links = Evidence.objects.select_related("document")
    return {
        answer.requirement.code: sorted(
            links.get(pk=pk).document.name for pk in answer.evidence_ids
        )
        for answer in revision.answers.select_related("requirement")
    }


# --- Uploads ------------------------------------------------------------------------------------


def test_several_files_at_once_keep_the_good_ones_and_say_why_a_bad_one_is_refused(
    draft, private_storage
):
    dossier, cast = draft
    files = [pdf("charte.pdf"), pdf("image.pdf", PNG), png("ecran.png")]

    results = documents_upload(dossier=dossier, actor=cast.editor, files=files)

    assert [(u.name, u.ok) for u in results] == [
        ("charte.pdf", True),
        ("image.pdf", False),
        ("ecran.png", True),
    ]
    assert results[1].message == (
        "Le fichier « image.pdf » est en réalité une image PNG : renommez-le ou déposez le bon "
        "fichier."
    )
    assert results[0].message == "« charte.pdf » est déposé."
    documents = Document.objects.filter(dossier=dossier).order_by("name")
    assert [(d.name, d.kind, d.uploaded_by) for d in documents] == [
        ("charte.pdf", "pdf", cast.editor),
        ("ecran.png", "png", cast.editor),
    ]
    assert len(stored(private_storage)) == 2
    assert all(d.file.name.startswith(f"dossiers/{dossier.pk}/") for d in documents)
    assert not Evidence.objects.filter(dossier=dossier).exists()  # in the library, on nothing


def test_the_same_content_twice_is_stored_once(draft, private_storage):
    dossier, cast = draft
    first, reused_first = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf("a.pdf"))
    again, reused_again = document_upload(
        dossier=dossier, actor=cast.editor, uploaded=pdf("copie de a.pdf")
    )

    assert (reused_first, reused_again) == (False, True)
    assert again.pk == first.pk and again.name == "a.pdf"
    assert Document.objects.filter(dossier=dossier).count() == 1
    assert len(stored(private_storage)) == 1
    [result] = documents_upload(dossier=dossier, actor=cast.editor, files=[pdf("b.pdf")])
    assert result.reused
    assert result.message == (
        "« b.pdf » était déjà dans les documents du dossier (« a.pdf ») : il n'est pas "
        "enregistré une seconde fois."
    )
    # Another dossier's library is its own.
    other, other_cast = dossier_in_state(S.DRAFT, filled=False)
    theirs, reused = document_upload(dossier=other, actor=other_cast.editor, uploaded=pdf())
    assert not reused and theirs.pk != first.pk


def test_content_removed_earlier_gets_a_new_document_on_the_stored_file(draft, private_storage):
    dossier, cast = draft
    first, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf("a.pdf"))
    document_remove(document=first, actor=cast.editor)

    again, reused = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf("b.pdf"))

    assert not reused and again.pk != first.pk
    assert again.name == "b.pdf" and again.removed_at is None
    assert again.file.name == first.file.name  # nothing stored twice
    assert len(stored(private_storage)) == 1


def test_a_refused_file_stores_nothing(draft, private_storage):
    dossier, cast = draft
    with assert_nothing_changed(dossier, tables=(Document, Evidence)):
        with pytest.raises(ValidationError, match="est vide"):
            document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf("vide.pdf", b""))
        with pytest.raises(ValidationError, match="est vide"):
            evidence_add(
                dossier=dossier,
                requirement=requirement(dossier, "ETH-ACC-01"),
                actor=cast.editor,
                uploaded=pdf("vide.pdf", b""),
            )
    assert stored(private_storage) == []


# --- Attaching ----------------------------------------------------------------------------------


def test_one_document_attached_to_three_requirements_counts_for_each(draft):
    dossier, cast = draft
    _answer_compliant(dossier, cast.editor, *CODES)
    assert dossier_completeness(dossier).count("evidence") == 2
    document, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf("charte.pdf"))

    links = [
        evidence_attach(document=document, requirement=requirement(dossier, c), actor=cast.editor)
        for c in CODES
    ]

    assert len({link.pk for link in links}) == 3
    assert evidence_counts(dossier) == {requirement(dossier, c).pk: 1 for c in CODES}
    assert dossier_completeness(dossier).count("evidence") == 0
    [entry] = library_entries(dossier)
    assert [r.code for r in entry.requirements] == ["DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01"]
    # Attaching it again changes nothing.
    again = evidence_attach(
        document=document, requirement=requirement(dossier, "ETH-ACC-01"), actor=cast.editor
    )
    assert again.pk == links[1].pk
    assert Evidence.objects.filter(dossier=dossier).count() == 3


def test_detach_takes_the_document_off_one_requirement_only(draft):
    dossier, cast = draft
    document, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf())
    ethics, rgpd = (
        evidence_attach(document=document, requirement=requirement(dossier, c), actor=cast.editor)
        for c in ("ETH-ACC-01", "RGPD-FIN-01")
    )

    evidence_detach(evidence=ethics, actor=cast.editor)

    ethics.refresh_from_db()
    assert ethics.removed_at is not None and ethics.removed_by == cast.editor
    assert evidence_counts(dossier) == {requirement(dossier, "RGPD-FIN-01").pk: 1}
    [entry] = library_entries(dossier)
    assert entry.evidence == [rgpd]
    # Attached again: a new link; the old one stays as it was, for the revisions that cite it.
    back = evidence_attach(
        document=document, requirement=requirement(dossier, "ETH-ACC-01"), actor=cast.editor
    )
    assert back.pk != ethics.pk


def test_setting_the_requirements_attaches_and_detaches_exactly(draft):
    dossier, cast = draft
    document, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf())
    hds, ethics, rgpd = (requirement(dossier, c) for c in CODES)

    assert document_set_requirements(
        document=document, actor=cast.editor, requirements=[hds, ethics]
    ) == (2, 0)
    assert document_set_requirements(
        document=document, actor=cast.editor, requirements=[ethics, rgpd]
    ) == (1, 1)

    current = Evidence.objects.filter(document=document, removed_at=None)
    assert sorted(link.requirement.code for link in current) == ["ETH-ACC-01", "RGPD-FIN-01"]
    assert Evidence.objects.filter(document=document).count() == 3  # the detached one stays


def test_remove_takes_the_document_out_and_off_every_requirement(draft, private_storage):
    dossier, cast = draft
    document, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf())
    document_set_requirements(
        document=document,
        actor=cast.editor,
        requirements=[requirement(dossier, c) for c in ("ETH-ACC-01", "RGPD-FIN-01")],
    )

    document_remove(document=document, actor=cast.editor)

    document.refresh_from_db()
    assert document.removed_at is not None and document.removed_by == cast.editor
    assert not Evidence.objects.filter(document=document, removed_at=None).exists()
    assert evidence_counts(dossier) == {}
    assert library_entries(dossier) == []
    assert len(stored(private_storage)) == 1  # kept for the revisions that may cite it
    with pytest.raises(ValidationError, match="a été retiré du dossier"):
        evidence_attach(
            document=document, requirement=requirement(dossier, "ETH-ACC-01"), actor=cast.editor
        )


# --- What a filing freezes ----------------------------------------------------------------------


def test_revisions_keep_which_file_supported_which_requirement():
    dossier, cast = dossier_in_state(S.DRAFT, filled=False)
    _answer_compliant(dossier, cast.editor, "ETH-ACC-01", "RGPD-FIN-01")
    charter, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf("charte.pdf"))
    document_set_requirements(
        document=charter,
        actor=cast.editor,
        requirements=[requirement(dossier, c) for c in ("ETH-ACC-01", "RGPD-FIN-01")],
    )
    dossier = t.dossier_submit(dossier=dossier, actor=cast.editor)
    dossier = t.dossier_declare_incomplete(dossier=dossier, actor=cast.instructor, comment="x")

    # The register gets its own file; the charter no longer supports it.
    rgpd = Evidence.objects.get(document=charter, requirement__code="RGPD-FIN-01")
    evidence_detach(evidence=rgpd, actor=cast.editor)
    evidence_add(
        dossier=dossier,
        requirement=requirement(dossier, "RGPD-FIN-01"),
        actor=cast.editor,
        uploaded=png("registre.png"),
    )
    t.dossier_resubmit(dossier=dossier, actor=cast.editor)

    first, second = Revision.objects.filter(dossier=dossier).order_by("number")
    assert _files_of(first) == {
        "ETH-ACC-01": ["charte.pdf"],
        "RGPD-FIN-01": ["charte.pdf"],
    }
    assert _files_of(second) == {
        "ETH-ACC-01": ["charte.pdf"],
        "RGPD-FIN-01": ["registre.png"],
    }
    # The same link, unchanged between both filings: same id in both.
    ethics = [
        a.evidence_ids
        for r in (first, second)
        for a in r.answers.all()
        if a.requirement.code == "ETH-ACC-01"
    ]
    assert ethics[0] == ethics[1]


def test_filed_library_lists_each_document_once_and_an_expert_only_their_domains():
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)  # one PDF on ETH-ACC-01, RGPD-FIN-01
    filed = filed_library(dossier)
    assert filed.number == 1
    [entry] = filed.entries
    assert entry.document.name == "preuve.pdf"
    assert [r.code for r in entry.requirements] == ["ETH-ACC-01", "RGPD-FIN-01"]

    ethics_only = filed_library(dossier, domains={"ethics"})
    assert [r.code for e in ethics_only.entries for r in e.requirements] == ["ETH-ACC-01"]
    assert filed_library(dossier, domains={"doctrine"}).entries == []
    never_filed, _cast = dossier_in_state(S.DRAFT)
    assert filed_library(never_filed).number == 0


# --- Who may, and when --------------------------------------------------------------------------


def test_another_organisation_may_change_nothing(draft):
    dossier, cast = draft
    document, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf())
    link = evidence_attach(
        document=document, requirement=requirement(dossier, "ETH-ACC-01"), actor=cast.editor
    )
    outsider = editor(OrganisationFactory())
    ethics = requirement(dossier, "ETH-ACC-01")
    with assert_nothing_changed(dossier, tables=(Document, Evidence), rows=(document, link)):
        for write in (
            lambda: documents_upload(dossier=dossier, actor=outsider, files=[png()]),
            lambda: evidence_attach(document=document, requirement=ethics, actor=outsider),
            lambda: evidence_detach(evidence=link, actor=outsider),
            lambda: document_set_requirements(document=document, actor=outsider, requirements=[]),
            lambda: document_remove(document=document, actor=outsider),
        ):
            with pytest.raises(PermissionDenied):
                write()


@pytest.mark.parametrize("state", [S.SUBMITTED, S.UNDER_EVALUATION, S.WITHDRAWN])
def test_nothing_changes_once_filed(state):
    dossier, cast = dossier_in_state(state)
    link = Evidence.objects.filter(dossier=dossier).first()
    ethics = requirement(dossier, "ETH-ACC-01")
    with assert_nothing_changed(dossier, tables=(Document, Evidence), rows=(link, link.document)):
        for write in (
            lambda: documents_upload(dossier=dossier, actor=cast.editor, files=[png()]),
            lambda: evidence_add(
                dossier=dossier, requirement=ethics, actor=cast.editor, uploaded=png()
            ),
            lambda: evidence_detach(evidence=link, actor=cast.editor),
            lambda: document_remove(document=link.document, actor=cast.editor),
        ):
            with pytest.raises(PermissionDenied, match="dans son état actuel"):
                write()


def test_during_complements_only_the_requirements_asked_about_change():
    dossier, cast = dossier_in_state(S.UNDER_EVALUATION)
    dossier = dossier_request_complements(
        dossier=dossier,
        actor=cast.instructor,
        items=[(requirement(dossier, "ETH-ACC-01"), "Est-elle datée ?")],
    )
    # The factories' one PDF supports both requirements.
    shared = Evidence.objects.get(dossier=dossier, requirement__code="ETH-ACC-01").document
    new, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=png("datee.png"))
    ethics, rgpd = requirement(dossier, "ETH-ACC-01"), requirement(dossier, "RGPD-FIN-01")

    with pytest.raises(PermissionDenied, match="Seules les exigences visées"):
        evidence_attach(document=new, requirement=rgpd, actor=cast.editor)
    with pytest.raises(PermissionDenied, match="pas RGPD-FIN-01"):
        document_set_requirements(document=new, actor=cast.editor, requirements=[ethics, rgpd])
    with pytest.raises(PermissionDenied, match="justifie aussi RGPD-FIN-01"):
        document_remove(document=shared, actor=cast.editor)

    evidence_attach(document=new, requirement=ethics, actor=cast.editor)
    # Taking the shared file off the requirement asked about keeps its other link as it was.
    assert document_set_requirements(document=shared, actor=cast.editor, requirements=[]) == (0, 1)
    assert [link.requirement.code for link in shared.evidence.filter(removed_at=None)] == [
        "RGPD-FIN-01"
    ]


def test_the_questionnaire_reads_answers_and_file_counts_in_one_query(
    draft, django_assert_num_queries
):
    """`answer_states` (the questionnaire page's read): each answer's status and whether it is
    justified, and the files of each requirement — an answer without a file, a file without an
    answer, a detached file not counted — as the two reads would give them, in one query."""
    dossier, cast = draft
    _answer_compliant(dossier, cast.editor, "ETH-ACC-01", "DOC-HDS-02")
    document, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=pdf())
    other, _ = document_upload(dossier=dossier, actor=cast.editor, uploaded=png())
    for code in ("ETH-ACC-01", "RGPD-FIN-01"):
        evidence_attach(
            document=document, requirement=requirement(dossier, code), actor=cast.editor
        )
    detached = evidence_attach(
        document=other, requirement=requirement(dossier, "RGPD-FIN-01"), actor=cast.editor
    )
    evidence_detach(evidence=detached, actor=cast.editor)

    with django_assert_num_queries(1):
        states, counts = answer_states(dossier)

    assert states == {
        answer.requirement_id: AnswerState(answer.status, bool(answer.justification))
        for answer in Answer.objects.filter(dossier=dossier)
    }
    assert {requirement(dossier, c).pk for c in ("ETH-ACC-01", "DOC-HDS-02")} <= set(states)
    assert counts == evidence_counts(dossier)
    assert counts == {requirement(dossier, c).pk: 1 for c in ("ETH-ACC-01", "RGPD-FIN-01")}
