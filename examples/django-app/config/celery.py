"""The Celery app, for the example's workers (examples/app/main.ts).

`celery -A config worker -l info` (the `celery` worker) and
`celery -A config beat ...` (the `beat` singleton) find it here. Its settings
are Django's `CELERY_*` settings (config/settings.py), so the broker is
`CELERY_BROKER_URL`, the variable the construct injects.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The `tasks` module of every installed app (notes/tasks.py).
app.autodiscover_tasks()
