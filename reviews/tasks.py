from celery import shared_task

from .domain.report import pending_report_ids, report_render


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def report_render_pdf_task(self, report_id: int) -> None:
    report_render(report_id=report_id)


@shared_task
def report_retry_pending_task() -> int:
    ids = pending_report_ids()
    for report_id in ids:
        report_render_pdf_task.delay(report_id)
    return len(ids)
