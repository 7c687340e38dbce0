"""Why a convention was not drawn up or signed, beyond the transition errors of the dossier
(`applications.domain.exceptions`: forbidden 403, not available 409, invalid 400, conflict 409,
whose French message is fit for the page)."""

from applications.domain.exceptions import TransitionError


class ConventionDocumentAltered(TransitionError):
    """The stored document no longer hashes to what the convention recorded (or is missing):
    nothing is signed, and the event is logged for the technical team."""

    status_code = 409


class ConventionSigningUnavailable(TransitionError):
    """The portal's signing certificate is not configured (`portal.signing`)."""

    status_code = 503
