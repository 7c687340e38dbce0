from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an application: its management commands (`make_signing_pki`,
    `verify_pdf`) and its deployment checks (`checks.py`). It has no models."""

    name = "portal"
    verbose_name = "Portail"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
