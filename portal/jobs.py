"""Durable jobs: a database row that owes a file (a PDF), produced by Celery exactly once.

The row is the truth; the broker is only a wake-up call that may be lost, duplicated or late.

- `dispatch` hands a row's id to Celery (`FileJob.dispatch_on_commit`: once the transaction
  commits). A broker that is down is logged and the row stays pending for the sweep. The outbox
  (portal.notifications) uses it too; its send-once step is its own (no file, no claim).
- `FileJob.run` first *claims* an attempt in its own short transaction: attempts + 1 and
  `started_at` = now, committed at once. An attempt is therefore counted even when its worker is
  killed, so a job that kills every worker ends "failed" instead of looping; and `started_at`
  tells the sweep when the job was last touched.
- It then renders under the row lock (`select_for_update`): a duplicate delivery waits for the
  lock, finds the row no longer pending and does nothing. The file is written under a name that
  depends on the row only (`file_name`), through a fixed temporary name and `os.replace`, so a
  retry after a worker died between writing the file and committing overwrites what that attempt
  left: one file on disk, never a second. A failure is recorded (attempts, last error, "failed"
  after `max_attempts`) and committed before `JobAttemptFailed` tells Celery to retry.
- `FileJob.sweep` (Celery beat, every `JOBS_SWEEP_INTERVAL` seconds) re-queues the rows still
  pending and untouched (`started_at`, or creation) for `JOBS_STALE_AFTER` seconds: a message lost
  with a dead worker or a down broker. Once a worker runs, such a job is done within
  STALE_AFTER + SWEEP_INTERVAL seconds (90 s with the defaults, under the 2-minute promise).

A task is a thin entry point: `job.run_task(self, pk)` (bind=True, acks_late=True).
"""

import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

#: The most ids one sweep re-queues (the next sweep takes the rest).
SWEEP_BATCH = 500
INTERRUPTED = "Tentative interrompue : le processus qui produisait le document s'est arrêté."


class JobAttemptFailed(Exception):
    """An attempt failed and was recorded; `final` once the job is marked failed."""

    def __init__(self, message: str, *, attempts: int, final: bool):
        super().__init__(message)
        self.attempts = attempts
        self.final = final


@dataclass(frozen=True)
class JobFields:
    """The names of the row's fields the job reads and writes."""

    status: str = "status"
    attempts: str = "attempts"
    last_error: str = "last_error"
    started_at: str = "started_at"
    created_at: str = "created_at"
    file: str = "pdf"


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def store_file(storage, name: str, content: bytes) -> str:
    """Write `content` at exactly `name`, replacing whatever a killed attempt left there.

    On a file system the bytes go to `<name>.part` (a fixed name too) and are renamed in one step,
    so nobody ever reads half a file and nothing is left under a second name. Other storages get
    the object deleted then saved; one that still renames it is an error."""
    if not isinstance(storage, FileSystemStorage):
        storage.delete(name)
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            storage.delete(saved)
            raise RuntimeError(f"Le stockage a renommé {name} en {saved}.") from None
        return name
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial_path = path.with_name(path.name + ".part")
    try:
        with open(partial_path, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        mode = getattr(storage, "file_permissions_mode", None)
        if mode is not None:
            os.chmod(partial_path, mode)
        os.replace(partial_path, path)
    except BaseException:
        partial_path.unlink(missing_ok=True)
        raise
    return name


def delete_file(storage, name: str) -> None:
    """Best effort: a file no committed row refers to."""
    try:
        storage.delete(name)
    except Exception:
        logger.warning("Fichier %s non supprimé.", name, exc_info=True)


def dispatch(task_name: str, pk: int, *, label: str) -> bool:
    """Hand row `pk` to the Celery task `task_name` (a dotted path: the service → task loop is
    taken by name); False, and a log line, when the broker is down: the row stays as it is and
    its periodic sweep picks it up."""
    task = import_string(task_name)
    try:
        task.delay(pk)
    except Exception:  # the broker is unreachable
        logger.warning("%s %s : en attente, courtier injoignable.", label, pk, exc_info=True)
        return False
    return True


def retry_countdown(attempts: int) -> float:
    """Exponential backoff with jitter: JOBS_RETRY_BACKOFF × 2^(attempts − 1), capped."""
    base = settings.JOBS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return min(base, settings.JOBS_RETRY_BACKOFF_MAX) * random.uniform(0.5, 1.0)


@dataclass(frozen=True)
class FileJob:
    """One kind of durable job: rows of `model` that owe a file, rendered by `task_name`.

    `render(row)` returns the bytes; `file_name(row)` the storage name (it must depend on the row
    only); `attach(row, name, content)` records the file on the locked row, marks it ready and
    queues what follows (an e-mail), returning False when the row already had one."""

    label: str
    model: type[models.Model]
    task_name: str  # dotted path of the Celery task, imported when dispatching
    render: Callable[[models.Model], bytes]
    file_name: Callable[[models.Model], str]
    attach: Callable[[models.Model, str, bytes], bool]
    pending: str
    failed: str
    max_attempts: int = 6
    fields: JobFields = field(default_factory=JobFields)
    #: The rows as `render` wants them (select_related); locked `of=("self",)`.
    queryset: Callable[[], models.QuerySet] | None = None
    error: type[JobAttemptFailed] = JobAttemptFailed

    # -- hand-off to the broker ---------------------------------------------------------------

    def dispatch(self, pk: int) -> bool:
        """Queue the rendering of row `pk`; False (and a log line) when the broker is down."""
        return dispatch(self.task_name, pk, label=self.label)

    def dispatch_on_commit(self, pk: int) -> None:
        transaction.on_commit(partial(self.dispatch, pk))

    # -- the sweep ---------------------------------------------------------------------------

    def stale_ids(self, *, older_than_seconds: float | None = None) -> list[int]:
        """Pending rows nobody touched for that long (default: JOBS_STALE_AFTER)."""
        if older_than_seconds is None:
            older_than_seconds = settings.JOBS_STALE_AFTER
        cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
        f = self.fields
        untouched = Q(**{f"{f.started_at}__lte": cutoff}) | Q(
            **{f"{f.started_at}__isnull": True, f"{f.created_at}__lte": cutoff}
        )
        return list(
            self.model._default_manager.filter(untouched, **{f.status: self.pending})
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )

    def sweep(self, *, older_than_seconds: float | None = None) -> int:
        """Re-queue the stale pending rows; a duplicate delivery costs one UPDATE."""
        ids = self.stale_ids(older_than_seconds=older_than_seconds)
        for pk in ids:
            self.dispatch(pk)
        return len(ids)

    # -- one attempt -------------------------------------------------------------------------

    def _rows(self) -> models.QuerySet:
        return self.queryset() if self.queryset else self.model._default_manager.all()

    def _locked(self, pk: int):
        return self._rows().select_for_update(of=("self",)).filter(pk=pk).first()

    def _progress(self, pk: int, **values) -> None:
        self.model._default_manager.filter(pk=pk).update(**values)

    def _claim(self, pk: int) -> bool:
        """Count an attempt and stamp its start, committed at once; False when there is nothing
        to do (row gone, no longer pending) or when the attempts are spent, which marks it
        failed (the last attempts were interrupted: their worker died)."""
        f = self.fields
        with transaction.atomic():
            claimed = self.model._default_manager.filter(
                pk=pk, **{f.status: self.pending, f"{f.attempts}__lt": self.max_attempts}
            ).update(**{f.attempts: F(f.attempts) + 1, f.started_at: timezone.now()})
        if claimed:
            return True
        with transaction.atomic():
            row = self._locked(pk)
            if row is None or getattr(row, f.status) != self.pending:
                return False
            self._progress(pk, **{f.status: self.failed, f.last_error: INTERRUPTED})
            delete_file(self._storage(), self.file_name(row))
        logger.error(
            "%s %s : génération abandonnée après des tentatives interrompues.", self.label, pk
        )
        return False

    def _storage(self):
        return self.model._meta.get_field(self.fields.file).storage

    def run(self, pk: int):
        """Produce row `pk`'s file once. Returns the row when this call produced it, None when
        there was nothing to do; raises `self.error` after recording a failed attempt."""
        if not self._claim(pk):
            return None
        f = self.fields
        storage = self._storage()
        failure = None
        with transaction.atomic():
            row = self._locked(pk)
            if row is None or getattr(row, f.status) != self.pending:
                return None  # a duplicate delivery: another worker finished it meanwhile
            attempts = getattr(row, f.attempts)
            name = self.file_name(row)
            try:
                with transaction.atomic():  # a database error while rendering spares the record
                    content = self.render(row)
                    store_file(storage, name, content)
            except Exception as exc:  # any rendering or storage failure is recorded, then retried
                final = attempts >= self.max_attempts
                failure = self.error(describe(exc), attempts=attempts, final=final)
                self._progress(
                    pk,
                    **{
                        f.last_error: str(failure),
                        f.status: self.failed if final else self.pending,
                    },
                )
                if final:  # what an interrupted attempt may have left
                    delete_file(storage, name)
                log = logger.error if final else logger.warning
                log(
                    "%s %s : échec de la génération du document (tentative %s).",
                    self.label,
                    pk,
                    attempts,
                )
            else:
                try:
                    attached = self.attach(row, name, content)
                except BaseException:
                    delete_file(storage, name)  # no committed row refers to it
                    raise
                if not attached:  # only where rows cannot be locked (SQLite): keep the other's
                    return None
        if failure is not None:
            raise failure
        row.refresh_from_db()
        return row

    def run_task(self, task, pk: int) -> None:
        """The body of the Celery task: one attempt, a retry with backoff after a failure."""
        try:
            self.run(pk)
        except JobAttemptFailed as failure:
            if failure.final:
                return  # recorded and logged; the row says "failed"
            raise task.retry(countdown=retry_countdown(failure.attempts), exc=failure) from None
        except OperationalError as exc:  # the database is unreachable: nothing was recorded
            raise task.retry(countdown=retry_countdown(task.request.retries + 1), exc=exc) from None
