"""Request bodies are capped before anything reads them.

Django spools an uploaded file to a temporary file whatever its size, and the 20 MB limit of
evidence files is only checked once it has all arrived. `RequestBodyLimitMiddleware` looks at
the declared `Content-Length` first: over `UPLOAD_MAX_REQUEST_BYTES` the request is answered
413 without its body being read (Django never reads past `Content-Length`, and a body without
one is read as empty). In production the reverse proxy refuses such bodies even earlier
(docker/nginx.conf, `client_max_body_size`), and a client that keeps sending after an early
answer may see the connection reset rather than the page: the proxy, which reads the whole
body before answering, shows its own French page then.

The middleware sits before CsrfViewMiddleware, whose `process_view` reads the form. A view may
name, with `@answers_request_too_large(handler)`, the function that answers in its place: the
upload view re-renders its questionnaire with the error next to the file field. That handler
gets the request without its body, and the view's own arguments.
"""

import logging

from django.conf import settings
from django.shortcuts import render

logger = logging.getLogger(__name__)

MEGABYTE = 1024 * 1024


def answers_request_too_large(handler):
    """Mark a view: `handler(request, *args, **kwargs)` answers an oversized request to it (it
    must check access itself, e.g. be wrapped in `login_required`, and answer 413)."""

    def decorator(view):
        view.request_too_large_handler = handler
        return view

    return decorator


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # what Django reads of such a body: nothing


def request_too_large(request) -> bool:
    return declared_length(request) > settings.UPLOAD_MAX_REQUEST_BYTES


def request_too_large_response(request):
    """The generic answer: a page, or its fragment for htmx, saying what happened."""
    template = (
        "portal/_request_too_large.html"
        if getattr(request, "htmx", False)
        else "portal/request_too_large.html"
    )
    context = {"max_megabytes": settings.UPLOAD_MAX_REQUEST_BYTES // MEGABYTE}
    return render(request, template, context, status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request_too_large(request):
            return None
        logger.warning(
            "Requête refusée (corps de %s octets, plus de %s) : %s %s",
            declared_length(request),
            settings.UPLOAD_MAX_REQUEST_BYTES,
            request.method,
            request.path,
        )
        handler = getattr(view_func, "request_too_large_handler", None)
        if handler is None:
            return request_too_large_response(request)
        return handler(request, *view_args, **view_kwargs)
