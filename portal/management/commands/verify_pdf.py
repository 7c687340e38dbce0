import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from portal.signing import SignatureReport, UnreadablePdf, verify_pdf

#: Exit statuses: every signature verified / unsigned or a signature fails / unreadable file.
OK, NOT_OK, UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Vérifie les signatures électroniques d'un PDF (intégrité, validité, confiance dans le "
        "certificat, couverture du document). Sortie 0 quand le fichier porte au moins une "
        "signature et que toutes sont vérifiées, 1 sinon (fichier non signé, modifié ou signé "
        "par un certificat non reconnu), 2 quand le fichier est illisible."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER", type=Path)

    def handle(self, *args, file: Path, verbosity: int = 1, **options):
        if verbosity < 2:
            # pyHanko logs every failed check with its traceback: the report below says it all.
            logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
            logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"Fichier illisible : {file} ({exc.strerror or exc}).", returncode=UNREADABLE
            ) from exc
        try:
            reports = verify_pdf(content)
        except UnreadablePdf as exc:
            raise CommandError(f"{file} : {exc}", returncode=UNREADABLE) from exc
        if not reports:
            raise CommandError(f"{file} ne porte aucune signature électronique.", returncode=NOT_OK)
        for index, report in enumerate(reports, start=1):
            self.stdout.write(_describe(index, report))
        failed = [report.field_name for report in reports if not report.ok]
        if failed:
            label = ngettext("Signature non vérifiée", "Signatures non vérifiées", len(failed))
            raise CommandError(f"{label} : {', '.join(failed)}.", returncode=NOT_OK)
        verified = ngettext(
            "%(n)d signature vérifiée.", "%(n)d signatures vérifiées.", len(reports)
        ) % {"n": len(reports)}
        self.stdout.write(self.style.SUCCESS(verified))


def _describe(index: int, report: SignatureReport) -> str:
    signed_at = (
        timezone.localtime(report.signed_at).strftime("%d/%m/%Y à %H:%M:%S (%Z)")
        if report.signed_at
        else "inconnue"
    )
    return "\n".join(
        [
            f"Signature {index} : champ « {report.field_name} »",
            f"  signataire : {report.signer_name or '—'}",
            f"  motif : {report.reason or '—'}",
            f"  date déclarée : {signed_at}",
            f"  certificat : {report.certificate_subject or '—'}",
            f"  intègre : {_yes_no(report.intact)}",
            f"  valide : {_yes_no(report.valid)}",
            f"  certificat de confiance : {_yes_no(report.trusted)}",
            f"  couvre tout le document : {_yes_no(report.covers_whole_document)}",
            f"  modifications ultérieures admises : {_yes_no(report.later_changes_allowed)}",
            f"  => {'vérifiée' if report.ok else 'NON VÉRIFIÉE'}",
        ]
    )


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"
