from django.core.management.base import BaseCommand, CommandError

from applications.domain.audit import verify_audit_chains


class Command(BaseCommand):
    help = (
        "Recalcule les chaînes d'empreintes du journal des transitions "
        "et signale la première rupture."
    )

    def handle(self, *args, **options):
        result = verify_audit_chains()
        if result.broken is not None:
            raise CommandError(result.broken)
        self.stdout.write(
            self.style.SUCCESS(
                f"Journal intègre : {result.rows} entrée(s) vérifiée(s) sur "
                f"{result.dossiers} dossier(s)."
            )
        )
