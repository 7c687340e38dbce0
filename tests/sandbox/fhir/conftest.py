import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _french():
    """The diagnostics are checked in French, whatever the catalogue holds for English."""
    with translation.override("fr"):
        yield
