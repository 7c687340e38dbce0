"""`{% exchange_proofs listing %}`: the proofs of data exchange of a listed service, on its public
page (templates/catalogue/_exchange_proofs.html). One query, none for a service that exchanges no
data (catalogue/domain/exchange_proofs.py)."""

from django import template

from ..domain.exchange_proofs import proofs_by_api

register = template.Library()


@register.inclusion_tag("catalogue/_exchange_proofs.html")
def exchange_proofs(listing):
    return {"flows": proofs_by_api(listing.dossier_id, list(listing.card.data_exchange or []))}
