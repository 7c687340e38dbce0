"""PDF documents of archival quality (PDF/A-3b, fonts embedded), rendered from Django templates
with WeasyPrint. Used by the Celery tasks that produce reports and decisions."""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-3b"


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import: only where PDFs are made

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
