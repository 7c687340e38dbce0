"""Glucose: one profile, four kinds of measure, each with its unit and its extensions
(Mon espace santé's « cas particulier de la glycémie »)."""

import pytest

from sandbox.fhir import validate_measures_bundle
from sandbox.fhir.measures_table import CANONICAL

from .examples import feed, issue_at, obs_of, observation

LOINC = "http://loinc.org"
MOMENT = CANONICAL + "mesures-moment-of-measurement"
DAYS = CANONICAL + "mesures-number-of-days"


def glucose(code, unit, *, system=LOINC, keep=(MOMENT, DAYS)):
    """The official glucose example, as another kind of glucose measure."""
    bundle = feed(observation("glucose"))
    obs = obs_of(bundle)
    obs["code"]["coding"] = [{"system": system, "code": code}]
    obs["valueQuantity"]["code"] = unit
    obs["extension"] = [
        extension
        for extension in obs["extension"]
        if extension["url"] not in (MOMENT, DAYS) or extension["url"] in keep
    ]
    return bundle


def test_official_glucose_example_breaks_the_hba1c_rules():
    """The guide's example codes HbA1c (4548-4) in mg/dL with a measurement context and a number
    of days: Mon espace santé takes HbA1c in % and with neither extension."""
    verdict = validate_measures_bundle(feed(observation("glucose")))

    assert (verdict.status, verdict.measure) == (422, "glucose")
    assert sorted(verdict.rules) == [
        "observation.glucose-extension",
        "observation.glucose-extension",
        "observation.unit",
    ]
    unit = issue_at(verdict, "observation.unit")
    assert "Attendu : «\u00a0%\u00a0». Trouvé : «\u00a0mg/dL\u00a0»." in unit.diagnostics
    assert [i.expression for i in verdict.issues if i.rule == "observation.glucose-extension"] == [
        "Bundle.entry[0].resource.extension[1]",
        "Bundle.entry[0].resource.extension[2]",
    ]


@pytest.mark.parametrize(
    ("code", "system", "unit", "keep"),
    [
        ("2345-7", LOINC, "mg/dL", (MOMENT,)),
        ("4548-4", "https://mos.esante.gouv.fr/NOS/TRE_A04-Loinc/FHIR/TRE-A04-Loinc", "%", ()),
        ("99504-3", LOINC, "mg/dL", (DAYS,)),
        (
            "MED-969",
            "https://mos.esante.gouv.fr/NOS/TRE_R308-TAASIP/FHIR/TRE-R308-TAASIP",
            "mg/dL",
            (DAYS,),
        ),
        ("MED-972", "https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis", "%", (DAYS,)),
    ],
)
def test_each_kind_of_glucose_is_accepted_with_its_unit_and_extensions(code, system, unit, keep):
    verdict = validate_measures_bundle(glucose(code, unit, system=system, keep=keep))

    assert verdict.status == 200, [(i.rule, i.diagnostics) for i in verdict.issues]
    assert verdict.case == "measures.glucose"


def test_blood_glucose_needs_its_measurement_context():
    verdict = validate_measures_bundle(glucose("2345-7", "mg/dL", keep=()))

    issue = issue_at(verdict, "observation.glucose-extension")
    assert str(issue.code) == "incomplete"
    assert issue.expression == "Bundle.entry[0].resource.extension"
    assert "type « glucose sanguin », le contexte de la mesure est obligatoire" in issue.diagnostics
    assert MOMENT in issue.diagnostics


def test_interstitial_glucose_needs_its_number_of_days_and_takes_no_context():
    verdict = validate_measures_bundle(glucose("99504-3", "mg/dL", keep=(MOMENT,)))

    assert sorted(i.expression for i in verdict.issues) == [
        "Bundle.entry[0].resource.extension",
        "Bundle.entry[0].resource.extension[1]",
    ]
    assert {str(i.code) for i in verdict.issues} == {"incomplete", "invalid"}


def test_glucose_of_an_unknown_kind_is_refused():
    verdict = validate_measures_bundle(glucose("1234-5", "mg/dL", keep=()))

    issue = issue_at(verdict, "observation.code")
    for code in ("2345-7", "4548-4", "99504-3", "MED-972"):
        assert code in issue.diagnostics
