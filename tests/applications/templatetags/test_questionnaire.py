"""The questionnaire page's requirement lines, drawn in Python: every value escaped, the state
told in words, the form only for the requirement shown open."""

from django.template import Context

from applications.domain.questionnaire_pages import RequirementItem
from applications.models import Requirement
from applications.templatetags.questionnaire import requirement_list, requirement_state


def _item(**fields):
    defaults = {"code": "ETH-01", "title": "Titre", "mandatory": True, "blocking": False}
    requirement = Requirement(**{**defaults, **fields})
    return RequirementItem(requirement, status="", file_count=0, gaps=["answer"])


def test_values_are_escaped():
    item = _item(code='X"><script>1</script>', title="<b>Données & « santé »</b>")
    html = requirement_list(Context(), [item], editable=True, url='/d/"1/')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;Données &amp; « santé »&lt;/b&gt;" in html
    assert 'id="exigence-X&quot;&gt;&lt;script&gt;1&lt;/script&gt;"' in html
    assert 'href="/d/&quot;1/X%22%3E%3Cscript%3E1%3C/script%3E/"' in html


def test_state_says_what_is_missing_in_words():
    item = _item(mandatory=False)
    item.status, item.gaps, item.file_count = "non_compliant", ["justification"], 2
    html = requirement_state(item)
    assert 'id="bilan-ETH-01"' in html and "hx-swap-oob" not in html
    for words in ("Réponse :", "Non conforme", "Justification manquante", "2 pièces"):
        assert words in html
    assert 'hx-swap-oob="true"' in requirement_state(item, oob=True)


def test_blocking_and_optional_requirements_are_flagged():
    html = requirement_list(
        Context(),
        [_item(blocking=True), _item(code="B-01", mandatory=False)],
        editable=False,
        url="/d/",
    )
    assert html.count("<details ") == 2 and " open" not in html
    assert "Bloquante" in html and "Facultative" in html and "Sans réponse" in html
    assert "Voir la réponse à l&#x27;exigence B-01" in html
