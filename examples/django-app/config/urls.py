from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    # The load balancer's health check (`healthCheckPath: '/health/'` in examples/app/main.ts).
    path("health/", views.health, name="health"),
    path("secure/", views.secure, name="secure"),
    # POST: queue a Celery task (the `celery` worker writes a row).
    path("jobs/", views.enqueue_job, name="enqueue-job"),
    # GET: a counter in Django's cache (REDIS_URL).
    path("cache/", views.visits, name="visits"),
    # POST a file to the media bucket; GET one by its presigned URL.
    path("uploads/", views.upload, name="upload"),
    path("uploads/<int:pk>/", views.download, name="download"),
    path("admin/", admin.site.urls),
    path("", views.index, name="index"),
]

if settings.DEBUG and settings.MEDIA_URL:
    # A developer's machine without AWS_MEDIA_BUCKET_NAME: serve ./media.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
