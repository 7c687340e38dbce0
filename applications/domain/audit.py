"""Checking the audit trail: every row's hash, and each row's link to the previous one."""

from dataclasses import dataclass

from ..models import TransitionLog


@dataclass
class AuditReport:
    rows: int = 0
    dossiers: int = 0
    broken: str | None = None


def verify_audit_chains() -> AuditReport:
    report = AuditReport()
    previous = None
    for log in TransitionLog.objects.order_by("dossier_id", "seq").iterator(chunk_size=2000):
        first_of_dossier = previous is None or previous.dossier_id != log.dossier_id
        if first_of_dossier:
            report.dossiers += 1
            expected_seq, expected_prev = 1, ""
        else:
            expected_seq, expected_prev = previous.seq + 1, previous.hash
        problem = None
        if log.seq != expected_seq:
            problem = f"numéro d'ordre {log.seq} au lieu de {expected_seq}"
        elif log.prev_hash != expected_prev:
            problem = "lien vers l'entrée précédente rompu"
        elif log.compute_hash() != log.hash:
            problem = "contenu modifié après écriture"
        if problem:
            report.broken = (
                f"Journal altéré : entrée n° {log.pk} (dossier {log.dossier_id}, "
                f"rang {log.seq}, action « {log.transition} ») — {problem}."
            )
            return report
        report.rows += 1
        previous = log
    return report
