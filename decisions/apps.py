from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    label = "decisions"
    verbose_name = _("Décisions du ministère")

    def ready(self):
        from applications.domain.dossier_page import SECTIONS

        from .domain import notifications  # noqa: F401  (registers the app's notification events)
        from .domain.queries import dossier_decisions

        SECTIONS["decisions"] = dossier_decisions  # the ministry's decisions on the dossier page
