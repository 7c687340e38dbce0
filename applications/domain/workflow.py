"""What a person sees of each transition: its French label, the confirmation question, what the
form asks for, and the service that carries it out."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import transitions as t


@dataclass(frozen=True)
class TransitionInfo:
    label: str
    confirm: str
    service: object
    order: int
    form: str = "comment"  # a key of applications.forms.transitions.FORMS
    comment_required: bool = False
    irreversible: bool = False
    danger: bool = False


TRANSITIONS: dict[str, TransitionInfo] = {
    "submit": TransitionInfo(
        _("Déposer le dossier"),
        _("Une fois déposé, le dossier ne peut plus être modifié sans demande de l'équipe."),
        t.dossier_submit,
        10,
    ),
    "resubmit": TransitionInfo(
        _("Redéposer le dossier"),
        _("Le dossier complété sera de nouveau examiné."),
        t.dossier_resubmit,
        11,
    ),
    "provide_complements": TransitionInfo(
        _("Transmettre les compléments"),
        _("Les experts reprendront l'évaluation avec vos compléments."),
        t.dossier_provide_complements,
        12,
    ),
    "declare_incomplete": TransitionInfo(
        _("Déclarer le dossier incomplet"),
        _("L'éditeur sera prévenu et devra compléter son dossier. Indiquez ce qui manque."),
        t.dossier_declare_incomplete,
        20,
        comment_required=True,
    ),
    "start_evaluation": TransitionInfo(
        _("Lancer l'évaluation"),
        _("Les experts affectés pourront évaluer le dossier."),
        t.dossier_start_evaluation,
        21,
    ),
    "request_complements": TransitionInfo(
        _("Demander des compléments"),
        _("L'éditeur sera invité à compléter son dossier. Précisez votre demande."),
        t.dossier_request_complements,
        22,
        comment_required=True,
    ),
    "complete_evaluation": TransitionInfo(
        _("Clore l'évaluation"),
        _("Le dossier sera prêt pour la commission."),
        t.dossier_complete_evaluation,
        23,
    ),
    "schedule": TransitionInfo(
        _("Inscrire en commission"),
        _("Le dossier sera examiné par la commission."),
        t.dossier_schedule,
        24,
        form="schedule",
    ),
    "lift_reservations": TransitionInfo(
        _("Lever les réserves"),
        _("Les réserves suspensives seront considérées comme levées."),
        t.dossier_lift_reservations,
        25,
        comment_required=True,
    ),
    "record_opinion": TransitionInfo(
        _("Enregistrer l'avis de la commission"),
        _("L'avis sera transmis au ministère."),
        t.dossier_record_opinion,
        30,
        form="opinion",
        irreversible=True,
    ),
    "decide": TransitionInfo(
        _("Prendre la décision"),
        _("La décision du ministère est définitive."),
        t.dossier_decide,
        40,
        form="decision",
        irreversible=True,
    ),
    "publish": TransitionInfo(
        _("Publier au catalogue"),
        _("Le service apparaîtra dans le catalogue public."),
        t.dossier_publish,
        50,
    ),
    "suspend": TransitionInfo(
        _("Suspendre"),
        _("Le service sera retiré du catalogue jusqu'à sa réintégration."),
        t.dossier_suspend,
        51,
        comment_required=True,
        danger=True,
    ),
    "reinstate": TransitionInfo(
        _("Réintégrer"),
        _("Le service réapparaîtra dans le catalogue."),
        t.dossier_reinstate,
        52,
    ),
    "dereference": TransitionInfo(
        _("Déréférencer"),
        _("Le service perdra définitivement son référencement."),
        t.dossier_dereference,
        53,
        comment_required=True,
        irreversible=True,
        danger=True,
    ),
    "withdraw": TransitionInfo(
        _("Retirer le dossier"),
        _("Le dossier sera définitivement clos. Vous pourrez en déposer un nouveau."),
        t.dossier_withdraw,
        90,
        irreversible=True,
        danger=True,
    ),
}
