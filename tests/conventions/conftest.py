import pytest


@pytest.fixture(autouse=True)
def _own_storage(private_storage):
    """Each test stores convention PDFs in a folder of its own (a worker thread shares it)."""
    return private_storage
