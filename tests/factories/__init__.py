from .dossiers import ServiceFactory, dossier_in_state
from .people import (
    OrganisationFactory,
    UserFactory,
    editor,
    expert,
    member_of,
    staff_user,
)

__all__ = [
    "OrganisationFactory",
    "ServiceFactory",
    "UserFactory",
    "dossier_in_state",
    "editor",
    "expert",
    "member_of",
    "staff_user",
]
