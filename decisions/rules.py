"""Who may do what on a decision: django-rules predicates, named once (applications/rules.py
says how transition permissions are named and resolved).

The ministry decides; who may read a decision (and download its PDF) is whoever may open its
dossier (`applications.domain.queries.dossiers_visible_to`)."""

import rules

from applications.rules import is_ministry, transition_permission

can_decide = is_ministry

rules.add_perm(transition_permission("decide"), can_decide)
