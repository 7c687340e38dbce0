"""Loading the referential: valid files, each kind of invalid entry, idempotence, immutability once
pinned, the version diff, and applicability conditions."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from applications.enums import DossierState
from applications.models import ReferentialVersion, Requirement
from applications.referential.conditions import ConditionError, condition_holds, parse_condition
from applications.referential.loader import ReferentialError, load_referential
from tests.factories import editor
from tests.factories.dossiers import SMALL_REFERENTIAL, dossier_in_state

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db

VALID = SMALL_REFERENTIAL.read_text()


def write(tmp_path, text, name="ref.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_small_referential_loads_with_its_structure():
    result = load_referential(SMALL_REFERENTIAL)
    assert result.outcome == "created"
    version = result.version
    assert version.code == "T1"
    assert version.requirements.count() == 7
    assert list(version.domains.values_list("code", flat=True)) == [
        "doctrine",
        "ethics",
        "rgpd",
        "data_exchange_security",
        "data_exchange_rgpd",
    ]
    hds = Requirement.objects.get(version=version, code="DOC-HDS-01")
    assert (hds.blocking, hds.mandatory, hds.applies_if) == (True, True, "stores_health_data")
    assert hds.section.title == "Hébergement"


def test_loading_the_same_version_twice_changes_nothing():
    first = load_referential(SMALL_REFERENTIAL)
    ids = sorted(Requirement.objects.values_list("pk", flat=True))
    second = load_referential(SMALL_REFERENTIAL)
    assert second.outcome == "unchanged"
    assert second.version.pk == first.version.pk
    assert sorted(Requirement.objects.values_list("pk", flat=True)) == ids


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("code: ETH-ACC-01", "code: DOC-HDS-02"), "code « DOC-HDS-02 » en double"),
        (
            ('applies_if: "uses_ai"', 'applies_if: "uses_blockchain"'),
            "variable inconnue « uses_blockchain »",
        ),
        (('applies_if: "uses_ai"', 'applies_if: "uses_ai ="'), "condition illisible"),
        (
            ('applies_if: "uses_ai"', 'applies_if: "uses_ai == 1"'),
            "ne peut combiner que des variables",
        ),
        (('    title: "Intelligence artificielle"\n', "\n"), "champ « title » manquant"),
        (
            ('statement: "Le registre des traitements est tenu."', 'statement: ""'),
            "champ « statement » manquant",
        ),
        (("kinds: [policy]", "kinds: [video]"), "type de preuve inconnu « video »"),
        (("  - code: ethics", "  - code: morale"), "domaine inconnu « morale »"),
        (
            (
                "mandatory: false\n            blocking: false",
                "mandatory: false\n            blocking: true",
            ),
            "doit être obligatoire",
        ),
        (
            (
                "            mandatory: true\n            blocking: false\n"
                '            applies_if: "uses_ai"',
                '            blocking: false\n            applies_if: "uses_ai"',
            ),
            "champ « mandatory » manquant",
        ),
        (('version: "T1"', 'version: ""'), "champ « version » manquant"),
        (("code: RGPD-FIN-01", "code: FIN-01"), "doit commencer par « RGPD-FIN- »"),
    ],
)
def test_invalid_entries_are_reported_with_file_line_and_reason(tmp_path, change, expected):
    old, new = change
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(ReferentialError) as excinfo:
        load_referential(path)
    message = "\n".join(excinfo.value.errors)
    assert expected in message
    assert f"{path}, ligne " in message
    assert not ReferentialVersion.objects.exists()  # nothing half-written


def test_duplicate_code_error_names_both_lines(tmp_path):
    path = write(tmp_path, VALID.replace("code: ETH-ACC-01", "code: DOC-HDS-02", 1))
    with pytest.raises(ReferentialError) as excinfo:
        load_referential(path)
    error = next(e for e in excinfo.value.errors if "en double" in e)
    assert "déjà utilisé ligne 19" in error


def test_broken_yaml_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, VALID.replace("  - code: rgpd", "  - code: [rgpd", 1))
    with pytest.raises(ReferentialError, match=r"ligne \d+ : YAML invalide"):
        load_referential(path)


def test_management_command_fails_with_the_reason(tmp_path):
    path = write(tmp_path, VALID.replace("code: ETH-ACC-01", "code: DOC-HDS-02", 1))
    with pytest.raises(CommandError, match="en double"):
        call_command("load_referential", str(path))


def test_unpinned_version_can_be_corrected(tmp_path):
    load_referential(SMALL_REFERENTIAL)
    path = write(tmp_path, VALID.replace("Hébergement certifié", "Hébergement certifié HDS"))
    assert load_referential(path).outcome == "updated"
    assert Requirement.objects.get(code="DOC-HDS-01").title == "Hébergement certifié HDS"


def test_pinned_version_cannot_be_altered(tmp_path):
    dossier, _cast = dossier_in_state(DossierState.SUBMITTED)
    assert dossier.referential_version.code == "T1"
    path = write(tmp_path, VALID.replace("Hébergement certifié", "Autre titre"))
    with pytest.raises(ReferentialError, match="figée"):
        load_referential(path)
    assert Requirement.objects.get(code="DOC-HDS-01").title == "Hébergement certifié"


def test_a_pinned_version_can_be_superseded(tmp_path):
    dossier_in_state(DossierState.SUBMITTED)
    text = VALID.replace('version: "T1"', 'version: "T2"\nsupersedes: "T1"').replace(
        "published_on: 2020-01-01", "published_on: 2025-01-01"
    )
    assert load_referential(write(tmp_path, text)).outcome == "created"
    assert ReferentialVersion.objects.get(code="T2").supersedes.code == "T1"


def test_shipped_referentials_load_and_2023_has_150_requirements():
    load_referential(ROOT / "referential" / "2022.yaml")
    result = load_referential(ROOT / "referential" / "2023.yaml")
    assert result.requirements >= 150
    version = result.version
    security = version.requirements.filter(domain="data_exchange_security")
    assert security.count() >= 15
    assert not security.filter(mandatory=False).exists()
    assert not security.filter(evidence_required=False).exists()
    assert version.domains.get(code="data_exchange_rgpd").applies_if == "exchanges_data"


def test_diff_page_lists_added_removed_and_changed(client, tmp_path):
    load_referential(SMALL_REFERENTIAL)
    text = (
        VALID.replace('version: "T1"', 'version: "T2"\nsupersedes: "T1"')
        .replace("published_on: 2020-01-01", "published_on: 2025-01-01")
        .replace(
            "Une déclaration d'accessibilité est publiée.",
            "Une déclaration RGAA à jour est publiée.",
        )
        .replace("code: RGPD-FIN-01", "code: RGPD-FIN-02")
    )
    load_referential(write(tmp_path, text))
    client.force_login(editor())
    response = client.get(reverse("referential-versions"), {"old": "T1", "new": "T2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 ajoutée, 1 retirée, 1 modifiée, 5 inchangées." in html
    assert "RGPD-FIN-02" in html and "RGPD-FIN-01" in html
    assert "<del>Une déclaration d&#x27;accessibilité est publiée.</del>" in html


def test_diff_of_a_version_with_itself_is_refused(client):
    load_referential(SMALL_REFERENTIAL)
    client.force_login(editor())
    response = client.get(reverse("referential-versions"), {"old": "T1", "new": "T1"})
    assert response.status_code == 400
    assert "deux versions différentes" in response.content.decode()


@pytest.mark.parametrize(
    ("condition", "variables", "expected"),
    [
        ("", {}, True),
        ("uses_ai", {"uses_ai": True}, True),
        ("uses_ai", {"uses_ai": False}, False),
        ("uses_ai and not is_medical_device", {"uses_ai": True, "is_medical_device": True}, False),
        (
            "(is_paid or has_mobile_app) and exchanges_data",
            {"is_paid": False, "has_mobile_app": True, "exchanges_data": True},
            True,
        ),
    ],
)
def test_conditions_evaluate_over_orientation_variables(condition, variables, expected):
    defaults = dict.fromkeys(
        ["uses_ai", "is_medical_device", "is_paid", "has_mobile_app", "exchanges_data"], False
    )
    assert condition_holds(condition, {**defaults, **variables}) is expected


def test_conditions_refuse_anything_but_boolean_logic():
    for text in ["__import__('os')", "uses_ai.real", "uses_ai + 1", "[uses_ai]"]:
        with pytest.raises(ConditionError):
            parse_condition(text)
