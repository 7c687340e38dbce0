"""The sandbox's data: a client per data-exchange dossier (django-oauth-toolkit's application,
swapped in), its fictitious holders and their consents, the OAuth2 tokens they grant (DOT's
token models, swapped in so that their resource owner is a holder, never a portal account), and
every call the editor's service makes."""

from .calls import SandboxCall
from .clients import SandboxClient, SandboxConsent, SandboxHolder
from .stages import StageEvidence, TestBookReport, TestStage
from .tokens import SandboxAccessToken, SandboxGrant, SandboxIDToken, SandboxRefreshToken

__all__ = [
    "SandboxAccessToken",
    "SandboxCall",
    "SandboxClient",
    "SandboxConsent",
    "SandboxGrant",
    "SandboxHolder",
    "SandboxIDToken",
    "SandboxRefreshToken",
    "StageEvidence",
    "TestBookReport",
    "TestStage",
]
