"""Loading a referential version from its YAML file: validate everything first (reporting the
file, line and reason of each bad entry), then write it in one transaction."""

import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import ProtectedError

from ..enums import Domain
from ..models import (
    EvidenceKind,
    ReferentialDomain,
    ReferentialSection,
    ReferentialVersion,
    Requirement,
)
from .conditions import ConditionError, parse_condition


class ReferentialError(Exception):
    """The file cannot be loaded; `errors` lists « fichier, ligne N : raison » in French."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class _LineLoader(yaml.SafeLoader):
    """Remembers the line where each mapping starts, under the key `__line__`."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


@dataclass
class ParsedRequirement:
    code: str
    title: str
    statement: str
    guidance: str
    evidence_required: bool
    evidence_kinds: list[str]
    evidence_description: str
    mandatory: bool
    blocking: bool
    applies_if: str
    domain: str
    section_code: str


@dataclass
class ParsedVersion:
    code: str
    title: str
    published_on: datetime.date
    supersedes: str
    domains: list[dict] = field(default_factory=list)  # code, title, applies_if, sections
    requirements: list[ParsedRequirement] = field(default_factory=list)


class _Checker:
    def __init__(self, path: str):
        self.path = path
        self.errors: list[str] = []

    def error(self, entry, message: str):
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        self.errors.append(f"{self.path}, ligne {line} : {message}")

    def text(self, entry, key, *, required=True, max_length=None, where=""):
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(entry, f"champ « {key} » manquant{where}")
            return ""
        if not isinstance(value, str):
            self.error(entry, f"le champ « {key} » doit être un texte{where}")
            return ""
        if max_length and len(value) > max_length:
            self.error(entry, f"le champ « {key} » dépasse {max_length} caractères{where}")
        return value.strip()

    def boolean(self, entry, key, *, where=""):
        value = entry.get(key)
        if not isinstance(value, bool):
            self.error(entry, f"champ « {key} » manquant ou non booléen (true/false){where}")
            return False
        return value

    def listing(self, entry, key, *, where=""):
        value = entry.get(key)
        if not isinstance(value, list) or not value:
            self.error(entry, f"champ « {key} » manquant ou vide{where}")
            return []
        return value

    def condition(self, entry, *, where=""):
        value = entry.get("applies_if") or ""
        if not isinstance(value, str):
            self.error(entry, f"le champ « applies_if » doit être un texte{where}")
            return ""
        try:
            parse_condition(value)
        except ConditionError as exc:
            self.error(entry, f"{exc}{where}")
        return value.strip()


def parse_referential(path: str | Path, content: bytes) -> ParsedVersion:
    checker = _Checker(str(path))
    try:
        data = yaml.load(content, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise ReferentialError([f"{path}, ligne {line} : YAML invalide ({exc})"]) from None
    if not isinstance(data, dict):
        raise ReferentialError([f"{path}, ligne 1 : le fichier doit décrire une version"])
    version = ParsedVersion(
        code=str(data.get("version") or "").strip(),
        title=checker.text(data, "title", max_length=200),
        published_on=data.get("published_on"),
        supersedes=str(data.get("supersedes") or "").strip(),
    )
    if not version.code:
        checker.error(data, "champ « version » manquant")
    if not isinstance(version.published_on, datetime.date):
        checker.error(
            data, "champ « published_on » manquant ou qui n'est pas une date (AAAA-MM-JJ)"
        )
    seen_domains, seen_sections, seen_codes = set(), set(), {}
    for domain in checker.listing(data, "domains"):
        if not isinstance(domain, dict):
            checker.error(data, "chaque domaine doit être une table (code, title, sections)")
            continue
        code = checker.text(domain, "code")
        if code and code not in Domain.values:
            checker.error(
                domain, f"domaine inconnu « {code} » (domaines connus : {', '.join(Domain.values)})"
            )
        if code in seen_domains:
            checker.error(domain, f"domaine « {code} » en double")
        seen_domains.add(code)
        parsed_domain = {
            "code": code,
            "title": checker.text(domain, "title", max_length=200),
            "applies_if": checker.condition(domain),
            "sections": [],
        }
        version.domains.append(parsed_domain)
        for section in checker.listing(domain, "sections", where=f" (domaine {code})"):
            if not isinstance(section, dict):
                checker.error(
                    domain, "chaque section doit être une table (code, title, requirements)"
                )
                continue
            section_code = checker.text(section, "code", max_length=30)
            if section_code in seen_sections:
                checker.error(section, f"section « {section_code} » en double")
            seen_sections.add(section_code)
            parsed_domain["sections"].append(
                {"code": section_code, "title": checker.text(section, "title", max_length=200)}
            )
            for item in checker.listing(
                section, "requirements", where=f" (section {section_code})"
            ):
                requirement = _parse_requirement(checker, item, code, section_code, seen_codes)
                if requirement:
                    version.requirements.append(requirement)
    if checker.errors:
        raise ReferentialError(checker.errors)
    return version


def _parse_requirement(checker, item, domain_code, section_code, seen_codes):
    if not isinstance(item, dict):
        checker.errors.append(f"{checker.path} : exigence illisible dans la section {section_code}")
        return None
    code = checker.text(item, "code", max_length=30)
    where = f" (exigence {code})" if code else ""
    if code in seen_codes:
        checker.error(item, f"code « {code} » en double (déjà utilisé ligne {seen_codes[code]})")
    elif code:
        seen_codes[code] = item["__line__"]
    if code and not code.startswith(section_code + "-"):
        checker.error(item, f"le code « {code} » doit commencer par « {section_code}- »")
    evidence = item.get("evidence")
    if not isinstance(evidence, dict):
        checker.error(item, f"champ « evidence » manquant{where}")
        evidence = {"__line__": item.get("__line__")}
        kinds, evidence_required, description = [], False, ""
    else:
        evidence_required = checker.boolean(evidence, "required", where=where)
        kinds = checker.listing(evidence, "kinds", where=where)
        unknown = [k for k in kinds if k not in EvidenceKind.values]
        if unknown:
            checker.error(
                evidence,
                f"type de preuve inconnu « {', '.join(map(str, unknown))} »{where} "
                f"(types connus : {', '.join(EvidenceKind.values)})",
            )
        description = checker.text(evidence, "description", required=evidence_required, where=where)
    mandatory = checker.boolean(item, "mandatory", where=where)
    blocking = checker.boolean(item, "blocking", where=where)
    if blocking and not mandatory:
        checker.error(item, f"une exigence bloquante doit être obligatoire{where}")
    return ParsedRequirement(
        code=code,
        title=checker.text(item, "title", max_length=200, where=where),
        statement=checker.text(item, "statement", where=where),
        guidance=checker.text(item, "guidance", required=False, where=where),
        evidence_required=evidence_required,
        evidence_kinds=kinds,
        evidence_description=description,
        mandatory=mandatory,
        blocking=blocking,
        applies_if=checker.condition(item, where=where),
        domain=domain_code,
        section_code=section_code,
    )


@dataclass
class LoadResult:
    version: ReferentialVersion
    outcome: str  # "created", "updated" or "unchanged"
    requirements: int


def load_referential(path: str | Path) -> LoadResult:
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ReferentialError([f"{path} : fichier illisible ({exc.strerror})"]) from None
    parsed = parse_referential(path, content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        existing = ReferentialVersion.objects.select_for_update().filter(code=parsed.code).first()
        if existing and existing.source_sha256 == digest:
            return LoadResult(existing, "unchanged", existing.requirements.count())
        if existing and existing.is_pinned:
            raise ReferentialError(
                [
                    f"{path} : la version {parsed.code} est figée, des dossiers déposés y sont "
                    "rattachés ; elle ne peut plus être modifiée, seulement remplacée par une "
                    "nouvelle version."
                ]
            )
        supersedes = None
        if parsed.supersedes:
            supersedes = ReferentialVersion.objects.filter(code=parsed.supersedes).first()
            if supersedes is None:
                raise ReferentialError(
                    [f"{path} : la version remplacée « {parsed.supersedes} » n'est pas chargée"]
                )
        version, created = ReferentialVersion.objects.update_or_create(
            code=parsed.code,
            defaults={
                "title": parsed.title,
                "published_on": parsed.published_on,
                "supersedes": supersedes,
                "source_sha256": digest,
            },
        )
        _write_structure(version, parsed, path)
    return LoadResult(version, "created" if created else "updated", len(parsed.requirements))


def _write_structure(version, parsed, path):
    sections = {}
    kept_domains = []
    for d_position, domain in enumerate(parsed.domains, start=1):
        domain_row, _ = ReferentialDomain.objects.update_or_create(
            version=version,
            code=domain["code"],
            defaults={
                "title": domain["title"],
                "applies_if": domain["applies_if"],
                "position": d_position,
            },
        )
        kept_domains.append(domain_row.pk)
        for s_position, section in enumerate(domain["sections"], start=1):
            sections[section["code"]], _ = ReferentialSection.objects.update_or_create(
                domain=domain_row,
                code=section["code"],
                defaults={"title": section["title"], "position": s_position},
            )
    kept = []
    for position, item in enumerate(parsed.requirements, start=1):
        row, _ = Requirement.objects.update_or_create(
            version=version,
            code=item.code,
            defaults={
                "section": sections[item.section_code],
                "domain": item.domain,
                "title": item.title,
                "statement": item.statement,
                "guidance": item.guidance,
                "evidence_required": item.evidence_required,
                "evidence_kinds": item.evidence_kinds,
                "evidence_description": item.evidence_description,
                "mandatory": item.mandatory,
                "blocking": item.blocking,
                "applies_if": item.applies_if,
                "position": position,
            },
        )
        kept.append(row.pk)
    try:
        Requirement.objects.filter(version=version).exclude(pk__in=kept).delete()
        ReferentialSection.objects.filter(domain__version=version).exclude(
            pk__in=[s.pk for s in sections.values()]
        ).delete()
        ReferentialDomain.objects.filter(version=version).exclude(pk__in=kept_domains).delete()
    except ProtectedError:
        raise ReferentialError(
            [f"{path} : des brouillons de dossiers répondent à des exigences retirées du fichier"]
        ) from None
