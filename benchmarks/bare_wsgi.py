"""The WSGI entry of the real-server benchmark (`benchmarks.http`): the project's application, and
at `/__bare__` a bare Django view reached through a handler with no middleware at all.

Both live in the same gunicorn workers, so the bare view is measured by the same processes, on
the same machine, at the same moment as the pages: a page's requests per second divided by the
bare view's is a figure that noisy neighbours change much less than either alone.

    gunicorn benchmarks.bare_wsgi:application
"""

import os

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.wsgi import application as portal_application  # noqa: E402 (sets Django up)

BARE_PATH = "/__bare__"


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


#: The bare handler's own URLconf: this module.
urlpatterns = [path(BARE_PATH.lstrip("/"), bare)]


class BareHandler(WSGIHandler):
    """Django's WSGI handler (request signals, URL resolution, the view) without MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []

        def resolve_here(request):
            request.urlconf = __name__
            return self._get_response(request)

        self._middleware_chain = convert_exception_to_response(resolve_here)


bare_application = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == BARE_PATH:
        return bare_application(environ, start_response)
    return portal_application(environ, start_response)
