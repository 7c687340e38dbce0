import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores decision PDFs in a folder of its own (the worker thread shares it)."""
    location = tmp_path / "private"
    location.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(location)}},
    }
    return location
