"""Vocabulary of the sandbox: the OAuth2 scopes it grants and what it records of each call."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import MesApi


class Scope(models.TextChoices):
    """The scopes a sandbox token may carry: `openid` (the holder's identifier, OpenID Connect)
    and one per business API of Mon espace santé. Their descriptions for the consent page are
    the OAUTH2_PROVIDER["SCOPES"] setting's."""

    OPENID = "openid", _("Identifiant du profil (OpenID Connect)")
    MEASURES = "mesures", _("Mesures de santé")
    DOCUMENTS = "documents", _("Documents de santé")
    AGENDA = "agenda", _("Agenda")


#: The scope that opens each API a service may request (`Service.mes_apis`).
API_SCOPES = {
    MesApi.MEASURES: Scope.MEASURES,
    MesApi.DOCUMENTS: Scope.DOCUMENTS,
    MesApi.AGENDA: Scope.AGENDA,
}


class CallKind(models.TextChoices):
    """What a recorded call was: an OAuth2 endpoint, a holder's action, the editor's
    configuration of the client, or (later) a call to the sandbox's FHIR APIs."""

    AUTHORIZE = "authorize", _("Demande d’autorisation")
    TOKEN = "token", _("Échange du code contre des jetons")
    REFRESH = "refresh", _("Renouvellement des jetons")
    REVOKE = "revoke", _("Révocation d’un jeton")
    INTROSPECT = "introspect", _("Introspection d’un jeton")
    USERINFO = "userinfo", _("Lecture de l’identité (userinfo)")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Retrait du consentement")
    CLIENT_CREATED = "client_created", _("Création du client")
    SECRET_ROTATED = "secret_rotated", _("Nouveau secret")
    REDIRECT_URIS_CHANGED = "redirect_uris_changed", _("Adresses de retour modifiées")
    FHIR = "fhir", _("Appel d’une API FHIR")


class CallOutcome(models.TextChoices):
    SUCCESS = "success", _("Réussi")
    WARNING = "warning", _("Réussi avec avertissements")
    REFUSED = "refused", _("Refusé")

    @property
    def tone(self) -> str:
        """How the outcome's badge reads (DSFR badge modifiers)."""
        return {"success": "success", "warning": "warning", "refused": "error"}[self.value]


class StageKind(models.TextChoices):
    """The three technical test stages of a data-exchange dossier, in the order they come."""

    UNIT = "unit", _("Tests unitaires")
    END_TO_END = "end_to_end", _("Tests de bout en bout")
    CONNECTION = "connection", _("Tests de raccordement")

    @property
    def before(self) -> str:
        """What the stage must be passed before (the transition it guards), said in French."""
        return {
            "unit": _("avant le dépôt du dossier"),
            "end_to_end": _("avant le passage en commission"),
            "connection": _("avant la publication au catalogue"),
        }[self.value]


class StageStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    PASSED = "passed", _("Réussi")
    FAILED = "failed", _("Échoué")

    @property
    def tone(self) -> str:
        """The DSFR badge modifier of the status."""
        return {
            "todo": "new",
            "in_progress": "info",
            "passed": "success",
            "failed": "error",
        }[self.value]


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Rapport en cours de génération")
    READY = "ready", _("Rapport disponible")
    FAILED = "failed", _("Échec de la génération du rapport")
