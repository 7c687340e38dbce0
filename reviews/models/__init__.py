from .assignment import Assignment, ConflictStatus, ExpertConflict
from .commission import AgendaItem, CommissionSession, SessionMember
from .evaluation import (
    ComplementItem,
    ComplementRequest,
    Conclusion,
    DomainEvaluation,
    EvaluationReport,
    ReportStatus,
    Verdict,
    VerdictChoice,
)

__all__ = [
    "AgendaItem",
    "Assignment",
    "CommissionSession",
    "ComplementItem",
    "ComplementRequest",
    "Conclusion",
    "ConflictStatus",
    "DomainEvaluation",
    "EvaluationReport",
    "ExpertConflict",
    "ReportStatus",
    "SessionMember",
    "Verdict",
    "VerdictChoice",
]
