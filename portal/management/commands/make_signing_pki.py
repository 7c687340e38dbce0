import shlex
from pathlib import Path

from django.core.management.base import BaseCommand

from portal.pki import SIGNER_COMMON_NAME, generate_throwaway_pki, signing_environment


class Command(BaseCommand):
    help = (
        "Crée une infrastructure de clés jetable (AC racine de test et certificat de signature "
        f"« {SIGNER_COMMON_NAME} ») dans DOSSIER et affiche les variables d'environnement "
        "PDF_SIGNING_* à définir (lignes « export », à évaluer dans un shell). Pour le "
        "développement et les tests seulement : ces signatures n'ont aucune valeur."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DOSSIER", type=Path)

    def handle(self, *args, directory: Path, **options):
        paths = generate_throwaway_pki(directory.resolve())
        # The explanation on stderr, the variables alone on stdout: `eval "$(… make_signing_pki)"`.
        self.stderr.write(
            f"Infrastructure de test créée dans {directory} (sans valeur hors développement). "
            "Variables d'environnement à définir :"
        )
        for name, value in signing_environment(paths).items():
            self.stdout.write(f"export {name}={shlex.quote(value)}")
