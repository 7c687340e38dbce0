"""Suspension, reinstatement and de-referencing as decisions: numbered in the referencing
decisions' yearly sequence, immutable, a signed PDF/A per kind produced by the same job, the
editor's e-mail with the number, the required fields (nothing written without them), the
reinstatement's reference to the suspension, the de-referencing's finality, and the forms of
the transition page (400 with French errors, 403 for a role that may not act)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from applications.domain.exceptions import (
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from applications.models import Dossier, Requirement
from catalogue.domain import publication
from catalogue.enums import EventKind, FindingVerdict
from catalogue.models import Control, ControlFinding, Listing, PublicEvent
from decisions.domain.documents import decision_render
from decisions.enums import DecisionKind
from decisions.models import Decision, DecisionCounter, DecisionImmutable
from portal.notifications.models import OutboxMessage
from portal.signing import verify_pdf
from tests.assertions import assert_nothing_changed
from tests.catalogue.helpers import published
from tests.decisions.helpers import pdf_text, pdf_xmp
from tests.factories.dossiers import measure_fields

pytestmark = pytest.mark.django_db
S = DossierState
K = DecisionKind
#: A Monday of 2026, mid-morning in Paris.
NOW = datetime(2026, 6, 15, 8, 30, tzinfo=UTC)
DEADLINE = date(2026, 7, 31)
SUSPENSION = {
    "comment": "Contrôle de sécurité : hébergement non conforme.",
    "motives": "Le contrôle n° 3 a constaté que les données sont hébergées hors HDS.",
    "remedy": "Transférer les données chez un hébergeur certifié HDS.",
    "remedy_deadline": DEADLINE,
}
REINSTATEMENT = {
    "comment": "Hébergement mis en conformité.",
    "remedy_account": "Les données sont hébergées chez un hébergeur HDS depuis le 1er juillet.",
}
DEREFERENCING = {
    "comment": "Manquement grave et persistant au RGPD.",
    "motives": "Malgré la suspension, l'éditeur n'a pas corrigé le manquement.",
}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _suspended():
    dossier, cast, listing = published()
    dossier = publication.dossier_suspend(dossier=dossier, actor=cast.admin, **SUSPENSION)
    return dossier, cast, listing


def _measure(dossier, kind) -> Decision:
    return Decision.objects.filter(dossier=dossier, kind=kind).get()


def _rendered(decision) -> bytes:
    assert decision_render(decision_id=decision.pk) is not None
    decision.refresh_from_db()
    with decision.pdf.open("rb") as stream:
        return stream.read()


# ---------------------------------------------------------------------------------------------
# Numbering, snapshot, immutability
# ---------------------------------------------------------------------------------------------


def test_each_measure_is_numbered_in_the_referencing_decisions_sequence(frozen):
    dossier, cast, _listing = published()
    referencing = Decision.objects.get(dossier=dossier)
    dossier = publication.dossier_suspend(dossier=dossier, actor=cast.admin, **SUSPENSION)
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    dossier = publication.dossier_dereference(dossier=dossier, actor=cast.ministry, **DEREFERENCING)
    decisions = list(Decision.objects.filter(dossier=dossier).order_by("sequence"))
    assert [d.kind for d in decisions] == [
        K.REFERENCING,
        K.SUSPENSION,
        K.REINSTATEMENT,
        K.DEREFERENCING,
    ]
    first = referencing.sequence
    assert [d.sequence for d in decisions] == [first, first + 1, first + 2, first + 3]
    assert [d.number for d in decisions[1:]] == [
        f"REF-2026-{n:04d}" for n in (first + 1, first + 2, first + 3)
    ]
    assert DecisionCounter.objects.get(year=2026).last == first + 3
    assert dossier.state == S.DEREFERENCED


def test_a_suspension_states_its_motives_remedy_deadline_and_signatory(frozen):
    dossier, cast, _listing = _suspended()
    suspension = _measure(dossier, K.SUSPENSION)
    assert (suspension.motives, suspension.remedy, suspension.remedy_deadline) == (
        SUSPENSION["motives"],
        SUSPENSION["remedy"],
        DEADLINE,
    )
    assert suspension.public_motive == SUSPENSION["comment"]
    assert suspension.outcome == ""
    assert suspension.decided_by == cast.admin
    assert suspension.signatory_name == cast.admin.get_full_name()
    assert suspension.service_name == dossier.service.name
    assert suspension.dossier_reference == dossier.reference
    assert suspension.label == "Suspension du référencement"


def test_a_reinstatement_refers_to_the_suspension_it_ends(frozen):
    dossier, cast, _listing = _suspended()
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    suspension = _measure(dossier, K.SUSPENSION)
    reinstatement = _measure(dossier, K.REINSTATEMENT)
    assert reinstatement.suspension == suspension
    assert reinstatement.remedy_account == REINSTATEMENT["remedy_account"]
    assert dossier.state == S.PUBLISHED
    assert Listing.objects.get(service=dossier.service).listed


def test_a_second_suspension_is_ended_by_its_own_reinstatement(frozen):
    dossier, cast, _listing = _suspended()
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    dossier = publication.dossier_suspend(dossier=dossier, actor=cast.admin, **SUSPENSION)
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    suspensions = list(Decision.objects.filter(dossier=dossier, kind=K.SUSPENSION).order_by("pk"))
    reinstatements = list(
        Decision.objects.filter(dossier=dossier, kind=K.REINSTATEMENT).order_by("pk")
    )
    assert [r.suspension_id for r in reinstatements] == [s.pk for s in suspensions]


def test_a_measure_decision_is_immutable(frozen):
    dossier, _cast, _listing = _suspended()
    suspension = _measure(dossier, K.SUSPENSION)
    suspension.remedy = "Autre chose."
    with pytest.raises(DecisionImmutable):
        suspension.save()
    with pytest.raises(DecisionImmutable):
        Decision.objects.filter(pk=suspension.pk).update(remedy_deadline=date(2030, 1, 1))
    with pytest.raises(DecisionImmutable):
        suspension.delete()
    with pytest.raises(DecisionImmutable):
        Decision.objects.filter(pk=suspension.pk).delete()
    assert Decision.objects.get(pk=suspension.pk).remedy == SUSPENSION["remedy"]


def test_the_database_refuses_a_suspension_without_its_remedy(frozen):
    """The rule holds below the service too (`decision_kind_has_its_fields`)."""
    dossier, cast, _listing = _suspended()
    suspension = _measure(dossier, K.SUSPENSION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            dossier=dossier,
            kind=K.SUSPENSION,
            number="REF-2026-9999",
            year=2026,
            sequence=9999,
            motives="Motifs.",
            dossier_reference=suspension.dossier_reference,
            service_name="x",
            organisation_name="x",
            organisation_siren="123456789",
            signatory_name="x",
            signatory_title="x",
            decided_at=suspension.decided_at,
            decided_by=cast.admin,
        )


# ---------------------------------------------------------------------------------------------
# Required fields: refused, nothing written
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"remedy_deadline": date(2026, 6, 14)}, "ne peut pas être passée"),
        ({"remedy_deadline": None}, "Indiquez la date"),
        ({"remedy": "   "}, "Indiquez ce que l'éditeur doit corriger"),
        ({"motives": ""}, "Indiquez les motifs"),
        ({"comment": ""}, "motif public de la suspension"),
    ],
)
def test_a_suspension_missing_a_field_is_refused_and_writes_nothing(frozen, change, message):
    dossier, cast, listing = published()
    with assert_nothing_changed(
        dossier, tables=(Decision, PublicEvent, DecisionCounter), rows=(listing,)
    ):
        counter = DecisionCounter.objects.get(year=2026).last
        with pytest.raises(TransitionInvalid, match=message):
            publication.dossier_suspend(
                dossier=dossier, actor=cast.admin, **{**SUSPENSION, **change}
            )
        assert DecisionCounter.objects.get(year=2026).last == counter


def test_a_deadline_of_today_is_accepted(frozen):
    dossier, cast, _listing = published()
    publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, **{**SUSPENSION, "remedy_deadline": date(2026, 6, 15)}
    )
    assert _measure(dossier, K.SUSPENSION).remedy_deadline == date(2026, 6, 15)


@pytest.mark.parametrize("field", ["remedy_account", "comment"])
def test_a_reinstatement_without_its_account_or_public_motive_is_refused(frozen, field):
    dossier, cast, listing = _suspended()
    with (
        assert_nothing_changed(dossier, tables=(Decision, PublicEvent), rows=(listing,)),
        pytest.raises(TransitionInvalid),
    ):
        publication.dossier_reinstate(
            dossier=dossier, actor=cast.admin, **{**REINSTATEMENT, field: " "}
        )


def test_a_dereferencing_without_motives_is_refused(frozen):
    dossier, cast, listing = published()
    with (
        assert_nothing_changed(dossier, tables=(Decision, PublicEvent), rows=(listing,)),
        pytest.raises(TransitionInvalid, match="Indiquez les motifs"),
    ):
        publication.dossier_dereference(
            dossier=dossier, actor=cast.ministry, **{**DEREFERENCING, "motives": ""}
        )


def test_the_role_check_comes_before_the_fields(frozen):
    """The state machine's permissions say who may act: the ministry may not suspend."""
    dossier, cast, _listing = published()
    with (
        assert_nothing_changed(dossier, tables=(Decision,)),
        pytest.raises(TransitionForbidden),
    ):
        publication.dossier_suspend(
            dossier=dossier, actor=cast.ministry, **{**SUSPENSION, "remedy": ""}
        )


def test_a_dereferenced_service_can_no_longer_be_reinstated(frozen):
    dossier, cast, _listing = _suspended()
    dossier = publication.dossier_dereference(dossier=dossier, actor=cast.admin, **DEREFERENCING)
    with (
        assert_nothing_changed(dossier, tables=(Decision,)),
        pytest.raises(TransitionNotAvailable),
    ):
        publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)


# ---------------------------------------------------------------------------------------------
# The PDF, its signature, the e-mail
# ---------------------------------------------------------------------------------------------


def test_the_suspension_pdf_states_what_to_fix_and_by_when(frozen):
    dossier, cast, _listing = _suspended()
    suspension = _measure(dossier, K.SUSPENSION)
    text = pdf_text(_rendered(suspension))
    for expected in [
        f"Décision n° {suspension.number}",
        "Décision de suspension du référencement",
        dossier.service.name,
        dossier.service.organisation.name,
        dossier.reference,
        SUSPENSION["motives"],
        SUSPENSION["remedy"],
        "au plus tard le 31 juillet 2026",
        SUSPENSION["comment"],
        cast.admin.get_full_name(),
    ]:
        assert expected in text, expected


def test_the_reinstatement_pdf_says_how_it_was_fixed_and_which_suspension_it_ends(frozen):
    dossier, cast, _listing = _suspended()
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    suspension = _measure(dossier, K.SUSPENSION)
    text = pdf_text(_rendered(_measure(dossier, K.REINSTATEMENT)))
    assert f"La suspension prononcée par la décision n° {suspension.number} est levée." in text
    assert REINSTATEMENT["remedy_account"] in text
    assert SUSPENSION["remedy"] in text  # what the suspension asked


def test_the_dereferencing_pdf_says_it_is_final(frozen):
    dossier, cast, _listing = published()
    dossier = publication.dossier_dereference(dossier=dossier, actor=cast.ministry, **DEREFERENCING)
    text = pdf_text(_rendered(_measure(dossier, K.DEREFERENCING)))
    assert "Décision de déréférencement" in text
    assert "Cette décision est définitive." in text
    assert DEREFERENCING["motives"] in text


@pytest.mark.parametrize("kind", [K.SUSPENSION, K.REINSTATEMENT, K.DEREFERENCING])
def test_each_measure_pdf_is_pdf_a_and_signed_for_the_ministry(frozen, kind):
    dossier, cast, _listing = _suspended()
    if kind == K.REINSTATEMENT:
        publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    elif kind == K.DEREFERENCING:
        publication.dossier_dereference(dossier=dossier, actor=cast.ministry, **DEREFERENCING)
    decision = _measure(dossier, kind)
    content = _rendered(decision)
    assert 'pdfaid:part="3"' in pdf_xmp(content)
    [signature] = verify_pdf(content)
    assert signature.ok and signature.covers_whole_document
    assert signature.field_name == "Signature-ministere"
    assert signature.signer_name == decision.signatory_name
    assert signature.reason == f"Décision n° {decision.number} du ministère chargé de la santé"
    assert decision.pdf_ready and len(decision.pdf_sha256) == 64


def test_the_editor_is_told_once_the_pdf_is_ready_with_its_number(frozen):
    dossier, cast, _listing = _suspended()
    suspension = _measure(dossier, K.SUSPENSION)
    assert not OutboxMessage.objects.filter(subject__contains=suspension.number).exists()
    _rendered(suspension)
    message = OutboxMessage.objects.get(subject__contains=suspension.number)
    assert message.to == cast.editor.email
    assert "Suspension du référencement" in message.body
    assert "au plus tard le 31 juillet 2026" in message.body
    decision_render(decision_id=suspension.pk)  # already rendered: nothing more
    assert OutboxMessage.objects.filter(subject__contains=suspension.number).count() == 1


def test_the_reinstatement_email_names_the_suspension(frozen):
    dossier, cast, _listing = _suspended()
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    reinstatement = _measure(dossier, K.REINSTATEMENT)
    _rendered(reinstatement)
    message = OutboxMessage.objects.get(subject__contains=reinstatement.number)
    assert f"décision n° {_measure(dossier, K.SUSPENSION).number}" in message.body


# ---------------------------------------------------------------------------------------------
# The public events carry the numbers
# ---------------------------------------------------------------------------------------------


def test_the_public_events_carry_each_decision_number(frozen):
    dossier, cast, listing = _suspended()
    dossier = publication.dossier_reinstate(dossier=dossier, actor=cast.admin, **REINSTATEMENT)
    publication.dossier_dereference(dossier=dossier, actor=cast.ministry, **DEREFERENCING)
    events = {
        e.kind: (e.decision_number, e.motive)
        for e in PublicEvent.objects.filter(listing=listing).exclude(kind=EventKind.UPDATED)
    }
    assert events[EventKind.SUSPENDED] == (
        _measure(dossier, K.SUSPENSION).number,
        SUSPENSION["comment"],
    )
    assert events[EventKind.REINSTATED] == (
        _measure(dossier, K.REINSTATEMENT).number,
        REINSTATEMENT["comment"],
    )
    assert events[EventKind.DEREFERENCED] == (
        _measure(dossier, K.DEREFERENCING).number,
        DEREFERENCING["comment"],
    )


# ---------------------------------------------------------------------------------------------
# The transition pages
# ---------------------------------------------------------------------------------------------


def _url(dossier, name):
    return reverse("applications:dossier-transition", args=[dossier.pk, name])


def _post(client, dossier, name, data):
    return client.post(_url(dossier, name), {f"transition-{k}": v for k, v in data.items()})


def _form(data):
    return {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v is not None
    }


def test_the_suspension_page_asks_for_each_field(client, frozen):
    dossier, cast, _listing = published()
    client.force_login(cast.admin)
    body = client.get(_url(dossier, "suspend")).content.decode()
    for label in (
        "Motifs de la suspension",
        "Ce que l&#x27;éditeur doit corriger",
        "Date limite de correction",
        "Motif public (obligatoire)",
    ):
        assert label in body, label
    assert 'min="2026-06-15"' in body


def test_the_admin_suspends_through_the_page(client, frozen):
    dossier, cast, _listing = published()
    client.force_login(cast.admin)
    response = _post(client, dossier, "suspend", _form(SUSPENSION))
    assert response.status_code == 302
    suspension = _measure(dossier, K.SUSPENSION)
    assert suspension.remedy_deadline == DEADLINE
    page = client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    assert f"Décision n° {suspension.number}" in page
    assert "Correction demandée au plus tard le 31 juillet 2026." in page


def test_a_past_deadline_on_the_page_answers_400_and_writes_nothing(client, frozen):
    dossier, cast, listing = published()
    client.force_login(cast.admin)
    with assert_nothing_changed(dossier, tables=(Decision, PublicEvent), rows=(listing,)):
        response = _post(
            client, dossier, "suspend", _form({**SUSPENSION, "remedy_deadline": date(2026, 6, 1)})
        )
    assert response.status_code == 400
    assert "La date limite de correction ne peut pas être passée" in response.content.decode()


def test_an_empty_suspension_form_answers_400_with_each_error(client, frozen):
    dossier, cast, _listing = published()
    client.force_login(cast.admin)
    with assert_nothing_changed(dossier, tables=(Decision,)):
        response = _post(
            client,
            dossier,
            "suspend",
            {"motives": "", "remedy": " ", "remedy_deadline": "", "comment": ""},
        )
    body = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Indiquez les motifs de la décision",
        "Indiquez ce que l&#x27;éditeur doit corriger.",
        "Indiquez la date à laquelle",
        "Indiquez le motif public de la suspension.",
    ):
        assert message in body, message


def test_the_reinstatement_page_requires_how_it_was_fixed(client, frozen):
    dossier, cast, _listing = _suspended()
    client.force_login(cast.admin)
    with assert_nothing_changed(dossier, tables=(Decision,)):
        response = _post(client, dossier, "reinstate", {"comment": "Corrigé."})
    assert response.status_code == 400
    assert "Indiquez comment l&#x27;éditeur a corrigé le manquement." in response.content.decode()
    assert _post(client, dossier, "reinstate", REINSTATEMENT).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == S.PUBLISHED


def test_the_dereferencing_page_says_it_is_final_and_asks_to_confirm(client, frozen):
    dossier, cast, _listing = published()
    client.force_login(cast.ministry)
    body = client.get(_url(dossier, "dereference")).content.decode()
    assert "Cette action est irréversible." in body
    assert "ce déréférencement est définitif" in body
    with assert_nothing_changed(dossier, tables=(Decision,)):
        response = _post(client, dossier, "dereference", DEREFERENCING)
    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in response.content.decode()
    response = _post(client, dossier, "dereference", {**DEREFERENCING, "confirm_final": "on"})
    assert response.status_code == 302
    assert _measure(dossier, K.DEREFERENCING).decided_by == cast.ministry


@pytest.mark.parametrize("who", ["editor", "ministry", "instructor"])
def test_only_the_admin_may_suspend_through_the_page(client, frozen, who):
    dossier, cast, _listing = published()
    client.force_login(getattr(cast, who))
    with assert_nothing_changed(dossier, tables=(Decision,)):
        response = _post(client, dossier, "suspend", _form(SUSPENSION))
    assert response.status_code in (403, 404)


def test_a_control_proposing_the_suspension_prefills_its_motives(client, frozen):
    dossier, cast, listing = published()
    control = Control.objects.create(
        dossier=dossier,
        listing=listing,
        state="concluded",
        opened_by=cast.admin,
        opened_at=NOW - timedelta(days=3),
        conclusion="Les données de santé sont hébergées hors HDS.",
        proposes_suspension=True,
        concluded_by=cast.admin,
        concluded_at=NOW - timedelta(days=1),
    )
    requirement = Requirement.objects.filter(version=dossier.referential_version).first()
    ControlFinding.objects.create(
        control=control,
        requirement=requirement,
        verdict=FindingVerdict.NON_COMPLIANT,
        text="Hébergeur sans certificat HDS.",
        recorded_by=cast.admin,
        recorded_at=NOW - timedelta(days=2),
    )
    client.force_login(cast.admin)
    page = client.get(reverse("applications:dossier-detail", args=[dossier.pk])).content.decode()
    assert f'href="{_url(dossier, "suspend")}">Décider la suspension' in page
    body = client.get(_url(dossier, "suspend")).content.decode()
    assert (
        "Les données de santé sont hébergées hors HDS.\n"
        f"- {requirement.code} : Hébergeur sans certificat HDS.</textarea>"
    ) in body


def test_the_factories_measure_fields_make_valid_decisions(frozen):
    dossier, cast, _listing = published()
    publication.dossier_suspend(
        dossier=dossier, actor=cast.admin, comment="Audit.", **measure_fields("suspend")
    )
    assert _measure(dossier, K.SUSPENSION).remedy_deadline == date(2026, 7, 15)
