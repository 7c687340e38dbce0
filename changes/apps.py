from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "changes"
    label = "changes"
    verbose_name = _("Modifications déclarées")

    def ready(self):
        from applications.domain.dossier_page import SECTIONS
        from portal.accounts.roles import Role
        from portal.views import HOME_PANELS

        from .domain import notifications  # noqa: F401  (registers the app's notification events)
        from .domain.queries import dossier_changes_section, editor_todo, instructor_todo
        from .domain.reevaluation_queries import expert_reevaluation_todo, instructor_closing_todo

        # « Modifications déclarées » on the dossier page (templates/changes/_dossier_section.html).
        SECTIONS["changes"] = dossier_changes_section
        # The home page's to-do: the changes to qualify, the declarations asked of the editor.
        HOME_PANELS.setdefault(Role.INSTRUCTOR, []).append(instructor_todo)
        HOME_PANELS.setdefault(Role.EDITOR, []).append(editor_todo)
        # The partial re-evaluations: an expert's to do, the instruction team's to close.
        HOME_PANELS.setdefault(Role.INSTRUCTOR, []).append(instructor_closing_todo)
        HOME_PANELS.setdefault(Role.EXPERT, []).append(expert_reevaluation_todo)
