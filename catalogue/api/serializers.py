"""The API's representation of a listed service (one schema for the list and the detail).

Field names are French, like the query parameters; every code comes with its French label
(`libelle`); every address is absolute (catalogue/api/links.py). Read-only: nothing here
validates input."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..domain.exchange_proofs import proofs_by_dossier
from ..domain.history import HistoryEntry, listing_history
from ..enums import (
    HISTORY_EVENT_KINDS,
    Accessibility,
    EventKind,
    MesApi,
    Platform,
    PriceModel,
    Region,
    Theme,
)
from ..models import ExchangeProof, Listing
from . import links


def labelled(values, choices) -> list[dict]:
    """[{"code", "libelle"}] for the known `values`, in their own order."""
    known = dict(choices.choices)
    return [{"code": v, "libelle": str(known[v])} for v in values if v in known]


def _code_serializer(name: str, choices, doc: str):
    """A {code, libelle} object whose code is documented with its allowed values."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "__doc__": doc,
            "code": serializers.ChoiceField(choices=choices.choices, help_text=_("Code stable.")),
            "libelle": serializers.CharField(help_text=_("Libellé en français.")),
        },
    )


ThemeSerializer = _code_serializer("ThematiqueCode", Theme, "Une thématique du service.")
RegionSerializer = _code_serializer("RegionCode", Region, "Une région où le service est proposé.")
PriceSerializer = _code_serializer("ModeleEconomiqueCode", PriceModel, "Le modèle économique.")
ExchangeSerializer = _code_serializer(
    "EchangeMesCode", MesApi, "Une API de Mon espace santé par laquelle le service échange."
)


class PlateformeLienSerializer(serializers.Serializer):
    """Une plateforme où utiliser le service, avec son lien (site, magasin d'applications)."""

    code = serializers.ChoiceField(choices=Platform.choices, help_text=_("Code stable."))
    libelle = serializers.CharField(help_text=_("Libellé en français."))
    url = serializers.URLField(help_text=_("Lien HTTPS vers le site ou la fiche du magasin."))


class AccessibiliteDeclareeSerializer(serializers.Serializer):
    """La conformité au RGAA déclarée par l'éditeur."""

    code = serializers.ChoiceField(choices=Accessibility.choices, help_text=_("Code stable."))
    libelle = serializers.CharField(help_text=_("Libellé en français."))
    declaration = serializers.URLField(
        allow_null=True, help_text=_("Lien vers la déclaration d'accessibilité, s'il y en a une.")
    )


class DecisionReferencementSerializer(serializers.Serializer):
    """La décision de référencement du ministère."""

    numero = serializers.CharField(help_text=_("Numéro de la décision."))
    date = serializers.DateField(help_text=_("Date de la décision."))
    pdf = serializers.URLField(
        allow_null=True,
        help_text=_("Lien public vers la décision signée (PDF), dès qu'elle est produite."),
    )


class ReferencementSerializer(serializers.Serializer):
    """Le référencement du service."""

    date = serializers.DateField(help_text=_("Date du référencement."))
    version_referentiel = serializers.CharField(
        help_text=_("Version du référentiel d'exigences selon laquelle le service a été évalué.")
    )
    decision = DecisionReferencementSerializer()
    renouvellement_avant = serializers.DateField(
        allow_null=True,
        help_text=_("Dernier jour du référencement : il doit être renouvelé d'ici là."),
    )


class EvenementHistoriqueSerializer(serializers.Serializer):
    """Un événement de l'historique public du service."""

    evenement = serializers.ChoiceField(
        choices=[(k, EventKind(k).label) for k in HISTORY_EVENT_KINDS],
        help_text=_("Code stable de l'événement."),
    )
    libelle = serializers.CharField(help_text=_("Libellé en français."))
    date = serializers.DateTimeField(help_text=_("Date de l'événement."))
    decision = serializers.CharField(
        allow_null=True,
        help_text=_("Numéro de la décision du ministère (référencement, renouvellement)."),
    )
    motif = serializers.CharField(
        allow_null=True, help_text=_("Motif public (suspension, déréférencement).")
    )


def history_data(entries: list[HistoryEntry]) -> list[dict]:
    return [
        {
            "evenement": entry.kind,
            "libelle": entry.label,
            "date": timezone.localtime(entry.occurred_at).isoformat(),
            "decision": entry.decision_number or None,
            "motif": entry.motive or None,
        }
        for entry in entries
    ]


class PreuveEchangeSerializer(serializers.Serializer):
    """Une étape de tests réussie par un flux d'échange de données, validée par l'équipe
    référencement à partir des résultats du bac à sable de Mon espace santé."""

    etape = serializers.ChoiceField(
        choices=ExchangeProof.Stage.choices, help_text=_("Code stable de l'étape.")
    )
    libelle = serializers.CharField(help_text=_("Libellé en français."))
    guide = serializers.CharField(help_text=_("Guide d'implémentation de l'API suivi."))
    version_guide = serializers.CharField(
        help_text=_("Version du guide sur laquelle l'étape a été réussie.")
    )
    reussi_le = serializers.DateTimeField(help_text=_("Date de validation de l'étape."))


class FluxEchangeSerializer(serializers.Serializer):
    """Un flux d'échange de données avec Mon espace santé et les étapes de tests réussies."""

    code = serializers.ChoiceField(choices=MesApi.choices, help_text=_("Code stable de l'API."))
    libelle = serializers.CharField(help_text=_("Libellé en français."))
    etapes = PreuveEchangeSerializer(many=True)


def exchange_data(listing: Listing, flows=None) -> list[dict]:
    if flows is None:
        flows = proofs_by_dossier([listing])[listing.dossier_id]
    return [
        {
            "code": flow.api,
            "libelle": flow.label,
            "etapes": [
                {
                    "etape": proof.stage,
                    "libelle": str(proof.get_stage_display()),
                    "guide": proof.guide,
                    "version_guide": proof.guide_version,
                    "reussi_le": timezone.localtime(proof.passed_at).isoformat(),
                }
                for proof in flow.proofs
            ],
        }
        for flow in flows
    ]


class ServiceListSerializer(serializers.ListSerializer):
    """A page of services: the proofs of data exchange of the whole page read in one query."""

    def to_representation(self, data):
        listings = list(data.all() if hasattr(data, "all") else data)
        self.child.context["exchange_proofs"] = proofs_by_dossier(listings)
        return super().to_representation(listings)


class ServiceSerializer(serializers.Serializer):
    """Un service numérique en santé référencé, tel que le catalogue le publie."""

    class Meta:
        list_serializer_class = ServiceListSerializer

    identifiant = serializers.CharField(
        source="slug", help_text=_("Identifiant stable du service (celui de son adresse).")
    )
    nom = serializers.CharField(source="card.name", help_text=_("Nom du service."))
    editeur = serializers.CharField(
        source="card.editor_public_name", help_text=_("Nom public de l'éditeur.")
    )
    description_courte = serializers.CharField(
        source="card.short_description", help_text=_("Description en 100 caractères au plus.")
    )
    description = serializers.CharField(
        source="card.long_description", help_text=_("Description détaillée (texte brut).")
    )
    url = serializers.SerializerMethodField(help_text=_("Page du service au catalogue."))
    url_api = serializers.SerializerMethodField(help_text=_("Cette ressource dans l'API."))
    logo = serializers.SerializerMethodField(
        help_text=_("Logo (PNG, JPEG ou WebP), s'il y en a un.")
    )
    thematiques = serializers.SerializerMethodField(help_text=_("Thématiques du service."))
    regions = serializers.SerializerMethodField(
        help_text=_("Régions où le service est proposé (FR : toute la France).")
    )
    plateformes = serializers.SerializerMethodField(
        help_text=_("Plateformes où utiliser le service, avec leurs liens.")
    )
    modele_economique = serializers.SerializerMethodField(help_text=_("Modèle économique."))
    accessibilite = serializers.SerializerMethodField(
        help_text=_("Conformité au RGAA déclarée par l'éditeur.")
    )
    echanges_mes = serializers.SerializerMethodField(
        help_text=_("API de Mon espace santé par lesquelles le service échange des données.")
    )
    echanges_de_donnees = serializers.SerializerMethodField(
        help_text=_(
            "Pour chaque flux d'échange de données, les étapes de tests réussies (unitaires, de "
            "bout en bout, de raccordement), sur quelle version du guide, et quand."
        )
    )
    referencement = serializers.SerializerMethodField(
        help_text=_("Le référencement : date, référentiel, décision, renouvellement.")
    )
    historique = serializers.SerializerMethodField(
        help_text=_(
            "L'historique public du service, du plus ancien au plus récent : référencement, "
            "renouvellements, suspensions, réintégrations."
        )
    )
    publie_le = serializers.DateTimeField(
        source="first_published_at", help_text=_("Première publication au catalogue.")
    )
    mis_a_jour_le = serializers.DateTimeField(
        source="updated_at", help_text=_("Dernière modification publique du service.")
    )

    @extend_schema_field(serializers.URLField())
    def get_url(self, listing: Listing) -> str:
        return links.service_page_url(listing)

    @extend_schema_field(serializers.URLField())
    def get_url_api(self, listing: Listing) -> str:
        return links.service_api_url(listing)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_logo(self, listing: Listing) -> str | None:
        return links.logo_url(listing.card)

    @extend_schema_field(ThemeSerializer(many=True))
    def get_thematiques(self, listing: Listing) -> list[dict]:
        return labelled(listing.card.themes, Theme)

    @extend_schema_field(RegionSerializer(many=True))
    def get_regions(self, listing: Listing) -> list[dict]:
        return labelled(listing.card.regions, Region)

    @extend_schema_field(PlateformeLienSerializer(many=True))
    def get_plateformes(self, listing: Listing) -> list[dict]:
        known = dict(Platform.choices)
        return [
            {"code": p["platform"], "libelle": str(known[p["platform"]]), "url": p["url"]}
            for p in listing.card.platforms
            if p.get("platform") in known
        ]

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_modele_economique(self, listing: Listing) -> dict | None:
        found = labelled([listing.card.price_model], PriceModel)
        return found[0] if found else None

    @extend_schema_field(AccessibiliteDeclareeSerializer())
    def get_accessibilite(self, listing: Listing) -> dict:
        card = listing.card
        return {
            "code": card.accessibility,
            "libelle": str(Accessibility(card.accessibility).label),
            "declaration": card.accessibility_url or None,
        }

    @extend_schema_field(ExchangeSerializer(many=True))
    def get_echanges_mes(self, listing: Listing) -> list[dict]:
        return labelled(listing.card.data_exchange, MesApi)

    @extend_schema_field(FluxEchangeSerializer(many=True))
    def get_echanges_de_donnees(self, listing: Listing) -> list[dict]:
        page = self.context.get("exchange_proofs")
        return exchange_data(listing, page.get(listing.dossier_id) if page else None)

    @extend_schema_field(ReferencementSerializer())
    def get_referencement(self, listing: Listing) -> dict:
        decision = listing.decision
        return {
            "date": listing.referenced_on.isoformat(),
            "version_referentiel": listing.referential_version,
            "decision": {
                "numero": decision.number,
                "date": _local_date(decision.decided_at),
                "pdf": links.decision_pdf_url(listing),
            },
            "renouvellement_avant": listing.renewal_due.isoformat()
            if listing.renewal_due
            else None,
        }

    @extend_schema_field(EvenementHistoriqueSerializer(many=True))
    def get_historique(self, listing: Listing) -> list[dict]:
        return history_data(listing_history(listing))


class ServiceDereferenceSerializer(serializers.Serializer):
    """Un service déréférencé : son adresse répond 410 avec quand et pourquoi."""

    detail = serializers.CharField(help_text=_("Explication en français."))
    identifiant = serializers.CharField(help_text=_("Identifiant du service."))
    nom = serializers.CharField(help_text=_("Nom du service."))
    editeur = serializers.CharField(help_text=_("Nom public de l'éditeur."))
    dereference_le = serializers.DateTimeField(help_text=_("Date du déréférencement."))
    motif = serializers.CharField(allow_null=True, help_text=_("Motif public."))
    decision = serializers.CharField(
        allow_null=True, help_text=_("Numéro de la décision qui avait référencé le service.")
    )
    historique = EvenementHistoriqueSerializer(many=True)


def _local_date(moment) -> str:
    return timezone.localdate(moment).isoformat()


class ErreurSerializer(serializers.Serializer):
    """Une erreur."""

    detail = serializers.CharField(help_text=_("Explication en français."))
