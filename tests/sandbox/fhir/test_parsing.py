"""Reading R4 with fhir.resources' R4B models: the elements the sandbox relies on are R4's."""

import pytest
from fhir.resources.R4B import (
    appointment,
    bundle,
    device,
    documentreference,
    observation,
    reference,
)

from sandbox.fhir import warm_up
from sandbox.fhir.parsing import NotAResource, load_resource, structure_issues

#: The R4 (4.0.1) elements of each backbone the sandbox reads (hl7.org/fhir/R4).
R4_ELEMENTS = {
    observation.Observation: "identifier basedOn partOf status category code subject focus "
    "encounter effectiveDateTime effectivePeriod effectiveTiming effectiveInstant issued "
    "performer valueQuantity valueCodeableConcept valueString valueBoolean valueInteger "
    "valueRange valueRatio valueSampledData valueTime valueDateTime valuePeriod "
    "dataAbsentReason interpretation note bodySite method specimen device referenceRange "
    "hasMember derivedFrom component",
    device.Device: "identifier definition udiCarrier status statusReason distinctIdentifier "
    "manufacturer manufactureDate expirationDate lotNumber serialNumber deviceName modelNumber "
    "partNumber type specialization version property patient owner contact location url note "
    "safety parent",
    documentreference.DocumentReference: "masterIdentifier identifier status docStatus type "
    "category subject date author authenticator custodian relatesTo description securityLabel "
    "content context",
    documentreference.DocumentReferenceContent: "attachment format",
    appointment.Appointment: "identifier status cancelationReason serviceCategory serviceType "
    "specialty appointmentType reasonCode reasonReference priority description "
    "supportingInformation start end minutesDuration slot created comment patientInstruction "
    "basedOn participant requestedPeriod",
    appointment.AppointmentParticipant: "type actor required status period",
    bundle.Bundle: "identifier type timestamp total link entry signature",
    bundle.BundleEntry: "link fullUrl resource search request response",
    bundle.BundleEntryRequest: "method url ifNoneMatch ifModifiedSince ifMatch ifNoneExist",
    reference.Reference: "reference type identifier display",
}
COMMON = {"fhir_comments", "id", "extension", "modifierExtension", "implicitRules", "language"}
COMMON |= {"meta", "contained", "text"}


@pytest.mark.parametrize("model", list(R4_ELEMENTS), ids=lambda model: model.__name__)
def test_r4b_model_has_exactly_the_r4_elements(model):
    names = {field.alias or name for name, field in model.model_fields.items()}
    # `_status` and the like carry a primitive's extensions: JSON's form of the same element.
    elements = {name for name in names if not name.startswith("_")} - COMMON
    assert elements == set(R4_ELEMENTS[model].split())


def test_warm_up_builds_every_model_without_error():
    warm_up()


@pytest.mark.parametrize("body", [b'{"resourceType": "Bundle"}', '{"resourceType": "Bundle"}'])
def test_raw_bodies_are_read(body):
    assert load_resource(body, "Bundle") == {"resourceType": "Bundle"}


def test_unknown_resource_type_is_not_a_resource():
    with pytest.raises(NotAResource) as error:
        load_resource({"resourceType": "Unicorn"}, "Bundle")
    assert error.value.issue.expression == "$this.resourceType"


def test_structure_issue_paths_are_fhirpath_like():
    issues = structure_issues(
        {"resourceType": "Appointment", "status": "booked", "participant": [{"actor": {}}]}
    )
    assert [(i.rule, i.expression) for i in issues] == [
        ("fhir.required", "Appointment.participant[0].status")
    ]
