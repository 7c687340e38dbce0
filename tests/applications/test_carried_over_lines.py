"""A renewal's copied answers on the questionnaire's collapsed lines
(applications/templatetags/questionnaire.py): each line whose answer is still to confirm shows
the renewal's mark, in words, until the answer is confirmed (htmx or a plain post) or edited
(autosave); the page reads no query more for it, however many lines are marked."""

import re
from html import unescape

import pytest
from django.db import connection
from django.template import Context
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.domain.questionnaire_pages import AnswerBlock, RequirementItem
from applications.domain.renewal import answer_confirm, renewal_open
from applications.enums import DossierState
from applications.models import Answer, Requirement
from applications.models.questionnaire import CarriedOver
from applications.templatetags.questionnaire import requirement_list, requirement_state
from tests.factories.dossiers import dossier_in_state, renewed_referential

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
UNCHANGED = "Reprise de la version précédente — à confirmer"
CHANGED = "Exigence modifiée — vérifiez votre réponse"


@pytest.fixture
def renewal(private_storage):
    """A renewal on the same referential version: DOC-HDS-02, ETH-ACC-01 and RGPD-FIN-01 copied,
    each « à confirmer »."""
    dossier, cast = dossier_in_state(DossierState.PUBLISHED)
    return renewal_open(dossier=dossier, actor=cast.editor), cast


def _page(client, dossier, domain, **query) -> str:
    url = reverse("applications:questionnaire-domain", args=[dossier.pk, domain])
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def _state(html: str, code: str) -> str:
    """The text of the requirement's state on its collapsed line (`bilan-CODE`)."""
    match = re.search(rf'<span class="portal-requirement__state" id="bilan-{code}"[^>]*>', html)
    assert match, f"no state for {code}"
    # The state holds badges only (spans, no nested state): up to its own closing tag.
    rest = html[match.end() :]
    depth, position = 1, 0
    for tag in re.finditer(r"<(/?)span\b[^>]*>", rest):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = tag.start()
            break
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", rest[:position])).split())


def _requirement(dossier, code) -> Requirement:
    return Requirement.objects.get(version=dossier.referential_version_id, code=code)


def _marked(dossier) -> set[str]:
    return set(
        Answer.objects.filter(dossier=dossier)
        .exclude(carried_over="")
        .values_list("requirement__code", flat=True)
    )


def test_a_copied_answer_s_collapsed_line_shows_its_mark_and_a_confirmed_one_does_not(
    renewal, client
):
    dossier, cast = renewal
    client.force_login(cast.editor)
    answer_confirm(
        dossier=dossier, requirement=_requirement(dossier, "RGPD-FIN-01"), actor=cast.editor
    )

    ethics = _page(client, dossier, "ethics")
    assert UNCHANGED in _state(ethics, "ETH-ACC-01")
    assert "Réponse : Conforme" in _state(ethics, "ETH-ACC-01")  # the rest of the state stays
    assert 'fr-badge--info">' + UNCHANGED in unescape(ethics)  # a badge, in words
    rgpd = _page(client, dossier, "rgpd")
    assert _state(rgpd, "RGPD-FIN-01") and UNCHANGED not in _state(rgpd, "RGPD-FIN-01")

    # Confirmed without JavaScript: the page it returns to has the line without the mark.
    url = reverse("applications:answer-confirm", args=[dossier.pk, "ETH-ACC-01"])
    response = client.post(url)
    assert response.status_code == 302
    again = client.get(response["Location"]).content.decode()
    assert "Réponse : Conforme" in _state(again, "ETH-ACC-01")
    assert UNCHANGED not in _state(again, "ETH-ACC-01")
    assert _marked(dossier) == {"DOC-HDS-02"}


def test_a_changed_requirement_s_line_asks_to_check_the_answer(private_storage, client, tmp_path):
    dossier, cast = dossier_in_state(DossierState.PUBLISHED)
    renewed_referential(tmp_path)
    renewal = renewal_open(dossier=dossier, actor=cast.editor)
    client.force_login(cast.editor)

    ethics = _page(client, renewal, "ethics")
    assert CHANGED in _state(ethics, "ETH-ACC-01")
    assert UNCHANGED not in _state(ethics, "ETH-ACC-01")
    assert 'fr-badge--warning">' + CHANGED in unescape(ethics)
    rgpd = _page(client, renewal, "rgpd")
    assert CHANGED not in _state(rgpd, "RGPD-FIN-02")  # new: nothing copied, nothing marked
    assert UNCHANGED not in _state(rgpd, "RGPD-FIN-02")


def test_the_line_of_the_requirement_shown_open_shows_the_mark_too(renewal, client):
    dossier, cast = renewal
    client.force_login(cast.editor)
    html = _page(client, dossier, "ethics", exigence="ETH-ACC-01")
    assert UNCHANGED in _state(html, "ETH-ACC-01")
    assert 'id="reprise-ETH-ACC-01"' in html  # and the opened requirement its own


def test_confirming_with_htmx_draws_the_line_s_state_again_without_the_mark(renewal, client):
    dossier, cast = renewal
    client.force_login(cast.editor)
    url = reverse("applications:answer-confirm", args=[dossier.pk, "ETH-ACC-01"])
    html = client.post(url, **HX).content.decode()
    tag = re.search(r'<span class="portal-requirement__state" id="bilan-ETH-ACC-01"[^>]*>', html)
    assert tag and 'hx-swap-oob="true"' in tag.group(0)
    assert "Réponse : Conforme" in _state(html, "ETH-ACC-01")
    assert UNCHANGED not in _state(html, "ETH-ACC-01")
    assert _marked(dossier) == {"DOC-HDS-02", "RGPD-FIN-01"}


def test_editing_a_copied_answer_draws_the_line_s_state_again_without_the_mark(renewal, client):
    dossier, cast = renewal
    client.force_login(cast.editor)
    url = reverse("applications:answer-update", args=[dossier.pk, "DOC-HDS-02"])
    data = {"status": "non_compliant", "justification": "En cours.", "free_text": "", "version": 1}
    html = client.post(url, data, **HX).content.decode()
    assert "Réponse : Non conforme" in _state(html, "DOC-HDS-02")
    assert UNCHANGED not in _state(html, "DOC-HDS-02")
    assert "DOC-HDS-02" not in _marked(dossier)


def test_the_state_tag_reads_the_mark_of_an_opened_answer_only():
    requirement = Requirement(code="ETH-01", title="Titre", mandatory=True, blocking=False)
    answer = Answer(requirement=requirement, status="compliant", carried_over=CarriedOver.CHANGED)
    block = AnswerBlock(
        dossier_id=1, requirement=requirement, answer=answer, files=[], editable=True, gaps=[]
    )
    assert CHANGED in unescape(requirement_state(block))
    answer.carried_over = ""
    assert CHANGED not in unescape(requirement_state(block))
    item = RequirementItem(requirement, status="compliant", file_count=0, gaps=[])
    assert CHANGED not in unescape(requirement_state(item))
    # On the list, the mark comes from `marks`, by requirement id.
    requirement.pk = 7
    html = requirement_list(
        Context(), [item], editable=True, url="/d/", marks={7: CarriedOver.UNCHANGED}
    )
    assert UNCHANGED in unescape(html)
    assert UNCHANGED not in unescape(requirement_list(Context(), [item], editable=True, url="/d/"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_marks_cost_no_query_whatever_their_number(renewal, client):
    dossier, cast = renewal
    client.force_login(cast.editor)
    url = reverse("applications:questionnaire-domain", args=[dossier.pk, "ethics"])
    opened = f"{url}?exigence=ETH-ACC-01"
    _queries(client, url)  # what applies, read once by the process
    counts = []
    for code in ("", "DOC-HDS-02", "ETH-ACC-01", "RGPD-FIN-01"):  # 3, 2, 1, then no mark left
        if code:
            answer_confirm(
                dossier=dossier, requirement=_requirement(dossier, code), actor=cast.editor
            )
        counts.append((_queries(client, url), _queries(client, opened)))
    assert _marked(dossier) == set()
    assert len(set(counts)) == 1, counts
    page, with_open = counts[0]
    assert page <= 14  # the page's budget, renewal included (see the questionnaire's tests)
    assert with_open == page + 3  # the open requirement: its answer, its files, the library
