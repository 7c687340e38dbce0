"""The questionnaire page's requirement lines, written here rather than in a template.

A domain's page lists up to sixty requirements, each a `<details>` element whose summary gives
its code, title and state. Drawn by the template language, those lines cost about 0.3 ms each,
most of the page's time; joined here from escaped strings, a few tens of microseconds. All else
stays in the templates (`applications/questionnaire/domain.html`, and `_requirement_body.html`
for the requirement the page shows open).

    {% requirement_list section.items editable=page.editable url=requirement_url %}
    {% requirement_state block oob=True %}   {# the autosave's out-of-band update #}

While complements are requested, a requirement the request asks about shows its question on its
line (seen collapsed) and a « À compléter » badge; every other one is « Verrouillée » and its
link invites to see the answer, not to change it.

Every value from the database or a translation goes through `escape` (the standard library's,
which is what Django's calls); the markup around them is fixed.
"""

from functools import lru_cache
from html import escape
from urllib.parse import quote

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from ..enums import AnswerStatus

register = template.Library()

BODY_TEMPLATE = "applications/questionnaire/_requirement_body.html"


class _Labels:
    """The page's words, translated and escaped once per language rather than once per line."""

    def __init__(self, *, editable: bool):
        self.answer = escape(gettext("Réponse :"))
        self.statuses = {value: escape(str(label)) for value, label in AnswerStatus.choices}
        self.to_answer = escape(gettext("À répondre"))
        self.unanswered = escape(gettext("Sans réponse"))
        self.no_justification = escape(gettext("Justification manquante"))
        self.no_evidence = escape(gettext("Pièce justificative manquante"))
        self.mandatory = escape(gettext("Obligatoire"))
        self.optional = escape(gettext("Facultative"))
        self.blocking = escape(gettext("Bloquante"))
        self.asked = escape(gettext("À compléter"))
        self.locked = escape(gettext("Verrouillée"))
        self.question = escape(gettext("Question posée :"))
        self.link = (
            gettext("Répondre à l'exigence %(code)s")
            if editable
            else gettext("Voir la réponse à l'exigence %(code)s")
        )

    def files(self, n: int) -> str:
        return escape(ngettext("%(n)d pièce", "%(n)d pièces", n) % {"n": n})


@lru_cache(maxsize=16)
def _labels(language: str | None, editable: bool) -> _Labels:
    return _Labels(editable=editable)


def _badge(kind: str, text: str) -> str:
    return f'<span class="fr-badge fr-badge--sm fr-badge--no-icon{kind}">{text}</span>'


def _state(item, labels: _Labels, *, oob: bool = False) -> str:
    """Where the requirement's answer stands: answered or not, what it lacks, its files."""
    if item.status:
        kind = " fr-badge--success" if item.complete else " fr-badge--warning"
        text = labels.statuses.get(item.status, "")
        badges = [_badge(kind, f'<span class="fr-sr-only">{labels.answer} </span>{text}')]
    elif item.requirement.mandatory:
        badges = [_badge(" fr-badge--error", labels.to_answer)]
    else:
        badges = [_badge("", labels.unanswered)]
    if "justification" in item.gaps:
        badges.append(_badge(" fr-badge--warning", labels.no_justification))
    if "evidence" in item.gaps:
        badges.append(_badge(" fr-badge--warning", labels.no_evidence))
    if item.file_count:
        badges.append(_badge(" fr-badge--info", labels.files(item.file_count)))
    swap = ' hx-swap-oob="true"' if oob else ""
    code = escape(item.requirement.code)
    return (
        f'<span class="portal-requirement__state" id="bilan-{code}"{swap}>{"".join(badges)}</span>'
    )


@register.simple_tag
def requirement_state(item, oob=False) -> SafeString:
    """A requirement's state on its collapsed line, as the autosave swaps it (out of band).
    `item`: a RequirementItem or an AnswerBlock."""
    return mark_safe(_state(item, _labels(get_language(), False), oob=oob))  # noqa: S308 (escaped)


@register.simple_tag(takes_context=True)
def requirement_list(context, items, *, editable, url) -> SafeString:
    """One `<details>` per requirement, collapsed, but for the one with its form (`item.block`).

    A collapsed requirement holds only a link to `url` + its code + "/": the page's script loads
    the form from there when it is opened (htmx); without JavaScript the link leads to the page
    with that requirement open."""
    language = get_language()
    labels = _labels(language, bool(editable))
    read_only = _labels(language, False)
    url = escape(url)
    lines = []
    for item in items:
        requirement = item.requirement
        code = escape(requirement.code)
        flags = (
            '<span class="fr-badge fr-badge--sm">' + labels.mandatory + "</span>"
            if requirement.mandatory
            else _badge(" fr-badge--info", labels.optional)
        )
        if requirement.blocking:
            flags += _badge(" fr-badge--warning", labels.blocking)
        question = ""
        if item.question:
            flags += _badge(" fr-badge--new", labels.asked)
            # Full width under the title (fr-col-12: a whole line of the summary's flex row).
            question = (
                f'<span class="fr-col-12 fr-text--sm fr-mb-0" id="question-{code}">'
                f"<strong>{labels.question}</strong> {escape(item.question)}</span>"
            )
        elif item.locked:
            flags += _badge("", labels.locked)
        if item.block is not None:
            opened = " open"
            with context.push(block=item.block):
                body = get_template(BODY_TEMPLATE).template.render(context)
        else:
            opened = ""
            href = url + escape(quote(requirement.code)) + "/"
            link = read_only.link if item.locked else labels.link
            text = escape(link % {"code": requirement.code})
            body = (
                '<p class="fr-mb-0"><a class="fr-link portal-requirement__load" '
                f'href="{href}">{text}</a></p>'
            )
        lines.append(
            f'<details class="portal-requirement" id="exigence-{code}"{opened}>'
            f'<summary id="resume-{code}">'
            f'<h4 class="portal-requirement__title" id="titre-{code}">'
            f"{code} — {escape(requirement.title)}</h4>"
            f'<span class="portal-requirement__flags">{flags}{_state(item, labels)}</span>'
            f"{question}</summary>"
            f'<div class="portal-requirement__body" id="detail-{code}">{body}</div>'
            f"</details>\n"
        )
    return mark_safe("".join(lines))  # noqa: S308 (every value escaped above)
