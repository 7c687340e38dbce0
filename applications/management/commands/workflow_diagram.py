from django.core.management.base import BaseCommand

from applications.domain.diagram import workflow_mermaid


class Command(BaseCommand):
    help = "Affiche le diagramme d'états du dossier (Mermaid), généré depuis le code."

    def handle(self, *args, **options):
        self.stdout.write(workflow_mermaid())
