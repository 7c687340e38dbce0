"""What applies to a dossier is read from its referential version's `applies_if` conditions only:
each shipped version, a new version that conditions its domains otherwise, the memo, the queries."""

from pathlib import Path

import pytest
from django.conf import settings

from applications.domain.applicability import (
    applicable_domains,
    applicable_requirements,
    with_applicability,
)
from applications.domain.dossiers import dossier_create
from applications.guards import has_expert_on_every_domain
from applications.models import Dossier
from applications.referential.loader import load_referential
from tests.factories import OrganisationFactory, editor
from tests.factories.dossiers import ServiceFactory, small_referential

pytestmark = pytest.mark.django_db

SHIPPED = Path(settings.BASE_DIR) / "referential"
BASE = ("doctrine", "ethics", "rgpd")
DATA_EXCHANGE = ("data_exchange_security", "data_exchange_rgpd")

#: A version published after the others whose domains apply on other facts than today's.
MEDICAL_DEVICES = """
version: "MD1"
title: "Référentiel de test — dispositifs médicaux"
published_on: 2030-01-01
domains:
  - code: rgpd
    title: "RGPD"
    sections:
      - code: RGPD-FIN
        title: "Finalités"
        requirements:
          - code: RGPD-FIN-01
            title: "Finalités déclarées"
            statement: "Les finalités du traitement sont déclarées."
            evidence: {required: false, kinds: [document], description: ""}
            mandatory: true
            blocking: false
  - code: data_exchange_security
    title: "Sécurité de l'échange de données"
    applies_if: "exchanges_data"
    sections:
      - code: DES-SEC
        title: "Sécurité"
        requirements:
          - code: DES-SEC-01
            title: "Politique de sécurité"
            statement: "Une politique de sécurité est tenue à jour."
            evidence: {required: false, kinds: [policy], description: ""}
            mandatory: true
            blocking: false
  - code: doctrine
    title: "Doctrine — dispositifs médicaux"
    applies_if: "is_medical_device"
    sections:
      - code: DOC-DM
        title: "Marquage"
        requirements:
          - code: DOC-DM-01
            title: "Marquage CE"
            statement: "Le dispositif porte le marquage CE."
            evidence: {required: false, kinds: [attestation], description: ""}
            mandatory: true
            blocking: false
"""


def _dossier(**service):
    organisation = OrganisationFactory()
    return dossier_create(
        actor=editor(organisation), service=ServiceFactory(organisation=organisation, **service)
    )


def _exchanging(**service):
    return _dossier(requests_data_exchange=True, mes_apis=["agenda"], **service)


def _load(*codes):
    for code in codes:
        load_referential(SHIPPED / f"{code}.yaml")


def test_small_referential_adds_the_data_exchange_domains_only_with_exchange():
    small_referential()
    assert applicable_domains(_dossier()) == BASE
    assert applicable_domains(_exchanging()) == BASE + DATA_EXCHANGE


def test_2023_adds_the_data_exchange_domains_only_with_exchange():
    _load("2022", "2023")
    plain, exchanging = _dossier(), _exchanging()
    assert plain.referential_version.code == exchanging.referential_version.code == "2023"
    assert applicable_domains(plain) == BASE
    assert applicable_domains(exchanging) == BASE + DATA_EXCHANGE
    assert {r.domain for r in applicable_requirements(exchanging)} == set(BASE + DATA_EXCHANGE)


def test_2022_has_no_data_exchange_domain_to_apply():
    """The 2022 version predates the data-exchange track: it has no such domain, so none applies
    (no expert to assign, no evaluation to sign on a domain with no requirement)."""
    _load("2022")
    exchanging = _exchanging()
    assert exchanging.referential_version.code == "2022"
    assert applicable_domains(_dossier()) == BASE
    assert applicable_domains(exchanging) == BASE


def test_a_new_version_changes_what_applies_with_no_code_change(tmp_path):
    small_referential()
    before = _exchanging(is_medical_device=True)
    path = tmp_path / "md1.yaml"
    path.write_text(MEDICAL_DEVICES)
    load_referential(path)

    plain, device = _exchanging(), _exchanging(is_medical_device=True)

    assert plain.referential_version.code == device.referential_version.code == "MD1"
    assert applicable_domains(plain) == ("rgpd", "data_exchange_security")
    assert applicable_domains(device) == ("rgpd", "data_exchange_security", "doctrine")
    assert [r.code for r in applicable_requirements(device)] == [
        "RGPD-FIN-01",
        "DES-SEC-01",
        "DOC-DM-01",
    ]
    assert applicable_domains(before) == BASE + DATA_EXCHANGE  # still pinned to its version
    reason = has_expert_on_every_domain.reason(device)
    assert "RGPD, Sécurité de l'échange de données, Doctrine" in reason
    assert "Éthique" not in reason


def test_the_answer_follows_the_facts_changed_in_memory():
    small_referential()
    dossier = _dossier()
    assert applicable_domains(dossier) == BASE
    dossier.service.requests_data_exchange = True
    assert applicable_domains(dossier) == BASE + DATA_EXCHANGE


@pytest.mark.parametrize("referential", ["small", "2023"])
def test_query_count_is_fixed_and_memoised(django_assert_num_queries, referential):
    small_referential() if referential == "small" else _load("2022", "2023")
    dossier = Dossier.objects.get(pk=_exchanging(orientation__uses_ai=True).pk)
    # the service, its orientation, the version, its domains; then the requirements
    with django_assert_num_queries(4):
        applicable_domains(dossier)
    with django_assert_num_queries(1):
        requirements = applicable_requirements(dossier)
    with django_assert_num_queries(0):
        applicable_domains(dossier)
        assert applicable_requirements(dossier) == requirements


@pytest.mark.parametrize("count", [1, 3])
def test_a_list_reads_what_applies_in_two_queries(django_assert_num_queries, count):
    small_referential()
    for _n in range(count):
        _exchanging()
    with django_assert_num_queries(2):
        dossiers = list(with_applicability(Dossier.objects.all()))
        assert [applicable_domains(d) for d in dossiers] == [BASE + DATA_EXCHANGE] * count
