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
link invites to see the answer, not to change it. The same while a declared change waits for the
editor's update on a published dossier: a requirement it touches shows « À mettre à jour » and the
change on its line, every other one is « Verrouillée ».

In a renewal, an answer copied from the renewed dossier and not yet confirmed carries its mark
(« Reprise de la version précédente — à confirmer » or « Exigence modifiée — vérifiez votre
réponse ») in its state: the page passes the marks it has read already
(`marks=page.renewal.marks`, the renewal's pending answers: no query more); the autosave and the
confirmation swap the state in again, the mark gone once the answer is edited or confirmed.

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
from ..models.questionnaire import CarriedOver

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
        self.to_update = escape(gettext("À mettre à jour"))
        self.update = escape(gettext("À mettre à jour :"))
        self.carried_over = {value: escape(str(label)) for value, label in CarriedOver.choices}
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


#: A renewal's mark, by `CarriedOver` value: a changed requirement asks more of the editor.
_CARRIED_OVER_KINDS = {
    CarriedOver.UNCHANGED: " fr-badge--info",
    CarriedOver.CHANGED: " fr-badge--warning",
}


def _state(item, labels: _Labels, *, oob: bool = False, mark: str = "") -> str:
    """Where the requirement's answer stands: answered or not, what it lacks, its files, and
    `mark` (a `CarriedOver` value, "" for none): copied by a renewal, to confirm."""
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
    if mark in labels.carried_over:
        badges.append(_badge(_CARRIED_OVER_KINDS[mark], labels.carried_over[mark]))
    swap = ' hx-swap-oob="true"' if oob else ""
    code = escape(item.requirement.code)
    return (
        f'<span class="portal-requirement__state" id="bilan-{code}"{swap}>{"".join(badges)}</span>'
    )


@register.simple_tag
def requirement_state(item, oob=False) -> SafeString:
    """A requirement's state on its collapsed line, as the autosave and the confirmation of a
    copied answer swap it (out of band). `item`: an AnswerBlock (its answer's renewal mark, if
    any, is shown) or a RequirementItem (none)."""
    answer = getattr(item, "answer", None)
    mark = answer.carried_over if answer is not None else ""
    html = _state(item, _labels(get_language(), False), oob=oob, mark=mark)
    return mark_safe(html)  # noqa: S308 (escaped)


@register.simple_tag(takes_context=True)
def requirement_list(context, items, *, editable, url, marks=None) -> SafeString:
    """One `<details>` per requirement, collapsed, but for the one with its form (`item.block`).

    A collapsed requirement holds only a link to `url` + its code + "/": the page's script loads
    the form from there when it is opened (htmx); without JavaScript the link leads to the page
    with that requirement open. `marks`: a renewal's copied answers still to confirm, their
    `CarriedOver` value by requirement id (none: "" or None)."""
    marks = marks or {}
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
        elif item.update:
            flags += _badge(" fr-badge--new", labels.to_update)
            question = (
                f'<span class="fr-col-12 fr-text--sm fr-mb-0" id="mise-a-jour-{code}">'
                f"<strong>{labels.update}</strong> {escape(item.update)}</span>"
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
            f'<span class="portal-requirement__flags">{flags}'
            f"{_state(item, labels, mark=marks.get(requirement.pk, ''))}</span>"
            f"{question}</summary>"
            f'<div class="portal-requirement__body" id="detail-{code}">{body}</div>'
            f"</details>\n"
        )
    return mark_safe("".join(lines))  # noqa: S308 (every value escaped above)
