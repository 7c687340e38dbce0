from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "sandbox"
    label = "sandbox"
    verbose_name = _("Bac à sable de Mon espace santé")

    def ready(self):
        from applications.domain.dossier_page import SECTIONS

        from . import (
            checks,  # noqa: F401  (registers the deployment check of the OIDC key)
            guards,  # noqa: F401  (the test stages' conditions on transitions)
        )
        from .domain import stage_notifications  # noqa: F401  (the test stages' e-mail events)
        from .domain.pages import dossier_sandbox_section
        from .domain.stages import dossier_stages_section

        # The sandbox's block on the dossier page (templates/sandbox/_dossier_section.html).
        SECTIONS["sandbox"] = dossier_sandbox_section
        # The test stages and the report (templates/sandbox/stages/_dossier_section.html).
        SECTIONS["sandbox_stages"] = dossier_stages_section
