"""What the convention tests share: reading stored documents."""


def read(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as stream:
        return stream.read()
