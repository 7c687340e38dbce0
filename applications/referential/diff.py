"""Differences between two referential versions: requirements added, removed and changed."""

from dataclasses import dataclass, field

from ..models import ReferentialVersion, Requirement


@dataclass
class Change:
    code: str
    old: Requirement
    new: Requirement
    fields: list[str]

    @property
    def field_labels(self) -> list[str]:
        return [str(Requirement._meta.get_field(name).verbose_name) for name in self.fields]


@dataclass
class VersionDiff:
    old: ReferentialVersion
    new: ReferentialVersion
    added: list[Requirement] = field(default_factory=list)
    removed: list[Requirement] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0


def referential_diff(old: ReferentialVersion, new: ReferentialVersion) -> VersionDiff:
    before = {r.code: r for r in Requirement.objects.filter(version=old)}
    after = {r.code: r for r in Requirement.objects.filter(version=new)}
    diff = VersionDiff(old, new)
    diff.added = [after[code] for code in after if code not in before]
    diff.removed = [before[code] for code in before if code not in after]
    for code in after.keys() & before.keys():
        changed = [
            name
            for name in Requirement.COMPARED_FIELDS
            if getattr(before[code], name) != getattr(after[code], name)
        ]
        if changed:
            diff.changed.append(Change(code, before[code], after[code], changed))
        else:
            diff.unchanged += 1
    diff.changed.sort(key=lambda c: c.new.position)
    return diff
