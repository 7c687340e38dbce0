from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    label = "conventions"
    verbose_name = _("Conventions de référencement")

    def ready(self):
        from applications.domain.dossier_page import SECTIONS

        from .domain import notifications  # noqa: F401  (registers the app's notification events)
        from .domain.queries import dossier_convention_section

        SECTIONS["convention"] = dossier_convention_section  # the convention on the dossier page
