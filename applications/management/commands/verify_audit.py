from django.core.management.base import BaseCommand, CommandError

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
        self.stdout.write(
            self.style.SUCCESS(
                f"Journal intègre : {result.rows} entrée(s) vérifiée(s) sur "
                f"{result.dossiers} dossier(s)."
            )
        )
