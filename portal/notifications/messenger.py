"""One message fan-out: `notify(event, …)` tells the people an event concerns, through the outbox.

An *event* is a name (`dossier_transition`, `decision_ready`, …) registered by the app that owns
it, with:

- a template pair, `templates/notifications/<event>_subject.txt` and `<event>_body.txt`;
- `recipients(*, dossier, actor, **context)`: the e-mail addresses to tell;
- optionally `context(*, dossier, actor, **context)`: more template variables;
- optionally `link(*, dossier, actor, **context)`: the path of the portal page the message points
  to, made absolute with `settings.PORTAL_BASE_URL` (never the request's Host header);
- `exclude_actor`: whether the person who acted is left out (nobody is told of their own act).

Every template also gets `site_name` (`settings.PORTAL_SITE_NAME`).

`portal` is the lowest layer and imports no other app: each app registers its events from a
module its `AppConfig.ready()` imports (`applications.domain.notifications`, …). A higher app may
add people to a lower app's event with `add_recipients` (the reviews app adds the cleared experts
and the commission members to `dossier_transition`), so no app reaches up for them.

`notify` renders the subject and the body once per event, in French, then writes one outbox row
per recipient in one transaction (the caller's, when there is one): a failure to render writes
nothing, and the outbox hands each row to Celery once that transaction commits
(`portal.notifications.services`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .services import outbox_enqueue_many

Recipients = Callable[..., Iterable[str]]


class UnknownEvent(LookupError):
    """`notify` was asked for an event no app registered."""


@dataclass(frozen=True)
class Event:
    name: str
    recipients: Recipients
    context: Callable[..., dict] | None = None
    link: Callable[..., str] | None = None
    exclude_actor: bool = False

    @property
    def subject_template(self) -> str:
        return f"notifications/{self.name}_subject.txt"

    @property
    def body_template(self) -> str:
        return f"notifications/{self.name}_body.txt"


#: The registered events, by name.
EVENTS: dict[str, Event] = {}
#: Recipients functions added to an event by apps above the one that owns it.
EXTRA_RECIPIENTS: dict[str, list[Recipients]] = {}


def register(
    event: str,
    *,
    recipients: Recipients,
    context: Callable[..., dict] | None = None,
    link: Callable[..., str] | None = None,
    exclude_actor: bool = False,
) -> Event:
    """Declare `event` (once, by the app that owns it)."""
    if event in EVENTS:
        raise ValueError(f"Notification event {event!r} is already registered.")
    EVENTS[event] = Event(event, recipients, context, link, exclude_actor)
    return EVENTS[event]


def add_recipients(event: str, recipients: Recipients) -> None:
    """Tell more people of `event` (from an app above the one that registers it)."""
    EXTRA_RECIPIENTS.setdefault(event, []).append(recipients)


def event_get(event: str) -> Event:
    try:
        return EVENTS[event]
    except KeyError:
        raise UnknownEvent(f"No notification event {event!r} is registered.") from None


def notification_recipients(event: str, *, dossier=None, actor=None, **context) -> set[str]:
    spec = event_get(event)
    found = [spec.recipients, *EXTRA_RECIPIENTS.get(event, [])]
    emails = set()
    for recipients in found:
        emails.update(recipients(dossier=dossier, actor=actor, **context))
    emails.discard("")
    if spec.exclude_actor and actor is not None:
        emails.discard(actor.email)
    return emails


def notification_render(event: str, *, dossier=None, actor=None, **context) -> tuple[str, str]:
    """(subject on one line, body) of `event`, in French and at the portal's time
    (`settings.TIME_ZONE`) whatever the caller's language and time zone."""
    spec = event_get(event)
    with translation.override("fr"), timezone.override(settings.TIME_ZONE):
        variables = {
            "site_name": settings.PORTAL_SITE_NAME,
            "dossier": dossier,
            "actor": actor,
            **context,
        }
        if spec.context is not None:
            variables.update(spec.context(dossier=dossier, actor=actor, **context))
        if spec.link is not None:
            variables["link"] = settings.PORTAL_BASE_URL.rstrip("/") + spec.link(
                dossier=dossier, actor=actor, **context
            )
        subject = render_to_string(spec.subject_template, variables)
        body = render_to_string(spec.body_template, variables)
    return " ".join(subject.split()), body


def notify(event: str, *, dossier=None, actor=None, **context) -> list:
    """Queue `event`'s e-mail for everyone it concerns; returns the outbox rows (one each)."""
    recipients = notification_recipients(event, dossier=dossier, actor=actor, **context)
    if not recipients:
        return []
    subject, body = notification_render(event, dossier=dossier, actor=actor, **context)
    with transaction.atomic():
        return outbox_enqueue_many(recipients=recipients, subject=subject, body=body)
