"""The API's query parameters: the public catalogue's own (catalogue/domain/search.py).

The FilterSet declares them — so that invalid values are refused with a 400 and
drf-spectacular documents each with its allowed values — and delegates the filtering itself to
`listings_search`, the one implementation of the filters, the French full-text search and the
sort: the API and the catalogue page always return the same services in the same order."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from ..domain.search import (
    EXCHANGE_ANY,
    EXCHANGE_NONE,
    FILTERS,
    MAX_QUERY_LENGTH,
    Criteria,
    listings_search,
)
from ..enums import Sort
from ..models import Listing


def _help(text):
    return format_lazy(
        "{} {}",
        text,
        _(
            "Répétez le paramètre pour plusieurs valeurs (combinées par OU) ; des paramètres "
            "différents se combinent par ET."
        ),
    )


def _choices(name: str):
    choices = list(FILTERS[name][1].choices)
    if name == "echange":
        choices = [
            (EXCHANGE_ANY, _("au moins une API")),
            (EXCHANGE_NONE, _("aucun échange")),
            *choices,
        ]
    return choices


class ServiceFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        help_text=format_lazy(
            _(
                "Recherche plein texte en français (nom, éditeur, descriptions, thématiques, "
                "régions), sans tenir compte des accents ni de la casse ; les {n} premiers "
                "caractères sont pris en compte."
            ),
            n=MAX_QUERY_LENGTH,
        )
    )
    region = filters.MultipleChoiceFilter(
        choices=_choices("region"),
        help_text=_help(
            _(
                "Région où le service est proposé (un service proposé dans toute la France "
                "l'est dans chaque région)."
            )
        ),
    )
    theme = filters.MultipleChoiceFilter(
        choices=_choices("theme"), help_text=_help(_("Thématique."))
    )
    plateforme = filters.MultipleChoiceFilter(
        choices=_choices("plateforme"), help_text=_help(_("Plateforme."))
    )
    prix = filters.MultipleChoiceFilter(
        choices=_choices("prix"), help_text=_help(_("Modèle économique."))
    )
    echange = filters.MultipleChoiceFilter(
        choices=_choices("echange"),
        help_text=_help(
            _(
                "Données échangées avec Mon espace santé : « oui » (au moins une API), "
                "« non » (aucune), ou une API."
            )
        ),
    )
    tri = filters.ChoiceFilter(
        choices=Sort.choices,
        help_text=_(
            "Ordre des résultats : par pertinence quand `q` est donné, sinon par nom (défaut)."
        ),
    )

    class Meta:
        model = Listing
        fields: list[str] = []

    def filter_queryset(self, queryset):
        """Every parameter at once, by the catalogue's own search (validated values only)."""
        return listings_search(Criteria.from_query(self.data), queryset)
