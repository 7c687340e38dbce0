"""Documents published the simplified way (PDSm 3.1.1): the official example accepted, each
rule refused with its message and its path."""

from datetime import UTC, datetime

import pytest
import time_machine
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from sandbox.fhir import validate_document_reference
from sandbox.fhir.documents_table import TRE_A06_FORMAT, TRE_A11_IHE_FORMAT

from .examples import issue_at, load

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def example() -> dict:
    """The guide's example with the custodian its current source gives it (the 3.1.1 page has
    none, though the profile requires one)."""
    document = load("pdsm/DocumentReference-PDSmSimplifiedExample.json")
    document["custodian"] = {"reference": "Organization/org-example"}
    return document


def attachment(document: dict) -> dict:
    return document["content"][0]["attachment"]


def test_official_example_is_created():
    with time_machine.travel(NOW, tick=False):
        verdict = validate_document_reference(example(), new_id=lambda: "doc-1")

    assert (verdict.status, verdict.case) == (201, "documents.simplified_publish")
    assert verdict.location == "DocumentReference/doc-1/_history/1"
    assert verdict.body["id"] == "doc-1"
    assert verdict.body["meta"]["versionId"] == "1"
    assert verdict.body["meta"]["lastUpdated"] == "2026-03-02T09:30:00.000+00:00"
    assert verdict.body["meta"]["profile"] == example()["meta"]["profile"]
    assert verdict.body["content"] == example()["content"]
    DocumentReference.model_validate(verdict.body)


def test_published_example_lacks_its_custodian():
    verdict = validate_document_reference(load("pdsm/DocumentReference-PDSmSimplifiedExample.json"))

    assert verdict.rules == ["document.custodian"]
    assert verdict.issues[0].expression == "DocumentReference.custodian"


def test_document_by_url_instead_of_inline_data_is_refused():
    document = example()
    del attachment(document)["data"]
    attachment(document)["url"] = "https://editeur.example/documents/note.pdf"

    verdict = validate_document_reference(document)

    assert verdict.status == 422
    inline = issue_at(verdict, "document.inline")
    assert inline.expression == "DocumentReference.content[0].attachment.url"
    assert "jamais désigné par une URL" in inline.diagnostics
    assert "https://editeur.example/documents/note.pdf" in inline.diagnostics
    data = issue_at(verdict, "document.data")
    assert data.expression == "DocumentReference.content[0].attachment.data"


@pytest.mark.parametrize(
    ("element", "rule", "where"),
    [
        ("author", "document.author", "DocumentReference.author"),
        ("custodian", "document.custodian", "DocumentReference.custodian"),
        ("subject", "document.subject", "DocumentReference.subject"),
        ("date", "document.date", "DocumentReference.date"),
        ("type", "document.type", "DocumentReference.type"),
        ("category", "document.class", "DocumentReference.category"),
        ("status", "document.status", "DocumentReference.status"),
    ],
)
def test_missing_element_is_refused(element, rule, where):
    document = example()
    del document[element]

    verdict = validate_document_reference(document)

    assert verdict.rules == [rule]
    assert verdict.issues[0].expression == where
    assert "obligatoire" in verdict.issues[0].diagnostics or element == "status"


def test_author_without_reference_is_refused():
    document = example()
    document["author"].append({"type": "Practitioner"})

    issue = issue_at(validate_document_reference(document), "document.author")

    assert issue.expression == "DocumentReference.author[1]"


@pytest.mark.parametrize("content_type", ["application/msword", "text/html", None])
def test_content_type_outside_the_table_is_refused(content_type):
    document = example()
    attachment(document)["contentType"] = content_type
    if content_type is None:
        del attachment(document)["contentType"]

    issue = issue_at(validate_document_reference(document), "document.content-type")

    assert issue.expression == "DocumentReference.content[0].attachment.contentType"
    assert "application/pdf" in issue.diagnostics


def test_format_must_agree_with_the_content_type():
    document = example()
    document["content"][0]["format"]["code"] = "urn:ihe:iti:xds-sd:text:2008"

    issue = issue_at(validate_document_reference(document), "document.format")

    assert issue.expression == "DocumentReference.content[0].format.code"
    assert "Attendu : «\u00a0urn:ihe:iti:xds-sd:pdf:2008\u00a0»" in issue.diagnostics


@pytest.mark.parametrize(
    ("system", "code", "where"),
    [
        ("http://example.org/formats", "pdf", "DocumentReference.content[0].format.system"),
        (
            TRE_A11_IHE_FORMAT,
            "urn:ihe:iti:xds-sd:docx:2020",
            "DocumentReference.content[0].format.code",
        ),
    ],
)
def test_format_outside_the_value_set_is_refused(system, code, where):
    document = example()
    document["content"][0]["format"] = {"system": system, "code": code}

    issue = issue_at(validate_document_reference(document), "document.format")

    assert issue.expression == where


def test_cda_document_with_a_ci_sis_format_is_created():
    document = example()
    attachment(document)["contentType"] = "text/xml"
    attachment(document)["data"] = "PENsaW5pY2FsRG9jdW1lbnQvPg=="
    document["content"][0]["format"] = {
        "system": TRE_A06_FORMAT,
        "code": "urn:asip:ci-sis:vsm:2012",
    }

    assert validate_document_reference(document, now=NOW).status == 201


def test_class_from_another_system_is_refused():
    document = example()
    document["category"][0]["coding"][0]["system"] = "http://loinc.org"

    issue = issue_at(validate_document_reference(document), "document.class")

    assert issue.expression == "DocumentReference.category[0].coding[0].system"
    assert str(issue.code) == "code-invalid"


def test_invalid_base64_is_refused_once():
    document = example()
    attachment(document)["data"] = "pas du base64 !"

    verdict = validate_document_reference(document)

    assert verdict.rules == ["document.data"]
    assert "du base64 valide" in verdict.issues[0].diagnostics


def test_every_problem_of_a_document_is_listed():
    document = example()
    for element in ("author", "custodian", "type", "category"):
        del document[element]
    attachment(document)["contentType"] = "application/zip"
    attachment(document)["url"] = "https://editeur.example/d.zip"

    verdict = validate_document_reference(document)

    assert sorted(verdict.rules) == [
        "document.author",
        "document.class",
        "document.content-type",
        "document.custodian",
        "document.inline",
        "document.type",
    ]
    OperationOutcome.model_validate(verdict.body)


def test_appointment_posted_as_a_document_answers_400():
    verdict = validate_document_reference(load("gap/Appointment-example-req-appointment.json"))

    assert (verdict.status, verdict.rules) == (400, ["body.resource-type"])
