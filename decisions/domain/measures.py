"""The measures taken on a published service as decisions: suspension, reinstatement and
de-referencing (`decisions.enums.DecisionKind`).

Each is numbered in the yearly sequence of the referencing decisions (`decision_number_allocate`),
signed by its author (`signatory_of`), immutable like them, and its PDF is produced by the same
durable job (`documents.DECISION_PDF`, a template per kind), whose end tells the editor's members
by e-mail (`decision_ready`).

- `measure_problems(...)`: what is missing or wrong in a measure's fields (French), by field —
  the one rule, read by the forms (catalogue/forms_measures.py) and by `measure_record`.
- `measure_record(...)`: writes the decision in the caller's transaction: the dossier's
  `suspend`, `reinstate` or `dereference` transition (catalogue/domain/publication.py), whose
  permissions say who may take it. An error raises `TransitionInvalid`: nothing is written.
- `suspension_in_force(dossier)`: the suspension decision a reinstatement ends (None when the
  service was suspended by the portal itself, at the expiry of its referencing).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.domain.exceptions import TransitionInvalid

from ..enums import DecisionKind
from ..models import Decision
from .services import decision_issue

K = DecisionKind


def measure_problems(
    kind: str,
    *,
    motives: str = "",
    public_motive: str = "",
    remedy: str = "",
    remedy_deadline: date | None = None,
    remedy_account: str = "",
    today: date | None = None,
) -> dict[str, str]:
    """Why these fields do not make a `kind` decision, by field name (the forms' names:
    `comment` is the public motive); empty when they do."""
    today = today or timezone.localdate()
    problems = {}
    if not (public_motive or "").strip():
        problems["comment"] = {
            K.SUSPENSION: _("Indiquez le motif public de la suspension."),
            K.REINSTATEMENT: _("Indiquez le motif public de la réintégration."),
            K.DEREFERENCING: _("Indiquez le motif public du déréférencement."),
        }[kind]
    if kind in (K.SUSPENSION, K.DEREFERENCING) and not (motives or "").strip():
        problems["motives"] = _("Indiquez les motifs de la décision : ils figurent dans son PDF.")
    if kind == K.SUSPENSION:
        if not (remedy or "").strip():
            problems["remedy"] = _("Indiquez ce que l'éditeur doit corriger.")
        if remedy_deadline is None:
            problems["remedy_deadline"] = _(
                "Indiquez la date à laquelle l'éditeur doit avoir corrigé le manquement."
            )
        elif remedy_deadline < today:
            problems["remedy_deadline"] = _(
                "La date limite de correction ne peut pas être passée (au plus tôt le %(day)s)."
            ) % {"day": date_format(today, "j F Y")}
    if kind == K.REINSTATEMENT and not (remedy_account or "").strip():
        problems["remedy_account"] = _("Indiquez comment l'éditeur a corrigé le manquement.")
    return problems


def suspension_in_force(dossier) -> Decision | None:
    """The suspension decision of `dossier` not yet ended by a reinstatement, if any."""
    latest = (
        Decision.objects.filter(dossier=dossier, kind__in=(K.SUSPENSION, K.REINSTATEMENT))
        .order_by("-decided_at", "-pk")
        .first()
    )
    return latest if latest is not None and latest.kind == K.SUSPENSION else None


def measure_record(
    *,
    dossier,
    actor,
    kind: str,
    public_motive: str,
    motives: str = "",
    remedy: str = "",
    remedy_deadline: date | None = None,
    remedy_account: str = "",
) -> Decision:
    """Write the `kind` decision on `dossier` (the locked row the transition has just moved),
    in the caller's transaction; its PDF is handed to Celery once that transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Une décision s'enregistre dans la transaction de sa transition.")
    problems = measure_problems(
        kind,
        motives=motives,
        public_motive=public_motive,
        remedy=remedy,
        remedy_deadline=remedy_deadline,
        remedy_account=remedy_account,
    )
    if problems:
        raise TransitionInvalid(" ".join(problems.values()))
    return decision_issue(
        dossier=dossier,
        actor=actor,
        kind=kind,
        motives=(motives or "").strip(),
        public_motive=public_motive.strip(),
        remedy=(remedy or "").strip() if kind == K.SUSPENSION else "",
        remedy_deadline=remedy_deadline if kind == K.SUSPENSION else None,
        remedy_account=(remedy_account or "").strip() if kind == K.REINSTATEMENT else "",
        suspension=suspension_in_force(dossier) if kind == K.REINSTATEMENT else None,
    )
