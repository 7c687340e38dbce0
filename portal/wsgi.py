import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.public_cache import PublicCache  # noqa: E402  (needs the settings module set)

# The public pages that are the same for everyone are answered from memory (portal/public_cache.py).
application = PublicCache(get_wsgi_application())
