"""Controls opened from a report (catalogue/domain/controls.py): one finding per applicable
requirement, rewritable while the control is open; a conclusion that needs findings, and a
proposal of suspension that needs a « non conforme » one, shown on the dossier for the ministry
and the administration and told to them — the suspension itself stays the dossier's `suspend`."""

from datetime import date

import pytest
import time_machine
from django.db import transaction
from django.template.loader import render_to_string

from applications.domain.applicability import applicable_requirements
from applications.domain.exceptions import (
    TransitionBlocked,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from applications.models import Dossier, Requirement
from catalogue.domain import controls
from catalogue.enums import ControlState, FindingVerdict, ReportState
from catalogue.models import Control, ControlFinding, Report
from portal.notifications.models import OutboxMessage
from tests.assertions import assert_nothing_changed
from tests.catalogue.helpers import published
from tests.catalogue.report_tools import T0, in_paris, report_on

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(T0, tick=False):
        dossier, cast, listing = published()
        yield dossier, cast, listing
        transaction.set_rollback(True)


@pytest.fixture
def opened(_built, db):
    dossier, cast, listing = _built
    with time_machine.travel(in_paris(date(2026, 4, 2)), tick=False):
        control = controls.control_open(report=report_on(listing), actor=cast.instructor)
        yield control, dossier, cast


def _requirement(dossier, n=0):
    return applicable_requirements(Dossier.objects.get(pk=dossier.pk))[n]


def test_opening_a_control_links_it_to_the_report_and_the_dossier(opened):
    control, dossier, cast = opened
    assert (control.dossier_id, control.state) == (dossier.pk, ControlState.OPEN)
    report = Report.objects.get(pk=control.report_id)
    assert report.state == ReportState.CONTROL and report.triaged_by == cast.instructor
    assert control.history.get().history_user == cast.instructor


def test_a_finding_per_requirement_rewritten_while_the_control_is_open(opened):
    control, dossier, cast = opened
    requirement = _requirement(dossier)
    controls.finding_record(
        control=control,
        actor=cast.instructor,
        requirement_id=requirement.pk,
        verdict=FindingVerdict.COMPLIANT,
        text="Sources citées.",
    )
    controls.finding_record(
        control=control,
        actor=cast.instructor,
        requirement_id=requirement.pk,
        verdict=FindingVerdict.NON_COMPLIANT,
        text="Une source manque.",
    )
    finding = ControlFinding.objects.get(control=control)
    assert (finding.verdict, finding.text) == (FindingVerdict.NON_COMPLIANT, "Une source manque.")
    assert finding.history.count() == 2


def test_a_finding_on_a_requirement_that_does_not_apply_is_refused(opened):
    control, dossier, cast = opened
    applicable = {r.pk for r in applicable_requirements(Dossier.objects.get(pk=dossier.pk))}
    other = Requirement.objects.exclude(pk__in=applicable).first()
    assert other is not None  # the data-exchange requirements: no exchange asked for
    with assert_nothing_changed(tables=(ControlFinding,)), pytest.raises(TransitionInvalid):
        controls.finding_record(
            control=control,
            actor=cast.instructor,
            requirement_id=other.pk,
            verdict=FindingVerdict.COMPLIANT,
            text="?",
        )


def test_only_the_instruction_team_records_and_concludes(opened):
    control, dossier, cast = opened
    for person in (cast.ministry, cast.admin, cast.editor):
        with assert_nothing_changed(rows=(control,), tables=(ControlFinding,)):
            with pytest.raises(TransitionForbidden):
                controls.finding_record(
                    control=control,
                    actor=person,
                    requirement_id=_requirement(dossier).pk,
                    verdict=FindingVerdict.COMPLIANT,
                    text="Vu.",
                )
            with pytest.raises(TransitionForbidden):
                controls.control_conclude(
                    control=control, actor=person, conclusion="Fin.", proposes_suspension=False
                )


def test_a_conclusion_needs_a_finding_and_a_proposal_a_non_compliant_one(opened):
    control, dossier, cast = opened
    with assert_nothing_changed(rows=(control,)), pytest.raises(TransitionBlocked) as blocked:
        controls.control_conclude(
            control=control, actor=cast.instructor, conclusion="Rien.", proposes_suspension=False
        )
    assert blocked.value.reasons == ["Notez au moins un constat avant de conclure le contrôle."]
    controls.finding_record(
        control=control,
        actor=cast.instructor,
        requirement_id=_requirement(dossier).pk,
        verdict=FindingVerdict.COMPLIANT,
        text="Conforme.",
    )
    with assert_nothing_changed(rows=(control,)), pytest.raises(TransitionBlocked) as blocked:
        controls.control_conclude(
            control=control, actor=cast.instructor, conclusion="Grave.", proposes_suspension=True
        )
    assert "au moins un constat « non conforme »" in blocked.value.reasons[0]


def test_a_proposed_suspension_shows_on_the_dossier_for_those_who_decide_it(opened):
    control, dossier, cast = opened
    controls.finding_record(
        control=control,
        actor=cast.instructor,
        requirement_id=_requirement(dossier).pk,
        verdict=FindingVerdict.NON_COMPLIANT,
        text="Données envoyées à un tiers.",
    )
    OutboxMessage.objects.all().delete()
    concluded = controls.control_conclude(
        control=control,
        actor=cast.instructor,
        conclusion="Manquement grave au RGPD.",
        proposes_suspension=True,
    )
    assert concluded.state == ControlState.CONCLUDED and concluded.proposes_suspension
    told = set(OutboxMessage.objects.values_list("to", flat=True))
    assert told == {cast.ministry.email, cast.admin.email}
    # Only proposed: the service is still published.
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.PUBLISHED

    dossier = Dossier.objects.get(pk=dossier.pk)
    for person in (cast.admin, cast.ministry, cast.instructor):
        section = controls.dossier_controls_section(dossier=dossier, user=person)
        assert [c.pk for c in section.proposals] == [control.pk]
    assert controls.dossier_controls_section(dossier=dossier, user=cast.editor) is None
    html = render_to_string(
        "catalogue/reports/_dossier_section.html",
        {"section": controls.dossier_controls_section(dossier=dossier, user=cast.admin)},
    )
    assert "Suspension proposée par le contrôle conclu le 2 avril 2026" in html
    assert "Manquement grave au RGPD." in html
    assert "Décider la suspension (motifs repris des constats de ce contrôle)" in html  # admin

    with pytest.raises(TransitionNotAvailable):
        controls.finding_record(
            control=control,
            actor=cast.instructor,
            requirement_id=_requirement(dossier).pk,
            verdict=FindingVerdict.COMPLIANT,
            text="Trop tard.",
        )
    with pytest.raises(TransitionNotAvailable):
        controls.control_conclude(
            control=control, actor=cast.instructor, conclusion="Encore.", proposes_suspension=False
        )
    assert Control.objects.get(pk=control.pk).conclusion == "Manquement grave au RGPD."
