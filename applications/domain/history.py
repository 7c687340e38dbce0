"""The edits of a dossier that are not transitions: who changed which field, when, from what to
what (django-simple-history rows, compared with the previous row of the same object).

Two audiences. The editor's side — the service's description, the orientation, the answers — is
shown to the members of the dossier's organisation and to the team. The experts' and commission's
side — verdicts, assignments, votes — only to the team (instructors, ministry, administrators);
votes only once the vote is closed. Experts and commission members have their own pages.

Queries: three for the editor's side, three more for the team's, whatever the number of changes
(every history row of the dossier is read with its author and related names in one query per
model, and diffs are computed in memory).
"""

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from .. import rules as r
from ..enums import MesApi, Purpose, Region, Theme
from ..models import Answer, Dossier, Orientation, Service
from .revisions import ORIENTATION_FIELDS
from .service_description import DESCRIPTION_FIELDS

#: Choices of the list fields (JSON), so that values read as labels.
LIST_CHOICES = {"themes": Theme, "regions": Region, "mes_apis": MesApi, "purposes": Purpose}

#: The fields compared are those an editor writes (one list each, kept where they are used).
SERVICE_FIELDS = DESCRIPTION_FIELDS
ANSWER_FIELDS = ("status", "justification", "free_text")

#: The team's side, kept by other apps: builders `(*, dossier) -> list[Change]`, registered when
#: their app is ready (reviews/apps.py: verdicts, assignments, votes — reviews/domain/history.py).
TEAM_CHANGES: list = []

can_see_team_changes = r.is_instructor | r.is_ministry | r.is_admin
can_see_editor_changes = can_see_team_changes | r.dossier_editor


@dataclass(frozen=True)
class Change:
    at: datetime
    author: object  # the user, or None (the system, a script)
    subject: str
    field: str
    old: str
    new: str
    kind: str  # "+" created, "~" changed, "-" deleted
    team_only: bool

    @property
    def created(self) -> bool:
        return self.kind == "+"

    @property
    def deleted(self) -> bool:
        return self.kind == "-"


def display(record, name: str) -> str:
    """The value of field `name` of a history row, as a person reads it."""
    field = record._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        related = getattr(record, name)
        return str(related) if related is not None else ""
    value = getattr(record, field.attname)
    if value is None:
        return _("non renseigné")
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        choices = LIST_CHOICES.get(name)
        labels = dict(choices.choices) if choices else {}
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _empty(record, name: str) -> bool:
    return getattr(record, record._meta.get_field(name).attname) in ("", None, [])


def _differs(previous, record, name: str) -> bool:
    attname = record._meta.get_field(name).attname
    return getattr(previous, attname) != getattr(record, attname)


def history_changes(records, fields, subject, *, team_only) -> list[Change]:
    """Diff each history row against the previous row of the same object."""
    out = []
    for _pk, rows in groupby(records, key=lambda rec: rec.id):
        previous = None
        for record in rows:
            common = {
                "at": record.history_date,
                "author": record.history_user,
                "subject": subject(record),
                "team_only": team_only,
            }
            if record.history_type == "-":
                out.append(Change(field="", old="", new="", kind="-", **common))
            elif previous is None:
                out.extend(
                    Change(
                        field=str(record._meta.get_field(name).verbose_name),
                        old="",
                        new=display(record, name),
                        kind="+",
                        **common,
                    )
                    for name in fields
                    if not _empty(record, name)
                )
            else:
                out.extend(
                    Change(
                        field=str(record._meta.get_field(name).verbose_name),
                        old=display(previous, name),
                        new=display(record, name),
                        kind="~",
                        **common,
                    )
                    for name in fields
                    if _differs(previous, record, name)
                )
            previous = record
    return out


def history_ordered(queryset):
    return queryset.select_related("history_user").order_by("id", "history_date", "history_id")


def dossier_changes(*, dossier: Dossier, user) -> list[Change]:
    """The changes `user` may see on `dossier`, newest first (empty if none may be seen)."""
    if not can_see_editor_changes.test(user, dossier):
        return []
    changes = history_changes(
        history_ordered(Service.history.filter(id=dossier.service_id)),
        SERVICE_FIELDS,
        lambda rec: _("Description du service"),
        team_only=False,
    )
    changes += history_changes(
        history_ordered(Orientation.history.filter(service_id=dossier.service_id)),
        ORIENTATION_FIELDS,
        lambda rec: _("Questionnaire d'orientation"),
        team_only=False,
    )
    changes += history_changes(
        history_ordered(Answer.history.filter(dossier_id=dossier.pk).select_related("requirement")),
        ANSWER_FIELDS,
        lambda rec: _("Réponse à l'exigence %(code)s") % {"code": rec.requirement.code},
        team_only=False,
    )
    if can_see_team_changes.test(user):
        for team_changes in TEAM_CHANGES:
            changes += team_changes(dossier=dossier)
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
