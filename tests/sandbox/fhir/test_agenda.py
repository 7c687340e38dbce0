"""Agenda appointments (FR Core Appointment, GAP 3.0.0)."""

from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.appointment import Appointment

from sandbox.fhir import validate_appointment

from .examples import issue_at, load

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def example() -> dict:
    return load("gap/Appointment-example-req-appointment.json")


def test_official_example_is_created():
    verdict = validate_appointment(example(), now=NOW, new_id=lambda: "rdv-1")

    assert (verdict.status, verdict.case) == (201, "agenda.appointment")
    assert verdict.location == "Appointment/rdv-1/_history/1"
    assert verdict.body["participant"] == example()["participant"]
    assert verdict.body["meta"]["lastUpdated"] == "2026-03-02T09:30:00.000+00:00"
    Appointment.model_validate(verdict.body)


@pytest.mark.parametrize("status", ["confirmed", "Booked", None])
def test_status_outside_the_value_set_is_refused(status):
    appointment = example()
    appointment["status"] = status
    if status is None:
        del appointment["status"]

    verdict = validate_appointment(appointment)

    assert verdict.rules == ["appointment.status"]
    issue = verdict.issues[0]
    assert issue.expression == "Appointment.status"
    assert "«\u00a0booked\u00a0»" in issue.diagnostics


@pytest.mark.parametrize("participants", [None, []])
def test_appointment_without_participant_is_refused(participants):
    appointment = example()
    appointment["participant"] = participants
    if participants is None:
        del appointment["participant"]

    verdict = validate_appointment(appointment)

    assert verdict.rules == ["appointment.participant"]
    assert verdict.issues[0].expression == "Appointment.participant"


def test_participant_needs_an_actor_and_a_status():
    appointment = example()
    del appointment["participant"][1]["actor"]
    appointment["participant"][2]["status"] = "maybe"

    verdict = validate_appointment(appointment)

    assert issue_at(verdict, "appointment.participant-actor").expression == (
        "Appointment.participant[1].actor"
    )
    assert issue_at(verdict, "appointment.participant-status").expression == (
        "Appointment.participant[2].status"
    )


def test_booked_appointment_needs_its_start_and_end():
    appointment = example()
    appointment["status"] = "booked"

    assert issue_at(validate_appointment(appointment), "appointment.period").expression == (
        "Appointment.start"
    )
    appointment["start"] = "2026-03-10T09:15:00+01:00"
    assert issue_at(validate_appointment(appointment), "appointment.period").expression == (
        "Appointment.end"
    )
    appointment["end"] = "2026-03-10T09:30:00+01:00"
    assert validate_appointment(appointment, now=NOW).status == 201


def test_unknown_profile_is_refused():
    appointment = example()
    appointment["meta"]["profile"] = ["http://example.org/StructureDefinition/rdv"]

    assert validate_appointment(appointment).rules == ["appointment.profile"]
