from .audit import TransitionLog
from .dossier import Dossier
from .service import Service

__all__ = ["Dossier", "Service", "TransitionLog"]
