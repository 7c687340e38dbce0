from .audit import TransitionLog
from .dossier import Dossier
from .questionnaire import Answer, Evidence, Orientation, Revision, RevisionAnswer
from .referential import (
    EvidenceKind,
    ReferentialDomain,
    ReferentialSection,
    ReferentialVersion,
    Requirement,
)
from .service import Service

__all__ = [
    "Answer",
    "Dossier",
    "Evidence",
    "EvidenceKind",
    "Orientation",
    "ReferentialDomain",
    "ReferentialSection",
    "ReferentialVersion",
    "Requirement",
    "Revision",
    "RevisionAnswer",
    "Service",
    "TransitionLog",
]
