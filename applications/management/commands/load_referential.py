from django.core.management.base import BaseCommand, CommandError

from applications.referential.loader import ReferentialError, load_referential

OUTCOMES = {"created": "chargée", "updated": "mise à jour", "unchanged": "inchangée"}


class Command(BaseCommand):
    help = "Charge une version du référentiel d'exigences depuis son fichier YAML."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        for path in paths:
            try:
                result = load_referential(path)
            except ReferentialError as exc:
                raise CommandError("\n".join(exc.errors)) from None
            self.stdout.write(
                f"Version {result.version.code} {OUTCOMES[result.outcome]} "
                f"({result.requirements} exigences)."
            )
