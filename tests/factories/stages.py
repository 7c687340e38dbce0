"""The technical test stages of data-exchange dossiers, for the tests.

`pass_stage_before(step, dossier, actor)`: before the factories take a data-exchange dossier
through `submit`/`resubmit`, `schedule` or `publish`, the stage that transition needs is passed
(`stage_pass_before_transition`), as the instruction would have validated it. Nothing for a
dossier without data exchange, or for another step. Tests of the guards themselves build their
dossiers with `dossier_in_state(..., stages=False)`."""

from sandbox.domain.stages import stage_pass_before_transition, stage_pass_for_fixture
from sandbox.enums import StageKind


def pass_stage_before(step: str, dossier, actor) -> None:
    stage_pass_before_transition(transition=step, dossier=dossier, actor=actor)


def pass_all_stages(dossier, actor) -> None:
    for kind in StageKind:
        stage_pass_for_fixture(dossier=dossier, kind=kind, actor=actor)
