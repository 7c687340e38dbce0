"""Conventions at each step, brought there through the real services: a referenced dossier whose
decision's PDF is ready, its convention drawn up and rendered, accepted by the editor,
countersigned by the administration (real PAdES signatures, with the session's throwaway PKI)."""

from applications.enums import DecisionOutcome, DossierState
from applications.models import Service
from conventions.domain.documents import convention_render
from conventions.domain.services import convention_draw_up
from conventions.domain.signatures import convention_accept, convention_countersign
from conventions.models import Convention
from decisions.domain.documents import decision_render
from decisions.domain.services import dossier_decide
from decisions.models import Decision

from .dossiers import dossier_in_state

SIGNATORY_NAME = "Camille Martin"
SIGNATORY_TITLE = "Présidente"
ADMIN_SIGNATORY_NAME = "Dominique Bernard"
ADMIN_SIGNATORY_TITLE = "Chef du bureau du référencement"


def referenced_dossier(*, mes_apis=None, organisation=None, render_decision=True):
    """(dossier, decision, cast): a dossier referenced by the ministry; the decision's PDF is
    rendered unless `render_decision=False`. `mes_apis` (a list) asks for data exchange."""
    dossier, cast = dossier_in_state(
        DossierState.OPINION_FAVORABLE,
        organisation=organisation,
        requests_data_exchange=bool(mes_apis),
    )
    if mes_apis:
        Service.objects.filter(pk=dossier.service_id).update(mes_apis=list(mes_apis))
    dossier = dossier_decide(
        dossier=dossier, actor=cast.ministry, outcome=DecisionOutcome.REFERENCED
    )
    decision = Decision.objects.get(dossier=dossier)
    if render_decision:
        decision_render(decision_id=decision.pk)
        decision.refresh_from_db()
    return dossier, decision, cast


def drawn_up(*, render=True, **kwargs):
    """(convention, cast): the convention of a referenced dossier, its PDF rendered unless
    `render=False`."""
    dossier, _decision, cast = referenced_dossier(**kwargs)
    convention = convention_draw_up(dossier=dossier, actor=cast.admin)
    if render:
        convention_render(convention_id=convention.pk)
    return Convention.objects.get(pk=convention.pk), cast


def accept(convention, actor, **overrides):
    arguments = {
        "signatory_name": SIGNATORY_NAME,
        "signatory_title": SIGNATORY_TITLE,
        "statement_accepted": True,
        "seen_sha256": convention.pdf_sha256,
        **overrides,
    }
    return convention_accept(convention=convention, actor=actor, **arguments)


def countersign(convention, actor, **overrides):
    arguments = {
        "signatory_name": ADMIN_SIGNATORY_NAME,
        "signatory_title": ADMIN_SIGNATORY_TITLE,
        "seen_sha256": convention.editor_signed_sha256,
        **overrides,
    }
    return convention_countersign(convention=convention, actor=actor, **arguments)


def accepted(**kwargs):
    """(convention, cast): signed by the editor's representative, awaiting the countersignature."""
    convention, cast = drawn_up(**kwargs)
    accept(convention, cast.editor)
    return Convention.objects.get(pk=convention.pk), cast


def signed(**kwargs):
    """(convention, cast): signed by both parties."""
    convention, cast = accepted(**kwargs)
    countersign(convention, cast.admin)
    return Convention.objects.get(pk=convention.pk), cast
