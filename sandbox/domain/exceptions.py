class SandboxError(Exception):
    """A request the sandbox's rules refuse, with its French reason and the HTTP status to
    answer (the view turns it into a form error)."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None):
        super().__init__(message)
        if status_code is not None:
            self.status_code = status_code
