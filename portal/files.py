"""Serving private files: only through views that checked the right to see them."""

from django.http import FileResponse


def private_file_response(
    field_file, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """A download (or, with `inline`, a sandboxed preview) that no cache keeps."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    if inline:
        # The document is shown in the page but may run nothing there.
        response["Content-Security-Policy"] = "sandbox"
    return response
