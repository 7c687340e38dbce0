from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Évaluation et commission")

    def ready(self):
        from applications.domain.dossier_page import SECTIONS

        from .domain import notifications  # noqa: F401  (registers the app's notification events)
        from .domain.queues import review_panel

        SECTIONS["review_panel"] = review_panel  # the instruction panel of the dossier page

        from applications.domain.history import TEAM_CHANGES

        from .domain.history import team_changes

        TEAM_CHANGES.append(team_changes)  # verdicts, assignments, votes in the dossier's history
