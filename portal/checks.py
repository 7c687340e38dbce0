"""Deployment checks of the portal itself (`manage.py check --deploy`): a production without its
signing key cannot produce any decision, so it must not start unnoticed."""

from datetime import UTC, datetime, timedelta

from django.core.checks import Error, Tags, Warning, register

from .signing import SigningNotConfigured, signer_certificate, signing_configured

#: A signing certificate that expires sooner than this gets a warning.
EXPIRY_WARNING = timedelta(days=30)


@register(Tags.security, deploy=True)
def pdf_signing_check(app_configs=None, **kwargs):
    """An error when the PDF signing key and certificate are missing, unreadable, mismatched or
    out of their validity; a warning when the certificate expires within EXPIRY_WARNING."""
    if not signing_configured():
        return [
            Error(
                "La signature électronique des PDF n'est pas configurée : les décisions et les "
                "conventions ne peuvent pas être produites.",
                hint="Définissez PDF_SIGNING_KEY_FILE, PDF_SIGNING_CERT_FILE et "
                "PDF_SIGNING_CHAIN_FILE (le cachet serveur qualifié de production).",
                id="portal.E001",
            )
        ]
    try:
        certificate = signer_certificate()
    except SigningNotConfigured as exc:
        return [Error(str(exc), id="portal.E002")]
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc:
        return [
            Error(
                "Le certificat de signature des PDF n'est pas en cours de validité "
                f"(du {certificate.not_valid_before_utc:%d/%m/%Y} "
                f"au {certificate.not_valid_after_utc:%d/%m/%Y}).",
                id="portal.E003",
            )
        ]
    if certificate.not_valid_after_utc - now < EXPIRY_WARNING:
        return [
            Warning(
                "Le certificat de signature des PDF expire le "
                f"{certificate.not_valid_after_utc:%d/%m/%Y} : renouvelez-le.",
                id="portal.W001",
            )
        ]
    return []
