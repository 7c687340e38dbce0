"""django-oauth-toolkit's scopes backend (OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]): every
scope of the sandbox with its description (the SCOPES setting), and for one client only those
its dossier requested (`sandbox.rules.dossier_scopes`), also the default when a request names
none."""

from oauth2_provider.scopes import SettingsScopes

from ..rules import dossier_scopes


class DossierScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return super().get_available_scopes()
        return dossier_scopes(application.dossier)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return []
        return dossier_scopes(application.dossier)
