from pathlib import Path

from django.core.management.base import BaseCommand

from sandbox.keys import oidc_key_generate


class Command(BaseCommand):
    help = (
        "Génère une clé RSA jetable pour signer les jetons d'identité du bac à sable "
        "(développement et tests ; sans valeur ailleurs) et affiche la variable à exporter."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="fichier de la clé (PEM) à créer")

    def handle(self, *args, path, **options):
        oidc_key_generate(path)
        self.stdout.write(f"export SANDBOX_OIDC_RSA_KEY_FILE={path.resolve()}")
