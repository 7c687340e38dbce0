"""Vocabulary of the référencement: the states of a dossier and the referential's domains."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Domain as _Domain


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    INCOMPLETE = "incomplete", _("Incomplet")
    UNDER_EVALUATION = "under_evaluation", _("En évaluation")
    COMPLEMENTS_REQUESTED = "complements_requested", _("Compléments demandés")
    EVALUATED = "evaluated", _("Évalué")
    IN_COMMISSION = "in_commission", _("En commission")
    OPINION_FAVORABLE = "opinion_favorable", _("Avis favorable")
    OPINION_RESERVED = "opinion_reserved", _("Avis favorable avec réserves suspensives")
    OPINION_UNFAVORABLE = "opinion_unfavorable", _("Avis défavorable")
    REFERENCED = "referenced", _("Référencé")
    REFUSED = "refused", _("Refusé")
    PUBLISHED = "published", _("Publié")
    SUSPENDED = "suspended", _("Suspendu")
    DEREFERENCED = "dereferenced", _("Déréférencé")
    WITHDRAWN = "withdrawn", _("Retiré")

    # State groups, named once (the sets are built below the class).
    @classmethod
    def editable(cls) -> frozenset["DossierState"]:
        """States in which the editor may change answers and evidence."""
        return _EDITABLE

    @classmethod
    def before_decision(cls) -> frozenset["DossierState"]:
        """Every state before the ministry's decision (an editor may withdraw from them)."""
        return _BEFORE_DECISION

    @classmethod
    def opinion_given(cls) -> frozenset["DossierState"]:
        """The commission has given its opinion; the ministry's decision is awaited."""
        return _OPINION_GIVEN

    @classmethod
    def seen_by_ministry(cls) -> frozenset["DossierState"]:
        """From the commission's opinion on."""
        return _OPINION_GIVEN | _DECIDED

    @classmethod
    def decided(cls) -> frozenset["DossierState"]:
        """The ministry has decided (and what followed)."""
        return _DECIDED

    @classmethod
    def closed(cls) -> frozenset["DossierState"]:
        """Final states: nothing moves the dossier on."""
        return _CLOSED

    @property
    def is_editable(self) -> bool:
        return self in _EDITABLE

    @property
    def tone(self) -> str:
        """How the state's badge reads: "success", "error", "warning" or "info"."""
        return _TONES.get(self, "info")


S = DossierState
_EDITABLE = frozenset({S.DRAFT, S.INCOMPLETE, S.COMPLEMENTS_REQUESTED})
_OPINION_GIVEN = frozenset({S.OPINION_FAVORABLE, S.OPINION_RESERVED, S.OPINION_UNFAVORABLE})
_BEFORE_DECISION = (
    frozenset(
        {
            S.DRAFT,
            S.SUBMITTED,
            S.INCOMPLETE,
            S.UNDER_EVALUATION,
            S.COMPLEMENTS_REQUESTED,
            S.EVALUATED,
            S.IN_COMMISSION,
        }
    )
    | _OPINION_GIVEN
)
_DECIDED = frozenset({S.REFERENCED, S.REFUSED, S.PUBLISHED, S.SUSPENDED, S.DEREFERENCED})
_CLOSED = frozenset({S.REFUSED, S.DEREFERENCED, S.WITHDRAWN})
_TONES = {
    **dict.fromkeys((S.REFERENCED, S.PUBLISHED, S.OPINION_FAVORABLE), "success"),
    **dict.fromkeys((S.REFUSED, S.DEREFERENCED, S.OPINION_UNFAVORABLE, S.WITHDRAWN), "error"),
    **dict.fromkeys(
        (S.INCOMPLETE, S.COMPLEMENTS_REQUESTED, S.OPINION_RESERVED, S.SUSPENDED), "warning"
    ),
}
del S


#: The commission's four opinions and the state each one leads to.
class Opinion(models.TextChoices):
    FAVORABLE = "favorable", _("Favorable")
    FAVORABLE_NON_SUSPENSIVE = (
        "favorable_non_suspensive",
        _("Favorable avec réserves non suspensives"),
    )
    FAVORABLE_SUSPENSIVE = "favorable_suspensive", _("Favorable avec réserves suspensives")
    UNFAVORABLE = "unfavorable", _("Défavorable")


OPINION_TARGET_STATE = {
    Opinion.FAVORABLE: DossierState.OPINION_FAVORABLE,
    Opinion.FAVORABLE_NON_SUSPENSIVE: DossierState.OPINION_FAVORABLE,
    Opinion.FAVORABLE_SUSPENSIVE: DossierState.OPINION_RESERVED,
    Opinion.UNFAVORABLE: DossierState.OPINION_UNFAVORABLE,
}


class DecisionOutcome(models.TextChoices):
    REFERENCED = "referenced", _("Référencé")
    REFUSED = "refused", _("Refusé")


#: The referential's domains: defined with the roles (an expert is scoped to domains).
Domain = _Domain


class TransitionName(models.TextChoices):
    """Each move of a dossier as the timeline tells it."""

    CREATE = "create", _("Création du dossier")
    SUBMIT = "submit", _("Dépôt du dossier")
    RESUBMIT = "resubmit", _("Nouveau dépôt du dossier complété")
    PROVIDE_COMPLEMENTS = "provide_complements", _("Compléments transmis")
    WITHDRAW = "withdraw", _("Retrait du dossier")
    DECLARE_INCOMPLETE = "declare_incomplete", _("Dossier déclaré incomplet")
    START_EVALUATION = "start_evaluation", _("Lancement de l'évaluation")
    REQUEST_COMPLEMENTS = "request_complements", _("Demande de compléments")
    COMPLETE_EVALUATION = "complete_evaluation", _("Évaluation close")
    SCHEDULE = "schedule", _("Inscription en commission")
    LIFT_RESERVATIONS = "lift_reservations", _("Levée des réserves")
    RECORD_OPINION = "record_opinion", _("Avis de la commission enregistré")
    DECIDE = "decide", _("Décision du ministère")
    PUBLISH = "publish", _("Publication au catalogue")
    SUSPEND = "suspend", _("Suspension")
    REINSTATE = "reinstate", _("Réintégration au catalogue")
    DEREFERENCE = "dereference", _("Déréférencement")


class Platform(models.TextChoices):
    WEB = "web", _("Site web")
    IOS = "ios", _("Application iOS")
    ANDROID = "android", _("Application Android")


class PriceModel(models.TextChoices):
    FREE = "free", _("Gratuit")
    FREEMIUM = "freemium", _("Gratuit avec options payantes")
    PAID = "paid", _("Payant")
    SUBSCRIPTION = "subscription", _("Sur abonnement")
    REIMBURSED = "reimbursed", _("Pris en charge par l'Assurance maladie")


class Theme(models.TextChoices):
    PREVENTION = "prevention", _("Prévention et dépistage")
    CHRONIC = "chronic", _("Maladies chroniques")
    MENTAL = "mental", _("Santé mentale")
    NUTRITION = "nutrition", _("Nutrition")
    ACTIVITY = "activity", _("Activité physique")
    PREGNANCY = "pregnancy", _("Grossesse et parentalité")
    VACCINATION = "vaccination", _("Vaccination")
    SLEEP = "sleep", _("Sommeil")
    ADDICTIONS = "addictions", _("Addictions")
    DISABILITY = "disability", _("Handicap et autonomie")
    ELDERLY = "elderly", _("Bien vieillir")
    CARE_COORDINATION = "care_coordination", _("Coordination des soins")
    TELEHEALTH = "telehealth", _("Télésanté")
    MEDICATION = "medication", _("Traitements et médicaments")


class Region(models.TextChoices):
    ALL = "FR", _("Toute la France")
    ARA = "ARA", _("Auvergne-Rhône-Alpes")
    BFC = "BFC", _("Bourgogne-Franche-Comté")
    BRE = "BRE", _("Bretagne")
    CVL = "CVL", _("Centre-Val de Loire")
    COR = "COR", _("Corse")
    GES = "GES", _("Grand Est")
    HDF = "HDF", _("Hauts-de-France")
    IDF = "IDF", _("Île-de-France")
    NOR = "NOR", _("Normandie")
    NAQ = "NAQ", _("Nouvelle-Aquitaine")
    OCC = "OCC", _("Occitanie")
    PDL = "PDL", _("Pays de la Loire")
    PAC = "PAC", _("Provence-Alpes-Côte d'Azur")
    GUA = "GUA", _("Guadeloupe")
    GUF = "GUF", _("Guyane")
    MTQ = "MTQ", _("Martinique")
    MAY = "MAY", _("Mayotte")
    LRE = "LRE", _("La Réunion")


class MedicalDeviceClass(models.TextChoices):
    I = "I", _("Classe I")  # noqa: E741
    IIA = "IIa", _("Classe IIa")
    IIB = "IIb", _("Classe IIb")
    III = "III", _("Classe III")


class MesApi(models.TextChoices):
    MEASURES = "measures", _("Mesures de santé")
    DOCUMENTS = "documents", _("Documents")
    AGENDA = "agenda", _("Agenda")


class Purpose(models.TextChoices):
    PREVENTION = "prevention", _("Prévention")
    DIAGNOSIS = "diagnosis", _("Diagnostic")
    CARE = "care", _("Soin")
    SOCIAL_FOLLOWUP = "social_followup", _("Suivi social ou médico-social")


class AnswerStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Conforme")
    NON_COMPLIANT = "non_compliant", _("Non conforme")
    NOT_APPLICABLE = "not_applicable", _("Non applicable")
