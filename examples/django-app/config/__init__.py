# Load the Celery app whenever Django starts, so that `@shared_task`s (and
# `.delay()` in views) use it and its broker.
from .celery import app as celery_app

__all__ = ("celery_app",)
