"""The health measures Mon espace santé takes, as data: profile, LOINC code, UCUM unit.

Taken from the ANS guide « Mesures de santé » (ans.fhir.fr.mesures) **3.1.0** (published
2024-10-02): its profiles (`input/fsh/`), its examples, and the feed's rules and error table
(`Le-flux-d-alimentation-des-mesures`); the glucose types, their units and the extensions each
one requires come from the value sets JDV_J154-TypeGlucose-ENS (2025-07-23) and
JDV_J163-GlucoseUnits-ENS (2024-09-27) and from Mon espace santé's API description
(« Spécifications de l'API Mesures de santé » 1.5.2, « Cas particulier de la glycémie »).

To follow a new version of the guide: change the rows below and `GUIDE_VERSION`, then run
`bin/test tests/sandbox` (the official examples are fixtures there).

- `profile` is the canonical URL the guide publishes; `aliases` are other URLs of the same
  profile still met in the sources (the CI-SIS « Mes… » / « ENS_… » names of earlier versions,
  the URLs Mon espace santé's own API description lists). A `|version` suffix is ignored.
- `codes`: the LOINC codes (under `http://loinc.org` or the NOS alias of LOINC).
- `units`: UCUM codes (`valueQuantity.system` is always `http://unitsofmeasure.org`); the
  human-readable `valueQuantity.unit` is not checked (the guide's own examples write « Kg »,
  « Level », « battements/minute », or nothing).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

GUIDE = "ans.fhir.fr.mesures"
GUIDE_VERSION = "3.1.0"

CANONICAL = "https://interop.esante.gouv.fr/ig/fhir/mesures/StructureDefinition/"
CI_SIS = "http://esante.gouv.fr/ci-sis/fhir/StructureDefinition/"
MES = "https://fhir.monespacesante.fr/ref/mesure/StructureDefinition/"

LOINC = ("http://loinc.org", "https://mos.esante.gouv.fr/NOS/TRE_A04-Loinc/FHIR/TRE-A04-Loinc")
TERMINOLOGIE_CISIS = (
    "https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis",
    "https://mos.esante.gouv.fr/NOS/TRE_R308-TAASIP/FHIR/TRE-R308-TAASIP",
)
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
VITAL_SIGNS = "vital-signs"

#: The Device profile of the feed (HL7 Personal Health Device IG).
PHD_DEVICE = "http://hl7.org/fhir/uv/phd/StructureDefinition/PhdDevice"

MOMENT_OF_MEASUREMENT = (CANONICAL + "mesures-moment-of-measurement",)
NUMBER_OF_DAYS = (CANONICAL + "mesures-number-of-days",)


class Extension(StrEnum):
    """Whether a measure must, may or must not carry one of the glucose extensions."""

    REQUIRED = "required"
    FORBIDDEN = "forbidden"
    ALLOWED = "allowed"


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    code: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    """One kind of a measure that has several codes (the glucose types)."""

    code: str
    systems: tuple[str, ...]
    label: str
    units: tuple[str, ...]
    moment: Extension = Extension.ALLOWED
    number_of_days: Extension = Extension.ALLOWED


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    profile: str
    codes: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    #: Blood pressure: no value[x], one component per row.
    components: tuple[Component, ...] = ()
    #: Glucose: the code decides the unit and the extensions.
    variants: tuple[Variant, ...] = ()
    #: Mon espace santé computes the BMI itself and refuses to store one.
    creatable: bool = True

    @property
    def profiles(self) -> tuple[str, ...]:
        return (self.profile, *self.aliases)

    @property
    def all_codes(self) -> tuple[str, ...]:
        return self.codes + tuple(variant.code for variant in self.variants)

    def variant(self, code: str) -> Variant | None:
        return next((variant for variant in self.variants if variant.code == code), None)


MG_DL, PERCENT = "mg/dL", "%"

MEASURES: tuple[Measure, ...] = (
    Measure(
        "body_weight",
        _("Poids"),
        CANONICAL + "mesures-fr-observation-body-weight",
        codes=("29463-7",),
        units=("kg",),
        aliases=(
            CI_SIS + "MesFrObservationBodyWeight",
            CI_SIS + "ENS_FrObservationBodyWeight",
            MES + "mes-observation-bodyweight",
        ),
    ),
    Measure(
        "body_height",
        _("Taille"),
        CANONICAL + "mesures-fr-observation-bodyheight",
        codes=("8302-2",),
        units=("cm",),
        aliases=(MES + "mes-observation-bodyheight",),
    ),
    Measure(
        "blood_pressure",
        _("Pression artérielle"),
        CANONICAL + "mesures-fr-observation-bp",
        codes=("85354-9",),
        aliases=(
            CI_SIS + "MesFrObservationBp",
            CI_SIS + "ENS_FrObservationBp",
            MES + "mes-observation-bp",
        ),
        components=(
            Component("systolic", _("pression systolique"), "8480-6", ("mm[Hg]",)),
            Component("diastolic", _("pression diastolique"), "8462-4", ("mm[Hg]",)),
        ),
    ),
    Measure(
        "body_temperature",
        _("Température"),
        CANONICAL + "mesures-fr-observation-body-temperature",
        codes=("8310-5",),
        units=("Cel",),
        aliases=(MES + "mes-observation-bodytemperature",),
    ),
    Measure(
        "heart_rate",
        _("Fréquence cardiaque"),
        CANONICAL + "mesures-fr-observation-heartrate",
        codes=("8867-4",),
        units=("/min",),
        aliases=(MES + "mes-observation-heartrate",),
    ),
    Measure(
        "glucose",
        _("Glycémie"),
        CANONICAL + "mesures-observation-glucose",
        aliases=(MES + "mes-observation-glucose",),
        variants=(
            Variant(
                "2345-7",
                LOINC,
                _("glucose sanguin"),
                (MG_DL,),
                moment=Extension.REQUIRED,
                number_of_days=Extension.FORBIDDEN,
            ),
            Variant(
                "4548-4",
                LOINC,
                _("hémoglobine glyquée (HbA1c)"),
                (PERCENT,),
                moment=Extension.FORBIDDEN,
                number_of_days=Extension.FORBIDDEN,
            ),
            Variant(
                "99504-3",
                LOINC,
                _("glucose interstitiel"),
                (MG_DL,),
                moment=Extension.FORBIDDEN,
                number_of_days=Extension.REQUIRED,
            ),
            # The code of interstitial glucose before LOINC 99504-3 (JDV_J154 of 2021).
            Variant(
                "MED-969",
                TERMINOLOGIE_CISIS,
                _("glucose interstitiel"),
                (MG_DL,),
                moment=Extension.FORBIDDEN,
                number_of_days=Extension.REQUIRED,
            ),
            Variant(
                "MED-972",
                TERMINOLOGIE_CISIS,
                _("index de gestion de glycémie (IGG)"),
                (PERCENT,),
                moment=Extension.FORBIDDEN,
                number_of_days=Extension.REQUIRED,
            ),
        ),
    ),
    Measure(
        "pain_severity",
        _("Niveau de douleur"),
        CANONICAL + "mesures-observation-pain-severity",
        codes=("72514-3",),
        units=("1",),
        aliases=(CI_SIS + "ENS_ObservationPainSeverity", MES + "mes-observation-painseverity"),
    ),
    Measure(
        "steps_by_day",
        _("Nombre de pas par jour"),
        CANONICAL + "mesures-observation-steps-by-day",
        codes=("41950-7",),
        units=("1/(24.h)",),
        aliases=(CI_SIS + "ENS_ObservationStepsByDay", MES + "mes-observation-stepsbyday"),
    ),
    Measure(
        "waist_circumference",
        _("Tour de taille"),
        CANONICAL + "mesures-observation-waist-circumference",
        codes=("8280-0",),
        units=("cm",),
        aliases=(
            CI_SIS + "ENS_ObservationWaistCircumference",
            MES + "mes-observation-waistcircumference",
        ),
    ),
    Measure(
        "head_circumference",
        _("Périmètre crânien"),
        CANONICAL + "mesures-observation-head-circumference",
        codes=("8287-5",),
        units=("cm",),
        aliases=(MES + "mes-observation-headcircumference",),
    ),
    # In the 3.1.0 feed Bundle's list of profiles, not in Mon espace santé's API description
    # 1.5.2: taken as the guide says.
    Measure(
        "oxygen_saturation",
        _("Saturation en oxygène"),
        CANONICAL + "mesures-fr-observation-oxygen-sat",
        codes=("2708-6", "59408-5"),
        units=("%",),
    ),
    Measure(
        "bmi",
        _("Indice de masse corporelle"),
        CANONICAL + "mesures-fr-observation-bmi",
        codes=("39156-5",),
        units=("kg/m2",),
        aliases=(MES + "mes-observation-bmi",),
        creatable=False,
    ),
)

BY_KEY = {measure.key: measure for measure in MEASURES}
BY_PROFILE = {url: measure for measure in MEASURES for url in measure.profiles}
BY_CODE = {code: measure for measure in MEASURES for code in measure.all_codes}


def measure_of_profile(url: str) -> Measure | None:
    return BY_PROFILE.get(url.split("|", 1)[0])
