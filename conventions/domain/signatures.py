"""The two signatures of a convention, each a PAdES signature added to the PDF incrementally
(`portal.signing.sign_pdf`), so that the first stays valid after the second:

1. `convention_accept`: a member of the editor's organisation certifies that they are its legal
   representative or hold a delegation (the statement they tick, stored word for word), and
   signs the document they read — the SHA-256 of the PDF they opened must be the current one;
2. `convention_countersign`: an administrator countersigns the document the editor signed; the
   convention is then signed by both parties, and the dossier records it
   (`applications.domain.dossiers.dossier_record_convention_signed`): `publish` needs it.

Each runs in one transaction with the convention's row locked. Before signing, the stored file
must still hash to what the row recorded (anything else is refused and logged: the storage was
altered). The signed file is written under a stable name (a retry after a failure overwrites
it), then recorded with its SHA-256; if recording fails, the file is removed."""

import logging

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.domain.dossiers import dossier_record_convention_signed
from applications.domain.exceptions import (
    TransitionConflict,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAvailable,
)
from applications.enums import DossierState
from portal.jobs import delete_file, store_file
from portal.notifications.messenger import notify
from portal.pdf import sha256_hex
from portal.signing import SigningNotConfigured, UnreadablePdf, sign_pdf, verify_pdf

from ..models import Convention
from ..rules import can_accept, can_countersign
from .exceptions import ConventionDocumentAltered, ConventionSigningUnavailable

logger = logging.getLogger(__name__)

EDITOR_FIELD = "Signature-editeur"
ADMINISTRATION_FIELD = "Signature-administration"


def document_changed() -> str:
    """The refusal when the document signed is not the one the signatory opened."""
    return _("Le document a changé depuis que vous l'avez ouvert : relisez-le avant de signer.")


def editor_statement(convention: Convention) -> str:
    """What the editor's signatory ticks, shown on the page and stored word for word."""
    return _(
        "Je certifie être le représentant légal de %(organisation)s (SIREN %(siren)s) ou "
        "disposer d'une délégation me permettant de l'engager, avoir lu la convention de "
        "référencement n° %(number)s et en accepter les termes au nom de %(organisation)s."
    ) % {
        "organisation": convention.organisation_name,
        "siren": convention.organisation_siren,
        "number": convention.number,
    }


def administration_statement(convention: Convention) -> str:
    """What the administration's countersignature states, stored with it."""
    return _(
        "Je contresigne, au nom de l'administration (%(administration)s) et par délégation, "
        "la convention de référencement n° %(number)s acceptée par %(organisation)s."
    ) % {
        "number": convention.number,
        "organisation": convention.organisation_name,
        "administration": convention.administration_name,
    }


def _locked(convention: Convention) -> Convention:
    locked = (
        Convention.objects.select_for_update(of=("self",))
        .select_related("dossier__service__organisation")
        .filter(pk=convention.pk)
        .first()
    )
    if locked is None:
        raise TransitionNotAvailable(_("Cette convention n'existe plus."))
    if locked.is_superseded:
        raise TransitionNotAvailable(
            _("Cette convention a été remplacée : signez la convention en vigueur du dossier.")
        )
    if locked.dossier.state != DossierState.REFERENCED:
        raise TransitionNotAvailable(
            _("La convention se signe sur un dossier « Référencé » ; ce dossier est « %(s)s ».")
            % {"s": DossierState(locked.dossier.state).label}
        )
    return locked


def _signatory(name: str, title: str) -> tuple[str, str]:
    name, title = " ".join((name or "").split()), " ".join((title or "").split())
    if not name:
        raise TransitionInvalid(_("Indiquez le nom et le prénom du signataire."))
    if not title:
        raise TransitionInvalid(_("Indiquez la qualité du signataire (sa fonction)."))
    return name, title


def stored_content(convention: Convention, field_file, expected_sha256: str) -> bytes:
    """The bytes of a stored document of `convention`, if they still hash to what was recorded;
    otherwise the refusal, logged (the file was changed or removed behind the portal's back)."""
    try:
        with field_file.storage.open(field_file.name, "rb") as stream:
            content = stream.read()
    except OSError:
        content = None
    if content is None or not expected_sha256 or sha256_hex(content) != expected_sha256:
        logger.error(
            "Convention %s : le fichier %s ne correspond plus à son empreinte enregistrée "
            "(%s) ; signature refusée.",
            convention.number,
            field_file.name,
            expected_sha256,
        )
        raise ConventionDocumentAltered(
            _(
                "Le document enregistré de la convention ne correspond plus à son empreinte : "
                "la signature est refusée. L'équipe technique en est avertie."
            )
        )
    return content


def _sign(convention: Convention, content: bytes, **kwargs) -> bytes:
    try:
        return sign_pdf(content, **kwargs)
    except SigningNotConfigured:
        logger.error(
            "Convention %s : la signature électronique n'est pas configurée.", convention.number
        )
        raise ConventionSigningUnavailable(
            _(
                "La signature électronique n'est pas disponible sur le portail pour le moment : "
                "réessayez plus tard ou contactez l'équipe technique."
            )
        ) from None


def _store(convention: Convention, field_name: str, filename: str, content: bytes) -> tuple:
    """Write a signed document under its stable name; (storage, name)."""
    field = convention._meta.get_field(field_name)
    storage: Storage = field.storage
    name = field.generate_filename(convention, filename)
    store_file(storage, name, content)
    return storage, name


def _record(convention: Convention, storage, name: str, update_fields: list[str], then) -> None:
    """Save the signature on the row and queue what follows; remove the file if that fails."""
    try:
        convention.save(update_fields=update_fields)
        then()
    except BaseException:
        delete_file(storage, name)
        raise


def convention_accept(
    *,
    convention: Convention,
    actor,
    signatory_name: str,
    signatory_title: str,
    statement_accepted: bool,
    seen_sha256: str,
) -> Convention:
    """The editor's legal representative (or delegate) accepts and signs the convention."""
    if not can_accept.test(actor, convention):
        raise TransitionForbidden(
            _("Seul un membre de l'organisation éditrice peut signer la convention.")
        )
    with transaction.atomic():
        locked = _locked(convention)
        if locked.is_accepted:
            raise TransitionNotAvailable(
                _("La convention a déjà été signée pour l'éditeur par %(name)s le %(at)s.")
                % {
                    "name": locked.editor_signatory_name,
                    "at": timezone.localtime(locked.editor_signed_at).strftime("%d/%m/%Y"),
                }
            )
        if not locked.pdf_ready:
            raise TransitionNotAvailable(
                _("Le document de la convention n'est pas encore prêt : réessayez dans un instant.")
            )
        name, title = _signatory(signatory_name, signatory_title)
        if not statement_accepted:
            raise TransitionInvalid(
                _("Cochez la déclaration : elle certifie que vous pouvez engager l'organisation.")
            )
        if (seen_sha256 or "").strip().lower() != locked.pdf_sha256:
            raise TransitionConflict(document_changed())
        content = stored_content(locked, locked.pdf, locked.pdf_sha256)
        organisation = locked.organisation_name
        signed = _sign(
            locked,
            content,
            field_name=EDITOR_FIELD,
            signer_name=f"{name}, {title}, {organisation}",
            reason=f"Acceptation de la convention {locked.number} par {name} ({title}) "
            f"pour {organisation}",
            contact=actor.email,
        )
        storage, file_name = _store(
            locked, "editor_signed_pdf", locked.editor_signed_filename, signed
        )
        locked.editor_signer = actor
        locked.editor_signatory_name = name
        locked.editor_signatory_title = title
        locked.editor_statement = editor_statement(locked)
        locked.editor_signed_at = timezone.now()
        locked.editor_seen_sha256 = locked.pdf_sha256
        locked.editor_signed_pdf = file_name
        locked.editor_signed_sha256 = sha256_hex(signed)
        locked._history_user = actor
        _record(
            locked,
            storage,
            file_name,
            [
                "editor_signer",
                "editor_signatory_name",
                "editor_signatory_title",
                "editor_statement",
                "editor_signed_at",
                "editor_seen_sha256",
                "editor_signed_pdf",
                "editor_signed_sha256",
            ],
            lambda: notify(
                "convention_accepted", dossier=locked.dossier, actor=actor, convention=locked
            ),
        )
    return locked


def _editor_signature_holds(convention: Convention, content: bytes) -> None:
    """The editor's signature of the document about to be countersigned is intact and valid."""
    try:
        reports = [r for r in verify_pdf(content) if r.field_name == EDITOR_FIELD]
    except UnreadablePdf:  # it holds no valid signature; the cause goes to the log
        logger.exception("Convention %s : document illisible à la vérification.", convention.number)
        reports = []
    if not reports or not all(r.intact and r.valid for r in reports):
        logger.error(
            "Convention %s : la signature de l'éditeur du fichier %s n'est pas valide ; "
            "contresignature refusée.",
            convention.number,
            convention.editor_signed_pdf.name,
        )
        raise ConventionDocumentAltered(
            _(
                "La signature de l'éditeur sur le document enregistré n'est pas valide : la "
                "contresignature est refusée. L'équipe technique en est avertie."
            )
        )


def convention_countersign(
    *, convention: Convention, actor, signatory_name: str, signatory_title: str, seen_sha256: str
) -> Convention:
    """An administrator countersigns the document the editor signed: the convention is signed
    by both parties, and the dossier may be published."""
    if not can_countersign.test(actor, convention):
        raise TransitionForbidden(_("Seul un administrateur peut contresigner la convention."))
    with transaction.atomic():
        locked = _locked(convention)
        if locked.is_signed:
            raise TransitionNotAvailable(
                _("La convention est déjà signée par les deux parties depuis le %(at)s.")
                % {"at": timezone.localtime(locked.signed_at).strftime("%d/%m/%Y")}
            )
        if not locked.is_accepted:
            raise TransitionNotAvailable(
                _("La convention doit d'abord être signée par le représentant de l'éditeur.")
            )
        name, title = _signatory(signatory_name, signatory_title)
        if (seen_sha256 or "").strip().lower() != locked.editor_signed_sha256:
            raise TransitionConflict(document_changed())
        content = stored_content(locked, locked.editor_signed_pdf, locked.editor_signed_sha256)
        _editor_signature_holds(locked, content)
        signed = _sign(
            locked,
            content,
            field_name=ADMINISTRATION_FIELD,
            signer_name=f"{name}, {title}, {locked.administration_name}",
            reason=f"Contresignature de la convention {locked.number} par {name} ({title}) "
            f"pour l'administration",
            contact=actor.email,
        )
        storage, file_name = _store(
            locked, "admin_signed_pdf", locked.admin_signed_filename, signed
        )
        now = timezone.now()
        locked.admin_signer = actor
        locked.admin_signatory_name = name
        locked.admin_signatory_title = title
        locked.admin_statement = administration_statement(locked)
        locked.admin_signed_at = now
        locked.admin_seen_sha256 = locked.editor_signed_sha256
        locked.admin_signed_pdf = file_name
        locked.admin_signed_sha256 = sha256_hex(signed)
        locked.signed_at = now
        locked._history_user = actor

        def then():
            dossier_record_convention_signed(locked.dossier, now)
            notify("convention_signed", dossier=locked.dossier, actor=actor, convention=locked)

        _record(
            locked,
            storage,
            file_name,
            [
                "admin_signer",
                "admin_signatory_name",
                "admin_signatory_title",
                "admin_statement",
                "admin_signed_at",
                "admin_seen_sha256",
                "admin_signed_pdf",
                "admin_signed_sha256",
                "signed_at",
            ],
            then,
        )
    return locked
