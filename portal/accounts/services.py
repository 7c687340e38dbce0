"""Writes on a person's own account."""

from django.db import transaction

from .models import User


def user_names_update(*, user: User, first_name: str, last_name: str) -> User:
    """Change the names `user` is shown by (`User.display_name`)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.first_name, locked.last_name = first_name, last_name
        locked.save(update_fields=["first_name", "last_name"])
    user.first_name, user.last_name = first_name, last_name
    return user
