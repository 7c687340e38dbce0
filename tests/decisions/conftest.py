import pytest


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    """Each test stores decision PDFs in a folder of its own (the worker thread shares it)."""
    return private_storage
