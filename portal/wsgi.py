import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.public_cache import PublicCache  # noqa: E402  (needs the settings module set)

# The public pages that are the same for everyone are answered from memory (portal/public_cache.py).
application = PublicCache(get_wsgi_application())


def _warm_up() -> None:
    """settings.WSGI_WARM_UP, imported by name: the portal layer names no app above it. Run at
    import, so once per gunicorn worker (once in the master with --preload, inherited by the
    workers); tests and manage.py commands never import this module."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    for path in getattr(settings, "WSGI_WARM_UP", ()):
        import_string(path)()


_warm_up()
