from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Dossiers de référencement")

    def ready(self):
        from . import guards  # noqa: F401  (registers the transitions' guards by name)
        from .domain import notifications  # noqa: F401  (registers the app's notification events)
