"""The sandbox's FHIR endpoints (/bac-a-sable/fhir/…), answering like Mon espace santé:

- `POST fhir/` — the health-measure feed, a `transaction` Bundle posted to the FHIR base;
- `POST fhir/DocumentReference` — a document published the simplified way;
- `POST fhir/Appointment` — an agenda appointment;
- `GET fhir/metadata` — a small CapabilityStatement of what the sandbox takes.

Called by the editor's service with a bearer access token, never a browser session: no CSRF
token, no session read or written. What is answered and recorded is decided by
sandbox/domain/fhir_api.py; these views only read the request and write the answer.
"""

import json

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from ..domain.fhir_api import FHIR_JSON, FhirAnswer, fhir_call, fhir_method_not_allowed
from ..domain.fhir_metadata import capability_statement


def _response(answer: FhirAnswer) -> HttpResponse:
    response = HttpResponse(
        json.dumps(answer.body, ensure_ascii=False),
        status=answer.status,
        content_type=f"{answer.media_type}; charset=utf-8",
    )
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _endpoint(api: str):
    @csrf_exempt
    @never_cache
    def view(request):
        authorization = request.headers.get("Authorization", "")
        if request.method != "POST":
            return _response(
                fhir_method_not_allowed(
                    method=request.method,
                    path=request.path,
                    allowed=("POST",),
                    authorization=authorization,
                    api=api,
                )
            )
        return _response(
            fhir_call(
                api=api,
                method=request.method,
                path=request.path,
                authorization=authorization,
                content_type=request.content_type or "",
                body=request.body,
            )
        )

    view.__name__ = f"fhir_{api}"
    view.__qualname__ = view.__name__
    return view


fhir_measures = _endpoint("measures")
fhir_document_reference = _endpoint("documents")
fhir_appointment = _endpoint("agenda")


@csrf_exempt
def fhir_metadata(request):
    """The CapabilityStatement, open to anyone (FHIR servers answer it without a token)."""
    if request.method not in ("GET", "HEAD"):
        return _response(
            fhir_method_not_allowed(
                method=request.method,
                path=request.path,
                allowed=("GET", "HEAD"),
                authorization=request.headers.get("Authorization", ""),
                api=None,
            )
        )
    body = capability_statement(
        base_url=request.build_absolute_uri(request.path.rsplit("metadata", 1)[0]),
        now_iso=timezone.now().isoformat(timespec="seconds"),
    )
    return _response(FhirAnswer(200, body, media_type=FHIR_JSON))
