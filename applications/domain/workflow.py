"""What a person sees of each transition: its French label, the confirmation question, its place
among the actions, and its flags. Which service carries it out, and which form asks for its
arguments, is the dispatching view's business (applications/views/dossiers.py)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TransitionInfo:
    label: str
    confirm: str
    order: int
    comment_required: bool = False
    irreversible: bool = False
    danger: bool = False


TRANSITIONS: dict[str, TransitionInfo] = {
    "submit": TransitionInfo(
        _("Déposer le dossier"),
        _("Une fois déposé, le dossier ne peut plus être modifié sans demande de l'équipe."),
        10,
    ),
    "resubmit": TransitionInfo(
        _("Redéposer le dossier"),
        _("Le dossier complété sera de nouveau examiné."),
        11,
    ),
    "provide_complements": TransitionInfo(
        _("Transmettre les compléments"),
        _("Les experts reprendront l'évaluation avec vos compléments."),
        12,
    ),
    "declare_incomplete": TransitionInfo(
        _("Déclarer le dossier incomplet"),
        _("L'éditeur sera prévenu et devra compléter son dossier. Indiquez ce qui manque."),
        20,
        comment_required=True,
    ),
    "start_evaluation": TransitionInfo(
        _("Lancer l'évaluation"),
        _("Les experts affectés pourront évaluer le dossier."),
        21,
    ),
    "request_complements": TransitionInfo(
        _("Demander des compléments"),
        _("L'éditeur sera invité à compléter son dossier. Précisez votre demande."),
        22,
        comment_required=True,
    ),
    "complete_evaluation": TransitionInfo(
        _("Clore l'évaluation"),
        _("Le dossier sera prêt pour la commission."),
        23,
    ),
    "schedule": TransitionInfo(
        _("Inscrire en commission"),
        _("Le dossier sera examiné par la commission."),
        24,
    ),
    "lift_reservations": TransitionInfo(
        _("Lever les réserves"),
        _("Les réserves suspensives seront considérées comme levées."),
        25,
        comment_required=True,
    ),
    "record_opinion": TransitionInfo(
        _("Enregistrer l'avis de la commission"),
        _("L'avis sera transmis au ministère."),
        30,
        irreversible=True,
    ),
    "decide": TransitionInfo(
        _("Prendre la décision"),
        _("La décision du ministère est définitive."),
        40,
        irreversible=True,
    ),
    "publish": TransitionInfo(
        _("Publier au catalogue"),
        _("Le service apparaîtra dans le catalogue public."),
        50,
    ),
    "suspend": TransitionInfo(
        _("Suspendre"),
        _("Le service sera retiré du catalogue jusqu'à sa réintégration."),
        51,
        comment_required=True,
        danger=True,
    ),
    "reinstate": TransitionInfo(
        _("Réintégrer"),
        _("Le service réapparaîtra dans le catalogue."),
        52,
    ),
    "dereference": TransitionInfo(
        _("Déréférencer"),
        _("Le service perdra définitivement son référencement."),
        53,
        comment_required=True,
        irreversible=True,
        danger=True,
    ),
    "withdraw": TransitionInfo(
        _("Retirer le dossier"),
        _("Le dossier sera définitivement clos. Vous pourrez en déposer un nouveau."),
        90,
        irreversible=True,
        danger=True,
    ),
}
