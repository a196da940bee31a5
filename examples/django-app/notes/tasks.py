"""Celery tasks: `notes.tasks.record_job`, run by the `celery` worker."""
import secrets

from celery import shared_task

from .models import Job


@shared_task(bind=True)
def record_job(self, token=None, source="web"):
    """Write one row to `notes_job`: proof that a worker ran the task.

    `worker` is the Celery worker's name (`celery@<host>`), empty when the
    task ran inline (no broker configured, CELERY_TASK_ALWAYS_EAGER).
    """
    job = Job.objects.create(
        token=token or secrets.token_hex(16),
        source=source,
        worker="" if self.request.is_eager else (self.request.hostname or ""),
    )
    return job.pk
