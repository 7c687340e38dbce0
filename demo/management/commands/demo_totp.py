import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Affiche le code TOTP du moment des comptes de démonstration (DEBUG seulement)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Réservé au développement : DEBUG est désactivé.")
        counter = int(time.time()) // settings.MFA_TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
