from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from demo.seed import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_TOTP_SECRET, seed_demo


class Command(BaseCommand):
    help = "Crée les comptes, organisations et dossiers de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autorise l'exécution quand DEBUG est désactivé.",
        )
        parser.add_argument(
            "--catalogue",
            type=int,
            default=None,
            metavar="N",
            help="Nombre de services publiés en plus de MonCarnetBébé (11 par défaut ; "
            "chacun parcourt tout le circuit, ce qui prend une ou deux secondes).",
        )

    def handle(self, *args, force=False, catalogue=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refus : DEBUG est désactivé (environnement de production ?). "
                "Relancez avec --force pour charger quand même les données de démonstration."
            )
        result = seed_demo(catalogue=catalogue)
        created = ngettext(
            "%(n)d dossier créé", "%(n)d dossiers créés", result["dossiers_created"]
        ) % {"n": result["dossiers_created"]}
        published = ngettext(
            "%(n)d service publié", "%(n)d services publiés", result["published"]
        ) % {"n": result["published"]}
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes ({created})."))
        self.stdout.write(f"Catalogue public : {published}.")
        self.stdout.write(f"Mot de passe commun : {DEMO_PASSWORD}")
        self.stdout.write(f"Secret TOTP des comptes de l'équipe : {DEMO_TOTP_SECRET}")
        for email, *_rest in DEMO_PEOPLE:
            self.stdout.write(f"  {email}")
