"""The proofs of data exchange the catalogue shows: which flow of a service passed which technical
test stage, on which version of the API's guide, and when.

Written by the sandbox (a higher app) when the instruction validates a stage
(`exchange_proofs_record`, in the transaction of the validation); read by the service's public
page (`templatetags/exchange_proofs.py`) and the API (`echanges_de_donnees`) for the listing's
dossier only, in one query (`proofs_by_api`; `proofs_by_dossier` for a page of the API)."""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from ..enums import MesApi
from ..models import ExchangeProof

#: The guide version each stage was passed on, per API: {api: (guide, version)}.
Guides = dict[str, tuple[str, str]]


def exchange_proofs_record(*, dossier, stage: str, guides: Guides, passed_at: datetime) -> None:
    """Record (or refresh) the proof that each API of `guides` passed `stage` for `dossier`."""
    for api, (guide, version) in guides.items():
        ExchangeProof.objects.update_or_create(
            dossier=dossier,
            api=api,
            stage=stage,
            defaults={
                "service_id": dossier.service_id,
                "guide": guide,
                "guide_version": version,
                "passed_at": passed_at,
            },
        )


@dataclass
class FlowProofs:
    """One flow (API) of a service and the stages it passed, in the stages' order."""

    api: str
    label: str
    proofs: list[ExchangeProof] = field(default_factory=list)


STAGE_ORDER = [choice for choice, _label in ExchangeProof.Stage.choices]


def proofs_by_api(dossier_id: int, apis: list[str]) -> list[FlowProofs]:
    """The flows `apis` (the card's data exchange) of the dossier with their proofs: one query,
    none when the service exchanges no data."""
    listing = SimpleNamespace(dossier_id=dossier_id, card=SimpleNamespace(data_exchange=apis))
    return proofs_by_dossier([listing])[dossier_id]


def proofs_by_dossier(listings) -> dict[int, list[FlowProofs]]:
    """`proofs_by_api` for a page of listings at once: one query for the page (none when no
    service of the page exchanges data), keyed by the listing's dossier (each listing shows its
    own dossier's proofs; two listings of one dossier — in tests only — share them, for the
    union of the APIs their cards name)."""
    apis: dict[int, set[str]] = {}
    for listing in listings:
        apis.setdefault(listing.dossier_id, set()).update(listing.card.data_exchange or [])
    wanted = [dossier_id for dossier_id, requested in apis.items() if requested]
    found: dict[int, list[ExchangeProof]] = {}
    if wanted:
        for proof in ExchangeProof.objects.filter(dossier_id__in=wanted):
            found.setdefault(proof.dossier_id, []).append(proof)
    result = {}
    for dossier_id, requested in apis.items():
        flows = {
            api.value: FlowProofs(api.value, str(api.label))
            for api in MesApi
            if api.value in requested
        }
        for proof in found.get(dossier_id, []):
            if proof.api in flows:
                flows[proof.api].proofs.append(proof)
        for flow in flows.values():
            flow.proofs.sort(key=lambda proof: STAGE_ORDER.index(proof.stage))
        result[dossier_id] = list(flows.values())
    return result
