"""The sandbox's FHIR validation: what Mon espace santé would answer to an editor's FHIR calls.

- `validate_measures_bundle`: the health-measure feed (a `transaction` Bundle), measures.py,
  its table of measures in measures_table.py (guide Mesures de santé 3.1.0);
- `validate_document_reference`: a document published the simplified way, documents.py and
  documents_table.py (PDSm 3.1.1);
- `validate_appointment`: an agenda appointment, agenda.py (GAP 3.0.0, FR Core Appointment).

Each returns a `Verdict` (outcome.py): the HTTP status, the JSON body to send (the success
answer, or an `OperationOutcome` listing every problem), its issues, and the test case it
exercised. How the R4 guides are read with fhir.resources' R4B models: parsing.py.
No database, no request: the endpoints call these with the request body.
"""

from .agenda import validate_appointment
from .documents import validate_document_reference
from .measures import validate_measures_bundle
from .outcome import Issue, IssueType, Severity, Verdict
from .warm_up import warm_up

__all__ = [
    "Issue",
    "IssueType",
    "Severity",
    "Verdict",
    "validate_appointment",
    "validate_document_reference",
    "validate_measures_bundle",
    "warm_up",
]
