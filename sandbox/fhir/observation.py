"""The Observation of a health-measure feed Bundle: its measure (profile, LOINC code, UCUM
unit, components, glucose type and extensions, from measures_table.py), the patient's
identifier, and its link to the Bundle's Device. Called by measures.py."""

from typing import Any

from django.utils.translation import gettext as _

from . import measures_table as table
from .access import as_dict, as_list, codings, profiles
from .outcome import Findings, IssueType, Wording, path

#: http://hl7.org/fhir/R4/valueset-observation-status.html
OBSERVATION_STATUSES = (
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
)


class ObservationCheck:
    """Checks the Observation at `Bundle.entry[index]`, adding its issues to `findings`;
    `measure` is the measure it was recognised as (by profile, else by code), if any."""

    def __init__(self, bundle: dict[str, Any], solution_oid: str | None, findings: Findings):
        self.bundle = bundle
        self.solution_oid = solution_oid
        self.fail = findings.fail
        self.measure: table.Measure | None = None

    def run(self, index: int, device_index: int | None) -> None:
        observation = self.bundle["entry"][index]["resource"]
        base = path("Bundle", "entry", index, "resource")
        measure = self.recognise(observation, base)
        if measure is not None and measure.creatable:
            variant = self.code(measure, observation, base)
            self.value(measure, variant, observation, base)
            if variant is not None:
                self.glucose_extensions(variant, observation, base)
        self.common(observation, base)
        self.device_link(observation, base, device_index)

    def recognise(self, observation: dict[str, Any], base: str) -> table.Measure | None:
        """The measure, by its declared profile (or, failing that, by its code, so that its
        other rules are still checked); BMI refused."""
        where = path(base, "meta", "profile")
        declared = profiles(observation)
        by_profile = next(
            (m for m in map(table.measure_of_profile, declared) if m is not None), None
        )
        by_code = next(
            (
                table.BY_CODE[coding.get("code")]
                for coding in codings(observation.get("code"))
                if isinstance(coding.get("code"), str) and coding["code"] in table.BY_CODE
            ),
            None,
        )
        if not declared:
            self.fail(
                "observation.profile",
                IssueType.INVALID,
                where,
                _("L'Observation doit déclarer son profil Mesures de santé dans meta.profile."),
                expected=Wording(_("un des profils Mesures de santé")),
                found=None,
            )
        elif by_profile is None:
            self.fail(
                "observation.profile",
                IssueType.INVALID,
                where,
                _("Le profil déclaré n'est pas un profil Mesures de santé (guide %(version)s).")
                % {"version": table.GUIDE_VERSION},
                expected=[m.profile for m in table.MEASURES if m.creatable],
                found=declared,
            )
        measure = by_profile or by_code
        self.measure = measure
        bmi_code = by_code is not None and not by_code.creatable
        if bmi_code or (measure is not None and not measure.creatable):
            self.fail(
                "observation.bmi",
                IssueType.NOT_SUPPORTED,
                path(base, "code") if bmi_code else where,
                _(
                    "Mon espace santé calcule l'indice de masse corporelle lui-même : une "
                    "Observation d'IMC (LOINC 39156-5) ne peut pas être créée."
                ),
                expected=Wording(_("une autre mesure que l'IMC")),
                found="39156-5",
            )
            return None
        return measure

    def code(self, measure: table.Measure, observation: dict[str, Any], base: str):
        """The code the measure's profile fixes; for glucose, the variant it names."""
        found = codings(observation.get("code"))
        accepted = {
            **{code: table.LOINC for code in measure.codes},
            **{variant.code: variant.systems for variant in measure.variants},
        }
        for position, coding in enumerate(found):
            if not isinstance(coding.get("code"), str) or coding["code"] not in accepted:
                continue
            if coding.get("system") not in accepted[coding["code"]]:
                self.fail(
                    "observation.code-system",
                    IssueType.CODE_INVALID,
                    path(base, "code", "coding", position, "system"),
                    _("Le système du code %(code)s est fixé par le profil.")
                    % {"code": coding["code"]},
                    expected=accepted[coding["code"]],
                    found=coding.get("system"),
                )
            return measure.variant(coding["code"])
        self.fail(
            "observation.code",
            IssueType.CODE_INVALID,
            path(base, "code", "coding", 0, "code") if found else path(base, "code"),
            _("Le code LOINC de la mesure « %(measure)s » est fixé par son profil.")
            % {"measure": measure.label},
            expected=list(accepted),
            found=[coding.get("code") for coding in found],
        )
        return None

    def value(self, measure, variant, observation: dict[str, Any], base: str) -> None:
        if measure.components:
            self.components(measure, observation, base)
            return
        units = variant.units if variant else measure.units
        if not units:  # glucose of an unknown type: the code's issue says enough
            units = tuple(dict.fromkeys(unit for v in measure.variants for unit in v.units))
        self.quantity(observation, base, units, measure.label)

    def quantity(self, holder: dict[str, Any], base: str, units, label) -> None:
        quantity = holder.get("valueQuantity")
        other = next(
            (key for key in holder if key.startswith("value") and key != "valueQuantity"), None
        )
        if not isinstance(quantity, dict) or quantity.get("value") is None:
            self.fail(
                "observation.value",
                IssueType.VALUE,
                path(base, "valueQuantity", "value")
                if isinstance(quantity, dict)
                else path(base, "valueQuantity"),
                _(
                    "Mon espace santé refuse une mesure sans valeur : valueQuantity.value est "
                    "obligatoire."
                ),
                expected=Wording(_("une quantité avec sa valeur")),
                found=other,
            )
            if not isinstance(quantity, dict):
                return
        if quantity.get("system") != table.UCUM:
            self.fail(
                "observation.unit-system",
                IssueType.VALUE,
                path(base, "valueQuantity", "system"),
                _("L'unité est exprimée en UCUM."),
                expected=table.UCUM,
                found=quantity.get("system"),
            )
        if quantity.get("code") not in units:
            self.fail(
                "observation.unit",
                IssueType.VALUE,
                path(base, "valueQuantity", "code"),
                _("L'unité UCUM de la mesure « %(measure)s » est fixée par son profil.")
                % {"measure": label},
                expected=units,
                found=quantity.get("code"),
            )

    def components(self, measure: table.Measure, observation: dict[str, Any], base: str) -> None:
        for key in observation:
            if key.startswith("value"):
                self.fail(
                    "observation.value-forbidden",
                    IssueType.INVALID,
                    path(base, key),
                    _("La mesure « %(measure)s » se transmet par ses composantes, sans value[x].")
                    % {"measure": measure.label},
                    expected="component",
                    found=key,
                )
        present = as_list(observation.get("component"))
        codes = [
            [coding.get("code") for coding in codings(as_dict(item).get("code"))]
            for item in present
        ]
        for component in measure.components:
            position = next((i for i, found in enumerate(codes) if component.code in found), None)
            if position is None:
                self.fail(
                    "observation.component",
                    IssueType.REQUIRED,
                    path(base, "component"),
                    _("La composante « %(component)s » (LOINC %(code)s) est obligatoire.")
                    % {"component": component.label, "code": component.code},
                    expected=component.code,
                    found=[code for found in codes for code in found],
                )
                continue
            self.quantity(
                present[position],
                path(base, "component", position),
                component.units,
                component.label,
            )

    def glucose_extensions(self, variant: table.Variant, observation: dict[str, Any], base: str):
        urls = [
            as_dict(extension).get("url") for extension in as_list(observation.get("extension"))
        ]
        for name, accepted, rule in (
            (_("le contexte de la mesure"), table.MOMENT_OF_MEASUREMENT, variant.moment),
            (_("le nombre de jours"), table.NUMBER_OF_DAYS, variant.number_of_days),
        ):
            position = next((i for i, url in enumerate(urls) if url in accepted), None)
            if rule == table.Extension.REQUIRED and position is None:
                self.fail(
                    "observation.glucose-extension",
                    IssueType.INCOMPLETE,
                    path(base, "extension"),
                    _("Pour une mesure de type « %(type)s », %(extension)s est obligatoire.")
                    % {"type": variant.label, "extension": name},
                    expected=accepted[0],
                    found=None,
                )
            elif rule == table.Extension.FORBIDDEN and position is not None:
                self.fail(
                    "observation.glucose-extension",
                    IssueType.INVALID,
                    path(base, "extension", position),
                    _(
                        "Pour une mesure de type « %(type)s », %(extension)s ne peut pas être "
                        "ajouté."
                    )
                    % {"type": variant.label, "extension": name},
                    expected=Wording(_("aucune extension %(url)s") % {"url": accepted[0]}),
                    found=urls[position],
                )

    def common(self, observation: dict[str, Any], base: str) -> None:
        """What every measure needs: status, date, vital-signs category, the patient's
        identifier, and a meta.source of the calling solution."""
        status = observation.get("status")
        if status not in OBSERVATION_STATUSES:
            self.fail(
                "observation.status",
                IssueType.REQUIRED if status is None else IssueType.CODE_INVALID,
                path(base, "status"),
                _(
                    "Le statut de l'Observation est obligatoire et pris dans le jeu de valeurs "
                    "FHIR R4."
                ),
                expected=OBSERVATION_STATUSES,
                found=status,
            )
        if not isinstance(observation.get("effectiveDateTime"), str):
            self.fail(
                "observation.effective",
                IssueType.REQUIRED,
                path(base, "effectiveDateTime"),
                _("La date et l'heure de la mesure (effectiveDateTime) sont obligatoires."),
                expected=Wording(_("une date et une heure")),
                found=next((key for key in observation if key.startswith("effective")), None),
            )
        categories = [
            (coding.get("system"), coding.get("code"))
            for concept in as_list(observation.get("category"))
            for coding in codings(concept)
        ]
        if (table.OBSERVATION_CATEGORY, table.VITAL_SIGNS) not in categories:
            self.fail(
                "observation.category",
                IssueType.REQUIRED,
                path(base, "category"),
                _("Une mesure de santé porte la catégorie « vital-signs » (signes vitaux)."),
                expected=f"{table.OBSERVATION_CATEGORY}|{table.VITAL_SIGNS}",
                found=[f"{system}|{code}" for system, code in categories],
            )
        subject = as_dict(observation.get("subject"))
        identifier = as_dict(subject.get("identifier"))
        if not (
            isinstance(identifier.get("system"), str)
            and isinstance(identifier.get("value"), str)
            and identifier["value"]
        ):
            self.fail(
                "observation.subject-identifier",
                IssueType.INVALID,
                path(base, "subject", "identifier"),
                _(
                    "Le patient est désigné par son identifiant (subject.identifier : OID et "
                    "identifiant du patient), pas seulement par une référence."
                ),
                expected=Wording(_("un identifiant avec system et value")),
                found=subject.get("reference"),
            )
        source = as_dict(observation.get("meta")).get("source")
        if self.solution_oid and source is not None:
            root = f"urn:oid:{self.solution_oid}"
            if not isinstance(source, str) or not (source == root or source.startswith(root + ".")):
                self.fail(
                    "observation.source",
                    IssueType.VALUE,
                    path(base, "meta", "source"),
                    _("meta.source est l'OID de la solution appelante ou l'un de ses sous-OID."),
                    expected=root,
                    found=source,
                )

    def device_link(self, observation: dict[str, Any], base: str, device_index: int | None):
        where = path(base, "device", "reference")
        reference = as_dict(observation.get("device")).get("reference")
        if device_index is None:
            if reference:
                self.fail(
                    "observation.device-link",
                    IssueType.INVALID,
                    where,
                    _("Le dispositif de la mesure doit figurer dans le Bundle."),
                    expected=Wording(_("une référence au Device du Bundle")),
                    found=reference,
                )
            return
        entry = self.bundle["entry"][device_index]
        targets = [
            target
            for target in (
                entry.get("fullUrl"),
                f"Device/{entry['resource']['id']}"
                if isinstance(entry["resource"].get("id"), str)
                else None,
            )
            if isinstance(target, str) and target
        ]
        if not reference:
            self.fail(
                "observation.device",
                IssueType.INVALID,
                where,
                _(
                    "Observation.device.reference est obligatoire quand le Bundle contient un "
                    "Device."
                ),
                expected=targets or Wording(_("une référence au Device du Bundle")),
                found=None,
            )
        elif reference not in targets:
            self.fail(
                "observation.device-link",
                IssueType.INVALID,
                where,
                _(
                    "L'Observation doit désigner le Device du Bundle, par son fullUrl ou par "
                    "Device/<id>."
                ),
                expected=targets or Wording(_("un Device avec un id ou un fullUrl")),
                found=reference,
            )
