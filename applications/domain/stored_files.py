"""The files behind the dossiers' documents, stored once and never changed nor deleted: the
revisions frozen at each filing cite them. A new document may therefore point at a file an
earlier document stored (the same storage name) rather than write its content again.

- `content_sha256`: an upload's SHA-256, read by chunks;
- `document_store`: checked content into a dossier's library, each content once per dossier
  (the library's document for it; a new document on the stored file when the content was
  removed from the library earlier; else a new file), for `documents.py`'s uploads;
- `document_on_stored_file`: a new document of a dossier pointing at the file another document
  stored (nothing written again): a re-upload of removed content, and a renewal's copy of the
  renewed dossier's documents (`carry_over.py`).

Writes run inside the caller's transaction, with the dossier's row locked by the caller."""

import hashlib

from django.db import transaction
from django.db.models import F

from ..models import Document, Dossier


def content_sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


#: What describes a stored file, as a checked upload (`CheckedFile`) and a document both say it.
DESCRIPTION = ("name", "kind", "content_type", "size")


def _document(dossier: Dossier, facts, sha256: str, actor) -> Document:
    """An unsaved document of `dossier` described by `facts` (a checked upload or another
    document: its `DESCRIPTION`)."""
    described = {name: getattr(facts, name) for name in DESCRIPTION}
    return Document(dossier=dossier, sha256=sha256, uploaded_by=actor, **described)


def document_on_stored_file(
    *, dossier: Dossier, stored: Document, actor, described_by=None
) -> Document:
    """A new document of `dossier` on the file `stored` points at (its storage name: nothing is
    written again), saved. `described_by`: its name, kind, content type and size (a checked
    upload of that very content), `stored`'s by default."""
    document = _document(dossier, described_by or stored, stored.sha256, actor)
    document.file.name = stored.file.name
    document.save()
    return document


def document_store(
    *, dossier: Dossier, actor, uploaded, checked, digest: str
) -> tuple[Document, bool, bool]:
    """(document, reused, stored a new file) for checked content (`digest`: its SHA-256),
    inside the caller's transaction with the dossier locked."""
    same = list(
        Document.objects.filter(dossier=dossier, sha256=digest).order_by(
            F("removed_at").asc(nulls_first=True), "pk"
        )[:1]
    )
    if same and same[0].removed_at is None:
        return same[0], True, False
    if same:
        # Removed from the draft earlier: its stored file is this very content.
        document = document_on_stored_file(
            dossier=dossier, stored=same[0], actor=actor, described_by=checked
        )
        return document, False, False
    document = _document(dossier, checked, digest, actor)
    document.file.save(checked.name, uploaded, save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.delete(save=False)  # nothing half-written: no orphan file
        raise
    return document, False, True
