"""Deployment check of the sandbox (`manage.py check --deploy`): without its RSA key, no
id_token can be signed and the pairing fails."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from oauth2_provider.settings import oauth2_settings

from .keys import oidc_key_problem


@register(Tags.security, deploy=True)
def sandbox_oidc_key_check(app_configs=None, **kwargs):
    problem = oidc_key_problem(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    if problem is None:
        return []
    return [
        Error(
            "La clé de signature des jetons d'identité du bac à sable est inutilisable "
            f"({problem}) : l'appariement OpenID Connect échouerait.",
            hint="Définissez SANDBOX_OIDC_RSA_KEY_FILE (clé privée RSA PEM, 2048 bits ou plus ; "
            f"actuellement : {settings.SANDBOX_OIDC_RSA_KEY_FILE or 'non défini'}).",
            id="sandbox.E001",
        )
    ]
