"""Who may do what with a catalogue card: django-rules predicates, named once, used by the card
services (catalogue/domain/cards.py), the views and the templates alike. Every predicate answers
False for a missing object.

The editor of a card is an editor member of the service's organisation; the administration
(role `admin`) reviews. A card is seen by its editors and by the administration; anyone else gets
a 404, never another organisation's card."""

import rules

from applications.rules import user_organisation_ids
from portal.accounts.rules import is_admin, is_editor

from .enums import EDITABLE_CARD_STATES, CardState


@rules.predicate
def is_service_organisation_member(user, service):
    if service is None or not user.is_authenticated:
        return False
    return service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_card_organisation_member(user, card):
    if card is None or not user.is_authenticated:
        return False
    return card.service.organisation_id in user_organisation_ids(user)


@rules.predicate
def is_card_editable(user, card):
    return card is not None and card.state in EDITABLE_CARD_STATES


@rules.predicate
def is_card_in_review(user, card):
    return card is not None and card.state == CardState.IN_REVIEW


#: The service's editors (object: the service).
service_card_editor = is_editor & is_service_organisation_member
#: The card's editors (object: the card).
card_editor = is_editor & is_card_organisation_member

can_open_card = service_card_editor
can_view_service_cards = service_card_editor | is_admin
can_view_card = card_editor | is_admin
can_update_card = card_editor & is_card_editable
can_submit_card = card_editor & is_card_editable
can_review_card = is_admin & is_card_in_review
can_see_review_queue = is_admin

for _name, _predicate in {
    "open_card": can_open_card,
    "read_service_cards": can_view_service_cards,
    "read_card": can_view_card,
    "update_card": can_update_card,
    "submit_card": can_submit_card,
    "review_card": can_review_card,
    "see_card_review_queue": can_see_review_queue,
}.items():
    # Not Django's model permission names (`view_card`…), which the admin reads.
    rules.add_perm(f"catalogue.{_name}", _predicate)
