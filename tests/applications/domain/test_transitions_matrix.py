"""Every state × transition × role: allowed moves succeed and write exactly one audit row;
forbidden ones raise a clear error and change nothing.

The expectations below are written from DOMAIN.md, not read from the code under test.

Each state is built once through the services (`built_states`, in a transaction rolled back at the
end of the module); each case runs in its test's own savepoint and each role in a savepoint of its
own, so that every case starts from the state as built."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from applications.domain.exceptions import (
    TransitionForbidden,
    TransitionNotAvailable,
)
from applications.domain.workflow import TRANSITIONS
from applications.enums import DecisionOutcome, DossierState, Opinion
from applications.models import Dossier, TransitionLog
from applications.views.dossiers import DISPATCH
from reviews.domain.commission import reservations_respond
from tests.assertions import assert_nothing_changed
from tests.factories import OrganisationFactory, editor, expert
from tests.factories.dossiers import (
    _approve_card,
    _sign_convention,
    dossier_in_state,
    measure_fields,
)

S = DossierState
BEFORE_DECISION = [
    S.DRAFT,
    S.SUBMITTED,
    S.INCOMPLETE,
    S.UNDER_EVALUATION,
    S.COMPLEMENTS_REQUESTED,
    S.EVALUATED,
    S.IN_COMMISSION,
    S.OPINION_FAVORABLE,
    S.OPINION_RESERVED,
    S.OPINION_UNFAVORABLE,
]
OPINIONS = [S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE]

# transition: (sources, target, roles allowed)
EXPECTED = {
    "submit": ([S.DRAFT], S.SUBMITTED, {"editor"}),
    "resubmit": ([S.INCOMPLETE], S.SUBMITTED, {"editor"}),
    "provide_complements": ([S.COMPLEMENTS_REQUESTED], S.UNDER_EVALUATION, {"editor"}),
    "withdraw": (BEFORE_DECISION, S.WITHDRAWN, {"editor"}),
    "declare_incomplete": ([S.SUBMITTED], S.INCOMPLETE, {"instructor"}),
    "start_evaluation": ([S.SUBMITTED], S.UNDER_EVALUATION, {"instructor"}),
    "request_complements": (
        [S.UNDER_EVALUATION],
        S.COMPLEMENTS_REQUESTED,
        {"instructor", "expert"},
    ),
    "complete_evaluation": ([S.UNDER_EVALUATION], S.EVALUATED, {"instructor"}),
    "schedule": ([S.EVALUATED], S.IN_COMMISSION, {"instructor"}),
    "lift_reservations": ([S.OPINION_RESERVED], S.OPINION_FAVORABLE, {"instructor"}),
    "record_opinion": ([S.IN_COMMISSION], S.OPINION_FAVORABLE, {"chair"}),
    "decide": (OPINIONS, S.REFUSED, {"ministry"}),
    "publish": ([S.REFERENCED], S.PUBLISHED, {"admin"}),
    "suspend": ([S.PUBLISHED], S.SUSPENDED, {"admin"}),
    "reinstate": ([S.SUSPENDED], S.PUBLISHED, {"admin"}),
    "dereference": ([S.PUBLISHED, S.SUSPENDED], S.DEREFERENCED, {"ministry", "admin"}),
}
ROLES = [
    "editor",
    "other_editor",
    "instructor",
    "expert",
    "unassigned_expert",
    "chair",
    "member",
    "ministry",
    "admin",
    "anonymous",
]


def test_expectations_cover_every_transition_of_the_model():
    declared = {t.name for t in Dossier._meta.get_field("state").get_all_transitions(Dossier)}
    assert declared == set(EXPECTED) == set(TRANSITIONS)


def _people(dossier, cast):
    if not cast.experts:
        cast.assign_experts(dossier)
    return {
        "editor": cast.editor,
        "other_editor": editor(OrganisationFactory()),
        "instructor": cast.instructor,
        "expert": next(iter(cast.experts.values())),
        "unassigned_expert": expert("doctrine"),
        "chair": cast.chair,
        "member": cast.member,
        "ministry": cast.ministry,
        "admin": cast.admin,
        "anonymous": AnonymousUser(),
    }


def _arguments(name, cast):
    return {
        "record_opinion": {},
        "decide": {"outcome": DecisionOutcome.REFUSED, "motives": "Exigences non satisfaites."},
        "schedule": {"session": cast.session},
        "declare_incomplete": {"comment": "Il manque l'AIPD."},
        "suspend": {"comment": "Contrôle en cours.", **measure_fields("suspend")},
        "reinstate": {"comment": "Corrigé.", **measure_fields("reinstate")},
        "dereference": {
            "comment": "Le service a cessé son activité.",
            **measure_fields("dereference"),
        },
    }.get(name, {})


@pytest.fixture(scope="module")
def built_states(django_db_setup, django_db_blocker):
    """{state: (dossier, cast, people)}: one dossier per state, brought there by the real
    services once for the whole matrix; rolled back when the module's tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = {}
        for state in S:
            dossier, cast = dossier_in_state(state)
            built[state] = (dossier, cast, _people(dossier, cast))
        yield built
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("name", list(EXPECTED))
def test_transition_matrix(built_states, state, name):
    built, cast, people = built_states[state]
    dossier = Dossier.objects.get(pk=built.pk)  # an earlier case may have moved its copy
    cast.session.refresh_from_db()
    if name == "publish" and state == S.REFERENCED:
        dossier = _approve_card(_sign_convention(dossier), cast)
    if name == "complete_evaluation" and state == S.UNDER_EVALUATION:
        cast.evaluate(dossier)
    if name == "record_opinion" and state == S.IN_COMMISSION:
        cast.vote(dossier, Opinion.FAVORABLE)
    if name == "lift_reservations" and state == S.OPINION_RESERVED:
        reservations_respond(dossier=dossier, actor=cast.editor, text="HDS obtenu.")
    sources, target, allowed_roles = EXPECTED[name]
    service = DISPATCH[name][0]
    logs_before = TransitionLog.objects.filter(dossier=dossier).count()
    for role in ROLES:
        actor = people[role]
        savepoint = transaction.savepoint()
        try:
            if state in sources and role in allowed_roles:
                result = service(dossier=dossier, actor=actor, **_arguments(name, cast))
                assert result.state == target, role
                assert Dossier.objects.get(pk=dossier.pk).state == target
                new_logs = list(
                    TransitionLog.objects.filter(dossier=dossier).order_by("seq")[logs_before:]
                )
                assert len(new_logs) == 1, role
                log = new_logs[0]
                assert (log.transition, log.from_state, log.to_state) == (name, state, target)
                assert log.actor_id == actor.pk
            else:
                expected_error = TransitionForbidden if state in sources else TransitionNotAvailable
                with (
                    assert_nothing_changed(dossier),
                    pytest.raises(expected_error) as excinfo,
                ):
                    service(dossier=dossier, actor=actor, **_arguments(name, cast))
                assert str(excinfo.value), role  # a French sentence for the page
        finally:
            transaction.savepoint_rollback(savepoint)
