"""French counts: « 0 jour », « 1 jour », « 2 jours » (French plural rule, n > 1), through the
French catalogue locale/fr (portal/management/commands/french_plurals.py), never gettext's
default rule (n != 1), which writes « 0 jours »."""

import re

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import ngettext

from applications.enums import DossierState
from applications.models import TransitionLog
from portal.management.commands.french_plurals import PLURAL_FORMS, catalogue_path, plural_entries
from portal.notifications.messenger import notification_render
from tests.factories.dossiers import dossier_in_state


def _unfolded(po_text: str) -> str:
    """`po_text` with each multi-line string on one line."""
    return re.sub(r'"\n"', "", po_text)


def test_the_french_catalogue_states_the_french_plural_rule():
    text = catalogue_path().read_text(encoding="utf-8")
    assert f'"Plural-Forms: {PLURAL_FORMS}\\n"' in text
    assert PLURAL_FORMS == "nplurals=2; plural=(n > 1);"
    assert "#, fuzzy" not in text


def test_every_counted_string_of_the_portal_has_its_french_forms():
    """Each counted string of the source, as it is now, is in the French catalogue, or French
    falls back to « 0 jours ». Fix: `manage.py french_plurals`."""
    call_command("french_plurals", "--check")


def test_the_french_forms_are_the_source_forms():
    text = catalogue_path().read_text(encoding="utf-8")
    for entry in _unfolded(text).split("\n\n")[1:]:
        fields = dict(
            re.findall(r'^(msgid|msgid_plural|msgstr\[0\]|msgstr\[1\]) "(.*)"$', entry, re.M)
        )
        assert fields["msgstr[0]"] == fields["msgid"], entry
        assert fields["msgstr[1]"] == fields["msgid_plural"], entry


def test_the_writer_keeps_only_counted_entries_with_french_forms():
    po = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#: a.py:1\nmsgid "Bonjour"\nmsgstr ""\n\n'
        '#: b.py:2\n#, fuzzy, python-format\n#| msgid "ancien"\nmsgctxt "c"\n'
        'msgid "%(n)d jour"\nmsgid_plural ""\n"%(n)d jours"\nmsgstr[0] "x"\nmsgstr[1] ""\n\n'
        '#~ msgid "%(n)d an"\n#~ msgid_plural "%(n)d ans"\n#~ msgstr[0] ""\n'
    )
    assert plural_entries(po) == [
        '#, python-format\nmsgctxt "c"\nmsgid "%(n)d jour"\nmsgid_plural ""\n"%(n)d jours"\n'
        'msgstr[0] "%(n)d jour"\nmsgstr[1] ""\n"%(n)d jours"'
    ]


@pytest.mark.parametrize(("n", "shown"), [(0, "0 exigence"), (1, "1 exigence"), (2, "2 exigences")])
def test_a_counted_phrase_in_python_is_french_at_0_1_and_2(n, shown):
    with translation.override("fr"):
        text = ngettext("%(n)d exigence sans réponse", "%(n)d exigences sans réponse", n) % {"n": n}
    assert text == f"{shown} sans réponse"


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0 service référencé"), (1, "1 service référencé"), (2, "2 services référencés")],
)
def test_a_counted_phrase_in_a_template_is_french_at_0_1_and_2(n, shown):
    template = Template(
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} service référencé{% plural %}"
        "{{ n }} services référencés{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert template.render(Context({"n": n})) == shown


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "shown"), [(0, "0 jour,"), (1, "1 jour,"), (2, "2 jours,")])
def test_the_filing_acknowledgement_counts_its_days_in_french(settings, days, shown):
    settings.STAGE_DEADLINE_DAYS = {**settings.STAGE_DEADLINE_DAYS, "submitted": days}
    dossier, cast = dossier_in_state(DossierState.SUBMITTED)
    log = TransitionLog.objects.filter(dossier=dossier).latest("seq")

    _subject, body = notification_render(
        "dossier_filed", dossier=dossier, actor=cast.editor, log=log
    )

    assert f"dans un délai de {shown} soit au plus tard le" in " ".join(body.split())
