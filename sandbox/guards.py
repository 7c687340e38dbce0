"""The test stages' conditions on the dossier's transitions (named in
applications/models/dossier.py): a data-exchange dossier needs its unit tests passed before it is
filed (`submit`, `resubmit`), its end-to-end tests before the commission (`schedule`), its
raccordement tests before publication (`publish`). A dossier without data exchange is never
blocked. One query each."""

from django.utils.translation import gettext as _

from applications.guards import guard

from .domain.stages import stage_is_passed
from .enums import StageKind
from .rules import dossier_exchanges_data


def _blocked(dossier, kind: StageKind, message: str) -> str | None:
    if not dossier_exchanges_data(dossier) or stage_is_passed(dossier, kind):
        return None
    return message


@guard
def unit_tests_passed(dossier) -> str | None:
    """`submit` and `resubmit` of a data-exchange dossier need the unit test stage passed."""
    return _blocked(
        dossier,
        StageKind.UNIT,
        _(
            "Impossible de déposer le dossier : l’étape « Tests unitaires » de l’échange de "
            "données n’est pas validée par l’équipe référencement."
        ),
    )


@guard
def end_to_end_tests_passed(dossier) -> str | None:
    """`schedule` of a data-exchange dossier needs the end-to-end test stage passed."""
    return _blocked(
        dossier,
        StageKind.END_TO_END,
        _(
            "Impossible d’inscrire le dossier en commission : l’étape « Tests de bout en bout » "
            "de l’échange de données n’est pas validée."
        ),
    )


@guard
def connection_tests_passed(dossier) -> str | None:
    """`publish` of a data-exchange dossier needs the raccordement test stage passed."""
    return _blocked(
        dossier,
        StageKind.CONNECTION,
        _(
            "Impossible de publier : l’étape « Tests de raccordement » de l’échange de données "
            "n’est pas validée."
        ),
    )
