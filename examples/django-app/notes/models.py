from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=500)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.text


class Job(models.Model):
    """A row the Celery task `notes.tasks.record_job` writes."""

    token = models.CharField(max_length=64, unique=True)
    # "web" (POST /jobs/) or "beat" (the hourly schedule in settings.py).
    source = models.CharField(max_length=20)
    # The worker that ran the task, `celery@<host>`; empty when run inline.
    worker = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.source} {self.token}"


class Upload(models.Model):
    """A user's file, stored in the media bucket (Django's default storage)."""

    file = models.FileField(upload_to="uploads/%Y/%m/%d/")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.file.name
