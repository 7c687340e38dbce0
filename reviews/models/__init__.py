from .admissibility import IncompletenessItem
from .assignment import Assignment, ConflictStatus, ExpertConflict
from .assignment_change import AssignmentChange, AssignmentChangeKind
from .commission import (
    AgendaItem,
    CommissionSession,
    ItemConflict,
    ReservationResponse,
    SessionMember,
    Vote,
    VoteStatus,
)
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
    "AssignmentChange",
    "AssignmentChangeKind",
    "CommissionSession",
    "ComplementItem",
    "ComplementRequest",
    "Conclusion",
    "ConflictStatus",
    "DomainEvaluation",
    "EvaluationReport",
    "ExpertConflict",
    "IncompletenessItem",
    "ItemConflict",
    "ReportStatus",
    "ReservationResponse",
    "SessionMember",
    "Verdict",
    "VerdictChoice",
    "Vote",
    "VoteStatus",
]
