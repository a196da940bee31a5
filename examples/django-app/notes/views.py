import secrets

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import NoteForm, UploadForm
from .models import Job, Note, Upload
from .tasks import record_job


@require_GET
def health(request):
    """The load balancer's health check: no database, any Host (ALLOWED_HOSTS "*")."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def secure(request):
    """Whether Django sees the viewer's request as HTTPS (CloudFront-Forwarded-Proto)."""
    return JsonResponse({"secure": request.is_secure(), "scheme": request.scheme})


@require_http_methods(["GET", "POST"])
def index(request):
    """A CSRF-protected form that stores notes in PostgreSQL."""
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect("index")
    else:
        form = NoteForm()
    return render(
        request,
        "notes/index.html",
        {
            "form": form,
            "notes": Note.objects.all()[:20],
            "jobs": Job.objects.all()[:5],
            "uploads": Upload.objects.all()[:5],
            "upload_form": UploadForm(),
            "secure": request.is_secure(),
        },
    )


@require_POST
def enqueue_job(request):
    """Queue the Celery task `record_job`; a worker writes its row to `notes_job`.

    Answers 202 with the task's token at once: the row appears when a worker
    has run the task (or before the answer, without a broker: eager mode).
    """
    token = secrets.token_hex(16)
    result = record_job.delay(token=token, source="web")
    return JsonResponse({"token": token, "task_id": result.id, "eager": settings.CELERY_TASK_ALWAYS_EAGER}, status=202)


@never_cache
@require_GET
def visits(request):
    """Count requests in Django's cache (Valkey with REDIS_URL): one key, `visits`."""
    cache.add("visits", 0, timeout=None)
    count = cache.incr("visits")
    return JsonResponse({"visits": count, "backend": type(caches["default"]).__name__})


@require_POST
def upload(request):
    """Store one file (field `file`) in the media bucket; answer its presigned URL."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    item = form.save()
    return JsonResponse(
        {"id": item.pk, "name": item.file.name, "size": form.cleaned_data["file"].size, "url": item.file.url},
        status=201,
    )


@never_cache
@require_GET
def download(request, pk):
    """Redirect to a fresh presigned URL of an upload (valid for an hour)."""
    item = get_object_or_404(Upload, pk=pk)
    return redirect(item.file.url)
