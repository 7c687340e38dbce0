"""Who may see and change a dossier's sandbox, and which scopes its client may ask: named once,
used by the views, the templates, the services and the OAuth2 validator.

The sandbox is for dossiers whose service asks for data exchange (`Service.requests_data_exchange`
and `Service.mes_apis`, the one place that says which APIs). The editors of the dossier's
organisation manage its client while the dossier is open; staff who may open the dossier
(applications.domain.queries.dossiers_visible_to) read its sandbox; anyone else gets a 404.
"""

import rules

from applications.domain.queries import dossiers_visible_to
from applications.enums import DossierState, MesApi
from applications.rules import is_admin, is_dossier_organisation_member, is_editor, is_instructor

from .enums import API_SCOPES, Scope
from .models import TestStage


def dossier_exchanges_data(dossier) -> bool:
    return dossier is not None and bool(dossier.service.requests_data_exchange)


def dossier_scopes(dossier) -> list[str]:
    """The scopes a token of the dossier's client may carry: `openid` and the scope of each
    API the service requests, in the order of `MesApi`; none without data exchange."""
    if not dossier_exchanges_data(dossier):
        return []
    requested = set(dossier.service.mes_apis or [])
    return [Scope.OPENID.value] + [API_SCOPES[api].value for api in MesApi if api in requested]


@rules.predicate
def is_data_exchange_dossier(user, dossier):
    return dossier_exchanges_data(dossier)


@rules.predicate
def is_open_dossier(user, dossier):
    return dossier is not None and DossierState(dossier.state) not in DossierState.closed()


@rules.predicate
def is_staff_who_sees_dossier(user, dossier):
    """A staff account (a staff role, `is_staff` or superuser) that may open this dossier."""
    if dossier is None or not user.is_authenticated or not user.must_use_mfa:
        return False
    return dossiers_visible_to(user).filter(pk=dossier.pk).exists()


can_view_sandbox = is_data_exchange_dossier & (
    is_dossier_organisation_member | is_staff_who_sees_dossier
)
can_manage_sandbox = (
    is_data_exchange_dossier & is_editor & is_dossier_organisation_member & is_open_dossier
)


@rules.predicate
def is_stage_put_to_instruction(user, dossier):
    """The editor asked the instruction to validate one of the dossier's test stages (or the
    instruction already decided one): the unit tests come before filing, so the instruction
    sees a draft's test stages — and nothing else of the draft — from then on."""
    if dossier is None or not user.is_authenticated or not user.must_use_mfa:
        return False
    return (
        TestStage.objects.filter(dossier_id=dossier.pk)
        .exclude(requested_at__isnull=True, decided_at__isnull=True)
        .exists()
    )


is_instruction = is_instructor | is_admin

#: The test stages' pages: who sees the sandbox, and the instruction once a stage is put to it.
can_view_test_stages = is_data_exchange_dossier & (
    is_dossier_organisation_member
    | is_staff_who_sees_dossier
    | (is_instruction & is_stage_put_to_instruction)
)
#: The instruction (instructors, administrators) validates or rejects a test stage.
can_decide_test_stage = (
    is_data_exchange_dossier
    & is_instruction
    & is_open_dossier
    & (is_staff_who_sees_dossier | is_stage_put_to_instruction)
)

rules.add_perm("sandbox.view_dossier_sandbox", can_view_sandbox)
rules.add_perm("sandbox.manage_dossier_sandbox", can_manage_sandbox)
rules.add_perm("sandbox.view_test_stages", can_view_test_stages)
rules.add_perm("sandbox.decide_test_stage", can_decide_test_stage)
