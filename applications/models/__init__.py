from .audit import TransitionLog
from .documents import Document, Evidence
from .dossier import Dossier
from .questionnaire import Answer, Orientation, Revision, RevisionAnswer
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
    "Document",
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
