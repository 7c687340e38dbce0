from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from applications.domain.audit import verify_audit_chains


class Command(BaseCommand):
    help = (
        "Vérifie le journal des transitions de chaque dossier (empreintes HMAC, rangs, "
        "état final) et les triggers qui le protègent ; signale la première rupture et "
        "sort en erreur."
    )

    def handle(self, *args, **options):
        result = verify_audit_chains()
        if result.broken is not None:
            raise CommandError(result.broken)
        if result.protection is not None:
            raise CommandError(result.protection)
        rows = ngettext("%(n)d entrée vérifiée", "%(n)d entrées vérifiées", result.rows) % {
            "n": result.rows
        }
        dossiers = ngettext("%(n)d dossier", "%(n)d dossiers", result.dossiers) % {
            "n": result.dossiers
        }
        self.stdout.write(self.style.SUCCESS(f"Journal intègre : {rows} sur {dossiers}."))
