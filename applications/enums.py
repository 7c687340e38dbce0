"""Vocabulary of the référencement: the states of a dossier and the referential's domains."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


#: States an editor may withdraw from: every state before the ministry's decision.
BEFORE_DECISION = (
    DossierState.DRAFT,
    DossierState.SUBMITTED,
    DossierState.INCOMPLETE,
    DossierState.UNDER_EVALUATION,
    DossierState.COMPLEMENTS_REQUESTED,
    DossierState.EVALUATED,
    DossierState.IN_COMMISSION,
    DossierState.OPINION_FAVORABLE,
    DossierState.OPINION_RESERVED,
    DossierState.OPINION_UNFAVORABLE,
)


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


class Domain(models.TextChoices):
    DOCTRINE = "doctrine", _("Doctrine du numérique en santé")
    ETHICS = "ethics", _("Éthique")
    RGPD = "rgpd", _("RGPD")
    DATA_EXCHANGE_SECURITY = "data_exchange_security", _("Sécurité de l'échange de données")
    DATA_EXCHANGE_RGPD = "data_exchange_rgpd", _("RGPD de l'échange de données")


#: Domains that apply to every dossier; the data-exchange ones only when exchange is requested.
BASE_DOMAINS = (Domain.DOCTRINE, Domain.ETHICS, Domain.RGPD)
DATA_EXCHANGE_DOMAINS = (Domain.DATA_EXCHANGE_SECURITY, Domain.DATA_EXCHANGE_RGPD)


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
