"""The dossier's state diagram, generated from the transitions declared on the model."""

from django_fsm import RETURN_VALUE

from ..enums import DossierState
from ..models import Dossier


def workflow_edges() -> list[tuple[str, str, str]]:
    edges = set()
    for transition in Dossier._meta.get_field("state").get_all_transitions(Dossier):
        targets = (
            transition.target.allowed_states
            if isinstance(transition.target, RETURN_VALUE)
            else [transition.target]
        )
        for target in targets:
            edges.add((str(transition.source), str(target), transition.name))
    order = {state.value: i for i, state in enumerate(DossierState)}
    return sorted(edges, key=lambda e: (order[e[0]], order[e[1]], e[2]))


def workflow_mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for state in DossierState:
        lines.append(f"    {state.value} : {state.label}")
    lines.append(f"    [*] --> {DossierState.DRAFT.value}")
    for source, target, name in workflow_edges():
        lines.append(f"    {source} --> {target} : {name}")
    return "\n".join(lines) + "\n"
