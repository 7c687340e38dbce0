from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self):
        from . import mfa  # noqa: F401  (connects the TOTP activation receiver)
        from .permissions import role_groups_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="accounts-role-groups-sync")
