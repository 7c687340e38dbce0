"""Who may do what with a convention: django-rules predicates, named once, used by the services,
the views and the templates alike. Every predicate answers False for a missing object.

- view: the members of the editor's organisation (editor role) and the team that follows the
  dossier after its decision (administrators, instructors, the ministry) — provided the dossier
  itself is one they may open (the views look it up through `dossiers_visible_to`, so anything
  else answers 404);
- draw up and countersign: the administrators;
- accept (sign for the editor): a member of the dossier's organisation with the editor role, who
  certifies on the page that they represent it legally or hold a delegation.

The predicates of the dossier take the dossier; those of the convention take the convention.
They say who may act, not whether the convention's state allows it now: the services check the
state and say why not (`conventions.domain.services`).

The permission names avoid Django's own model permissions (`view_convention`…), which the admin
site asks for without an object: those stay with the groups (portal/accounts/permissions.py).
"""

import rules

from applications.rules import (
    is_admin,
    is_dossier_organisation_member,
    is_editor,
    is_instructor,
    is_ministry,
)


@rules.predicate
def is_convention_organisation_member(user, convention):
    """A member of the organisation that files the convention's dossier."""
    if convention is None:
        return False
    return is_dossier_organisation_member.test(user, convention.dossier)


is_team = is_admin | is_instructor | is_ministry

#: On a dossier: who may open its convention page, who may draw up its convention.
can_view_dossier_convention = (is_editor & is_dossier_organisation_member) | is_team
can_draw_up = is_admin

#: On a convention.
can_view = (is_editor & is_convention_organisation_member) | is_team
can_accept = is_editor & is_convention_organisation_member
can_countersign = is_admin

rules.add_perm("conventions.open_dossier_convention", can_view_dossier_convention)
rules.add_perm("conventions.draw_up_convention", can_draw_up)
rules.add_perm("conventions.open_convention", can_view)
rules.add_perm("conventions.accept_convention", can_accept)
rules.add_perm("conventions.countersign_convention", can_countersign)
