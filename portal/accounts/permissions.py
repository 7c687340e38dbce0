"""The role groups and the Django permissions the administrateur role carries in the admin.

Kept in step after every `migrate` (permissions are created by `post_migrate`), so a fresh
database, the demo and production all hold the same groups. An administrator also needs
`is_staff` to open the admin (`/gestion-technique/`), and passes the TOTP step like all staff.
"""

from django.apps import apps as global_apps

from .roles import Role

#: app label → model → actions, for the administrateur role: people and their roles, the
#: versions of the referential (read-only: they are loaded from YAML, never edited by hand).
ADMIN_PERMISSIONS = {
    "accounts": {
        "user": ("view", "add", "change"),
        "expertscope": ("view", "add", "change", "delete"),
    },
    "auth": {"group": ("view",)},
    "organisations": {"organisation": ("view",), "membership": ("view", "add", "change", "delete")},
    "applications": {
        "referentialversion": ("view",),
        "referentialdomain": ("view",),
        "referentialsection": ("view",),
        "requirement": ("view",),
    },
}


def admin_permission_codenames() -> list[tuple[str, str]]:
    return [
        (app_label, f"{action}_{model}")
        for app_label, models in ADMIN_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]


def role_groups_sync(sender=None, *, apps=global_apps, using="default", **kwargs):
    """Create the role groups and give the administrateur group its permissions (idempotent;
    run after each app's `post_migrate`, since each app's permissions appear with its own)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    wanted = admin_permission_codenames()
    permissions = [
        p
        for p in Permission.objects.using(using).select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    Group.objects.using(using).get(name=Role.ADMIN).permissions.add(*permissions)
