"""Why a transition did not happen, in words a person can read (French)."""

from django.core.exceptions import PermissionDenied


class TransitionError(Exception):
    """Base class: `str(exc)` is a French sentence fit for the page."""

    status_code = 400


class TransitionNotAvailable(TransitionError):
    """The dossier's current state does not offer this action."""

    status_code = 409


class TransitionForbidden(TransitionError, PermissionDenied):
    """The actor's role or relation to the dossier does not allow this action."""

    status_code = 403


class TransitionBlocked(TransitionError):
    """A guard is not met; `reasons` lists what is missing."""

    status_code = 400

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


class TransitionConflict(TransitionError):
    """Someone else changed the dossier since the actor loaded it."""

    status_code = 409


class TransitionInvalid(TransitionError):
    """An argument of the action is not acceptable (e.g. a referencing after a reserved opinion)."""

    status_code = 400
