"""The health-measure feed: the official examples accepted, each rule refused with its message
and its path, every problem of a Bundle listed."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from sandbox.fhir import validate_measures_bundle
from sandbox.fhir.measures_table import BY_KEY, MEASURES

from .examples import OBSERVATION_EXAMPLES, feed, issue_at, load, obs_of, observation

CREATABLE = [key for key in OBSERVATION_EXAMPLES if BY_KEY[key].creatable and key != "glucose"]


def ids():
    counter = iter(range(1, 100))
    return lambda: f"id-{next(counter)}"


def test_feed_page_example_is_accepted_with_the_transaction_response():
    """The guide's complete feed example (its Device first, an earlier profile URL, the
    Observation pointing at Device/<id>) as published."""
    verdict = validate_measures_bundle(
        json.dumps(load("mesures/flux-alimentation-example.json")), new_id=ids()
    )

    assert (verdict.status, verdict.case, verdict.measure) == (
        200,
        "measures.body_weight",
        "body_weight",
    )
    assert verdict.body == {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [
            {"response": {"status": "201 Created", "location": "Device/id-1"}},
            {"response": {"status": "201 Created", "location": "Observation/id-2"}},
        ],
    }
    Bundle.model_validate(verdict.body)


def test_published_bundle_example_lacks_only_the_conditional_create():
    """The 3.1.0 Bundle example creates its Device without ifNoneExist, which the guide's feed
    rules require: that is its one problem."""
    verdict = validate_measures_bundle(load("mesures/Bundle-bundle-example.json"))

    assert verdict.status == 422
    assert verdict.rules == ["device.if-none-exist"]
    issue = verdict.issues[0]
    assert issue.expression == "Bundle.entry[1].request.ifNoneExist"
    assert "identifier=urn:oid:<OID>|<identifiant>" in issue.diagnostics
    assert "Trouvé : élément absent" in issue.diagnostics


@pytest.mark.parametrize("key", CREATABLE)
def test_each_official_measure_example_is_accepted(key):
    verdict = validate_measures_bundle(feed(observation(key)), new_id=ids())

    assert verdict.status == 200, [(i.rule, i.diagnostics) for i in verdict.issues]
    assert (verdict.case, verdict.measure) == (f"measures.{key}", key)
    assert [e["response"]["location"] for e in verdict.body["entry"]] == [
        "Observation/id-1",
        "Device/id-2",
    ]


@pytest.mark.parametrize("key", CREATABLE)
def test_each_measure_refuses_another_unit(key):
    bundle = feed(observation(key))
    measure = BY_KEY[key]
    if measure.components:
        quantity = obs_of(bundle)["component"][0]["valueQuantity"]
        where = "Bundle.entry[0].resource.component[0].valueQuantity.code"
        expected = measure.components[0].units[0]
    else:
        quantity = obs_of(bundle)["valueQuantity"]
        where = "Bundle.entry[0].resource.valueQuantity.code"
        expected = measure.units[0]
    quantity["code"] = "[in_i]"

    verdict = validate_measures_bundle(bundle)

    assert verdict.status == 422
    issue = issue_at(verdict, "observation.unit")
    assert issue.expression == where
    assert f"Attendu : «\u00a0{expected}\u00a0»" in issue.diagnostics
    assert "Trouvé : «\u00a0[in_i]\u00a0»" in issue.diagnostics
    assert str(issue.code) == "value"


@pytest.mark.parametrize("key", CREATABLE)
def test_each_measure_refuses_another_code(key):
    bundle = feed(observation(key))
    obs_of(bundle)["code"]["coding"][0]["code"] = "1234-5"

    verdict = validate_measures_bundle(bundle)

    issue = issue_at(verdict, "observation.code")
    assert issue.expression == "Bundle.entry[0].resource.code.coding[0].code"
    assert f"«\u00a0{BY_KEY[key].codes[0]}\u00a0»" in issue.diagnostics
    assert "Trouvé : «\u00a01234-5\u00a0»" in issue.diagnostics
    assert verdict.measure == key  # still known by its profile


def test_weight_with_the_height_code_says_which_code_its_profile_fixes():
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["code"]["coding"][0]["code"] = "8302-2"

    issue = issue_at(validate_measures_bundle(bundle), "observation.code")

    assert issue.diagnostics.startswith("Le code LOINC de la mesure « Poids » est fixé")
    assert "Attendu : «\u00a029463-7\u00a0». Trouvé : «\u00a08302-2\u00a0»." in issue.diagnostics


def test_code_from_another_system_is_refused():
    bundle = feed(observation("body_height"))
    obs_of(bundle)["code"]["coding"][0]["system"] = "http://snomed.info/sct"

    issue = issue_at(validate_measures_bundle(bundle), "observation.code-system")

    assert issue.expression == "Bundle.entry[0].resource.code.coding[0].system"
    assert "http://loinc.org" in issue.diagnostics


@pytest.mark.parametrize(
    ("remove", "where"),
    [
        ("value", "Bundle.entry[0].resource.valueQuantity.value"),
        ("quantity", "Bundle.entry[0].resource.valueQuantity"),
    ],
)
def test_measure_without_value_is_refused(remove, where):
    bundle = feed(observation("heart_rate"))
    if remove == "value":
        del obs_of(bundle)["valueQuantity"]["value"]
    else:
        del obs_of(bundle)["valueQuantity"]

    verdict = validate_measures_bundle(bundle)

    assert verdict.status == 422
    issue = issue_at(verdict, "observation.value")
    assert issue.expression == where
    assert str(issue.code) == "value"
    assert "refuse une mesure sans valeur" in issue.diagnostics


def test_blood_pressure_needs_both_components_and_no_value():
    bundle = feed(observation("blood_pressure"))
    obs = obs_of(bundle)
    del obs["component"][1]  # diastolic
    obs["valueQuantity"] = {"value": 107, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}

    verdict = validate_measures_bundle(bundle)

    component = issue_at(verdict, "observation.component")
    assert component.expression == "Bundle.entry[0].resource.component"
    assert "pression diastolique" in component.diagnostics
    assert "8462-4" in component.diagnostics
    forbidden = issue_at(verdict, "observation.value-forbidden")
    assert forbidden.expression == "Bundle.entry[0].resource.valueQuantity"


def test_blood_pressure_component_without_value_is_refused():
    bundle = feed(observation("blood_pressure"))
    del obs_of(bundle)["component"][1]["valueQuantity"]["value"]

    issue = issue_at(validate_measures_bundle(bundle), "observation.value")

    assert issue.expression == "Bundle.entry[0].resource.component[1].valueQuantity.value"


def test_patient_designated_by_reference_only_is_refused():
    """The official Observation examples point at a Patient resource: the feed wants the
    patient's identifier."""
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["subject"] = observation("body_weight")["subject"]

    verdict = validate_measures_bundle(bundle)

    assert verdict.rules == ["observation.subject-identifier"]
    issue = verdict.issues[0]
    assert issue.expression == "Bundle.entry[0].resource.subject.identifier"
    assert str(issue.code) == "invalid"
    assert "Trouvé : «\u00a0Patient/ExamplefrPatient001\u00a0»" in issue.diagnostics


def test_observation_without_profile_is_refused_but_still_recognised_by_its_code():
    bundle = feed(observation("body_temperature"))
    del obs_of(bundle)["meta"]

    verdict = validate_measures_bundle(bundle)

    issue = issue_at(verdict, "observation.profile")
    assert issue.expression == "Bundle.entry[0].resource.meta.profile"
    assert "meta.profile" in issue.diagnostics
    assert (verdict.status, verdict.case) == (422, "measures.body_temperature")


def test_observation_with_an_unknown_profile_is_refused():
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["meta"]["profile"] = ["http://example.org/StructureDefinition/poids"]

    issue = issue_at(validate_measures_bundle(bundle), "observation.profile")

    assert "http://example.org/StructureDefinition/poids" in issue.diagnostics
    assert "3.1.0" in issue.diagnostics


def test_versioned_and_earlier_profile_urls_are_recognised():
    for url in (
        BY_KEY["steps_by_day"].profile + "|3.1.0",
        "http://esante.gouv.fr/ci-sis/fhir/StructureDefinition/ENS_ObservationStepsByDay",
    ):
        bundle = feed(observation("steps_by_day"))
        obs_of(bundle)["meta"]["profile"] = [url]
        assert validate_measures_bundle(bundle).status == 200, url


def test_device_without_profile_is_refused():
    bundle = feed(observation("body_weight"))
    del bundle["entry"][1]["resource"]["meta"]

    verdict = validate_measures_bundle(bundle)

    assert verdict.rules == ["device.profile"]
    assert verdict.issues[0].expression == "Bundle.entry[1].resource.meta.profile"
    assert "PhdDevice" in verdict.issues[0].diagnostics


def test_malformed_if_none_exist_is_refused():
    bundle = feed()
    bundle["entry"][1]["request"]["ifNoneExist"] = "identifier=FE-ED-AB-AA-DE-AD-77-C5"

    issue = issue_at(validate_measures_bundle(bundle), "device.if-none-exist")

    assert "Trouvé : «\u00a0identifier=FE-ED-AB-AA-DE-AD-77-C5\u00a0»" in issue.diagnostics


def test_bmi_is_refused_mon_espace_sante_computes_it():
    verdict = validate_measures_bundle(feed(observation("bmi")))

    assert (verdict.status, verdict.measure) == (422, "bmi")
    issue = issue_at(verdict, "observation.bmi")
    assert str(issue.code) == "not-supported"
    assert issue.expression == "Bundle.entry[0].resource.code"
    assert "39156-5" in issue.diagnostics


def test_bmi_code_under_another_profile_is_refused_too():
    bundle = feed(observation("bmi"))
    obs_of(bundle)["meta"]["profile"] = [BY_KEY["body_weight"].profile]

    assert "observation.bmi" in validate_measures_bundle(bundle).rules


@pytest.mark.parametrize(
    ("reference", "rule"),
    [
        ("Device/another-device", "observation.device-link"),
        ("urn:uuid:00000000-0000-4000-8000-000000000000", "observation.device-link"),
        (None, "observation.device"),
    ],
)
def test_observation_must_point_at_the_bundle_device(reference, rule):
    bundle = feed(observation("body_weight"))
    if reference is None:
        del obs_of(bundle)["device"]
    else:
        obs_of(bundle)["device"]["reference"] = reference

    verdict = validate_measures_bundle(bundle)

    assert verdict.rules == [rule]
    issue = verdict.issues[0]
    assert issue.expression == "Bundle.entry[0].resource.device.reference"
    assert "urn:uuid:d36bfdb6-b1b1-4efd-9cb9-d217a8696575" in issue.diagnostics
    assert "Device/d36bfdb6-b1b1-4efd-9cb9-d217a8696575" in issue.diagnostics


def test_device_designated_by_its_full_url_is_linked():
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["device"]["reference"] = bundle["entry"][1]["fullUrl"]

    assert validate_measures_bundle(bundle).status == 200


def test_device_reference_without_device_in_the_bundle_is_refused():
    bundle = feed(observation("body_weight"))
    del bundle["entry"][1]

    verdict = validate_measures_bundle(bundle)

    assert verdict.rules == ["observation.device-link"]


def test_observation_without_device_is_accepted():
    """The Device is optional (a measure typed in by hand)."""
    bundle = feed(observation("body_weight"))
    del bundle["entry"][1]
    del obs_of(bundle)["device"]

    verdict = validate_measures_bundle(bundle, new_id=ids())

    assert verdict.status == 200
    assert verdict.body["entry"] == [
        {"response": {"status": "201 Created", "location": "Observation/id-1"}}
    ]


def test_two_observations_are_refused():
    bundle = feed(observation("body_weight"))
    second = feed(observation("body_height"))["entry"][0]
    second["fullUrl"] = "urn:uuid:11111111-1111-4111-8111-111111111111"
    bundle["entry"].append(second)

    verdict = validate_measures_bundle(bundle)

    issue = issue_at(verdict, "bundle.observation-count")
    assert issue.expression == "Bundle.entry[2]"
    assert "Trouvé : 2" in issue.diagnostics


def test_bundle_without_observation_is_refused():
    bundle = feed()
    del bundle["entry"][0]

    issue = issue_at(validate_measures_bundle(bundle), "bundle.observation-count")

    assert issue.expression == "Bundle.entry"


def test_two_devices_are_refused():
    bundle = feed(observation("body_weight"))
    bundle["entry"].append(json.loads(json.dumps(bundle["entry"][1])))

    issue = issue_at(validate_measures_bundle(bundle), "bundle.device-count")

    assert issue.expression == "Bundle.entry[2]"


@pytest.mark.parametrize("kind", ["batch", "collection", "subscription-notification", None])
def test_bundle_of_another_type_is_refused(kind):
    bundle = feed(observation("body_weight"))
    if kind is None:
        del bundle["type"]
    else:
        bundle["type"] = kind

    verdict = validate_measures_bundle(bundle)

    issue = issue_at(verdict, "bundle.type")
    assert issue.expression == "Bundle.type"
    assert "Attendu : «\u00a0transaction\u00a0»" in issue.diagnostics


@pytest.mark.parametrize("method", ["PUT", "DELETE", None])
def test_other_method_is_refused(method):
    bundle = feed(observation("body_weight"))
    bundle["entry"][0]["request"]["method"] = method

    issue = issue_at(validate_measures_bundle(bundle), "bundle.method")

    assert issue.expression == "Bundle.entry[0].request.method"
    assert str(issue.code) == "not-supported"


def test_observation_entry_needs_its_full_url():
    bundle = feed(observation("body_weight"))
    del bundle["entry"][0]["fullUrl"]

    verdict = validate_measures_bundle(bundle)

    assert verdict.rules == ["bundle.full-url"]
    assert verdict.issues[0].expression == "Bundle.entry[0].fullUrl"


def test_request_url_must_name_the_resource_type():
    bundle = feed(observation("body_weight"))
    bundle["entry"][1]["request"]["url"] = "Observation"

    issue = issue_at(validate_measures_bundle(bundle), "bundle.url")

    assert issue.expression == "Bundle.entry[1].request.url"


def test_other_resource_type_is_refused():
    bundle = feed(observation("body_weight"))
    bundle["entry"].append(
        {
            "fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
            "resource": {"resourceType": "Patient", "gender": "male"},
            "request": {"method": "POST", "url": "Patient"},
        }
    )

    verdict = validate_measures_bundle(bundle)

    assert verdict.rules == ["bundle.resource-type"]
    issue = verdict.issues[0]
    assert issue.expression == "Bundle.entry[2].resource"
    assert str(issue.code) == "not-supported"
    assert "Patient en POST" in issue.diagnostics


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (b'{"resourceType": "Bundle", "type": "transaction",', "body.json"),
        (b"\xff\xfe", "body.json"),
        (b"[1, 2]", "body.resource"),
        (b'{"type": "transaction"}', "body.resource-type"),
        (b'{"resourceType": "Unicorn"}', "body.resource-type"),
    ],
)
def test_body_that_is_not_a_fhir_resource_answers_400(body, rule):
    verdict = validate_measures_bundle(body)

    assert (verdict.status, verdict.rules, verdict.measure) == (400, [rule], None)
    assert verdict.body["resourceType"] == "OperationOutcome"
    assert verdict.body["issue"][0]["severity"] == "error"
    OperationOutcome.model_validate(verdict.body)


def test_observation_instead_of_a_bundle_answers_400():
    verdict = validate_measures_bundle(observation("body_weight"))

    assert (verdict.status, verdict.rules) == (400, ["body.resource-type"])
    assert verdict.issues[0].expression == "Observation"
    assert str(verdict.issues[0].code) == "not-supported"
    assert "Attendu : «\u00a0Bundle\u00a0»" in verdict.issues[0].diagnostics


def test_json_error_says_where():
    verdict = validate_measures_bundle('{"resourceType": "Bundle",\n  "type": }')

    assert "ligne 2" in verdict.issues[0].diagnostics
    assert "expression" not in verdict.body["issue"][0]


def test_every_problem_is_listed_with_severity_code_diagnostics_and_path():
    bundle = feed(observation("body_weight"))
    obs = obs_of(bundle)
    obs["code"]["coding"][0]["code"] = "8302-2"
    obs["valueQuantity"]["code"] = "g"
    obs["subject"] = {"reference": "Patient/1"}
    obs["device"]["reference"] = "Device/unknown"
    del obs["status"]
    bundle["entry"][0]["request"]["method"] = "PUT"
    bundle["type"] = "batch"
    del bundle["entry"][1]["resource"]["meta"]

    verdict = validate_measures_bundle(bundle)

    assert verdict.status == 422
    assert sorted(verdict.rules) == sorted(
        [
            "bundle.type",
            "bundle.method",
            "device.profile",
            "observation.code",
            "observation.unit",
            "observation.status",
            "observation.subject-identifier",
            "observation.device-link",
        ]
    )
    outcome = verdict.body
    assert len(outcome["issue"]) == 8
    for issue in outcome["issue"]:
        assert set(issue) == {"severity", "code", "diagnostics", "expression"}
        assert issue["severity"] == "error"
        assert "Attendu" in issue["diagnostics"] and "Trouvé" in issue["diagnostics"]
    OperationOutcome.model_validate(outcome)


def test_status_date_and_category_are_required():
    bundle = feed(observation("waist_circumference"))
    obs = obs_of(bundle)
    obs["status"] = "done"
    del obs["effectiveDateTime"]
    del obs["category"]

    verdict = validate_measures_bundle(bundle)

    assert sorted(verdict.rules) == [
        "observation.category",
        "observation.effective",
        "observation.status",
    ]
    assert issue_at(verdict, "observation.status").expression == ("Bundle.entry[0].resource.status")


def test_meta_source_must_belong_to_the_calling_solution():
    bundle = feed(observation("body_weight"))
    obs_of(bundle)["meta"]["source"] = "urn:oid:1.2.250.1.999"

    refused = validate_measures_bundle(bundle, solution_oid="1.2.250.1.215")
    issue = issue_at(refused, "observation.source")
    assert issue.expression == "Bundle.entry[0].resource.meta.source"
    assert "urn:oid:1.2.250.1.215" in issue.diagnostics

    obs_of(bundle)["meta"]["source"] = "urn:oid:1.2.250.1.215.400"
    assert validate_measures_bundle(bundle, solution_oid="1.2.250.1.215").status == 200
    assert validate_measures_bundle(bundle).status == 200


def test_base_specification_errors_are_reported_with_their_path():
    bundle = feed(observation("body_weight"))
    obs = obs_of(bundle)
    obs["effectiveDateTime"] = "2022-13-45"
    obs["weight"] = 96
    obs["extension"].append(
        {"url": "http://example.org/ext", "valueRatioRange": {"lowNumerator": {"value": 1}}}
    )

    verdict = validate_measures_bundle(bundle)

    assert verdict.status == 422
    by_rule = {issue.rule: issue.expression for issue in verdict.issues}
    assert by_rule["fhir.value"] == "Bundle.entry[0].resource.effectiveDateTime"
    assert by_rule["fhir.unknown-element"] == "Bundle.entry[0].resource.weight"
    assert by_rule["fhir.r4b-only"] == "Bundle.entry[0].resource.extension[1].valueRatioRange"


def test_rule_message_wins_over_the_base_specification_on_the_same_element():
    bundle = feed(observation("body_weight"))
    del obs_of(bundle)["code"]

    verdict = validate_measures_bundle(bundle)

    assert "fhir.required" not in verdict.rules
    assert issue_at(verdict, "observation.code").expression == "Bundle.entry[0].resource.code"


def test_every_measure_of_the_table_is_checked_by_a_test():
    assert {m.key for m in MEASURES} - set(OBSERVATION_EXAMPLES) == {"oxygen_saturation"}
