"""PDF documents of archival quality (PDF/A-3b, fonts embedded), rendered from Django templates
with WeasyPrint. Used by the Celery tasks that produce reports and decisions.

WeasyPrint fetches whatever a document references (stylesheets, fonts, images, attachments) with
no restriction by default: one field rendered with `|safe`, or a `<base href>`, would then read
local files or reach internal URLs while a worker renders. `render_pdf` therefore gives it
`StaticOnlyURLFetcher`, which serves the project's own static files (the Marianne fonts of
`pdf_fonts()` among them, as file:// URLs) and `data:` URLs, and refuses anything else:
WeasyPrint logs the failure and renders without the resource. There is no base URL, so a
relative reference has nothing to resolve against.

Every PDF extends templates/pdf/base.html: the State's header (Marianne, "République française",
the ministry), A4 pages with their margins, "Page X sur Y" at the foot, a title block and the
shared print CSS. `render_pdf` gives it the fonts (`fonts` in the context), so callers don't.
"""

import hashlib
import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-3b"

logger = logging.getLogger(__name__)


class RefusedResource(ValueError):
    """A PDF referenced something other than the project's static files."""


@cache
def pdf_fonts() -> dict[str, str]:
    """file:// URLs of Marianne, the State's typeface, as shipped with django-dsfr (this portal
    and its documents are the State's). Missing files fall back on the system's DejaVu Sans;
    either way WeasyPrint embeds the fonts it uses."""
    fonts = {}
    for weight, name in (("regular", "Marianne-Regular"), ("bold", "Marianne-Bold")):
        path = finders.find(f"dsfr/dist/fonts/{name}.woff2")
        if path:
            fonts[weight] = Path(path).as_uri()
    return fonts


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of `template_name` (which extends pdf/base.html), the fonts added to `context`."""
    html = render_to_string(template_name, {"fonts": pdf_fonts(), **context})
    return render_pdf_from_string(html)


def render_pdf_from_string(html: str) -> bytes:
    from weasyprint import HTML  # heavy import: only where PDFs are made

    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def static_roots() -> tuple[Path, ...]:
    """The folders static files are served from: STATIC_ROOT and every finder's storage (the
    project's static/ folder, each application's static/ folder, django-dsfr's among them)."""
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    resolved = []
    for root in roots:
        try:
            resolved.append(root.resolve(strict=True))
        except OSError:
            continue  # e.g. STATIC_ROOT before collectstatic
    return tuple(dict.fromkeys(resolved))


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves file:// URLs of static files and data: URLs; refuses everything else, with a
        warning in the log (raising makes WeasyPrint skip the resource and go on)."""

        def __init__(self, roots):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self._roots = roots

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            path = self._static_path(url) if scheme == "file" else None
            if path is None:
                logger.warning("PDF : ressource refusée (hors fichiers statiques) : %.200s", url)
                raise RefusedResource(f"Only the project's static files may be used: {url!r}")
            content_type, _encoding = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                path.as_uri(),
                path.read_bytes(),
                {"Content-Type": content_type or "application/octet-stream"},
            )

        def _static_path(self, url):
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return None
            try:
                path = Path(url2pathname(parts.path)).resolve(strict=True)
            except (OSError, ValueError):
                return None
            if not path.is_file():
                return None
            if not any(path.is_relative_to(root) for root in self._roots):
                return None
            return path

    return StaticOnlyURLFetcher


def _fetcher():
    return _fetcher_class()(static_roots())
