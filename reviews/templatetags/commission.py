"""`{% commission_panel dossier user as panel %}`: what the dossier page shows of the commission
(the opinion and its reservations, the editor's answers, a member's way to the agenda item)."""

from django import template

from ..domain.commission_pages import commission_panel as build_commission_panel

register = template.Library()


@register.simple_tag
def commission_panel(dossier, user):
    return build_commission_panel(dossier=dossier, user=user)
