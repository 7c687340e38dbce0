from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue public")

    def ready(self):
        from applications.domain.dossier_page import SECTIONS

        from . import guards  # noqa: F401  (registers `has_approved_card`, a condition of publish)
        from .domain import notifications  # noqa: F401  (registers the app's notification events)
        from .domain.card_pages import dossier_card_section
        from .domain.controls import dossier_controls_section

        # The catalogue card's state on the dossier page (template:
        # templates/catalogue/cards/_dossier_section.html).
        SECTIONS["catalogue_card"] = dossier_card_section
        # The controls of the service and the suspensions they propose (template:
        # templates/catalogue/reports/_dossier_section.html).
        SECTIONS["controls"] = dossier_controls_section
