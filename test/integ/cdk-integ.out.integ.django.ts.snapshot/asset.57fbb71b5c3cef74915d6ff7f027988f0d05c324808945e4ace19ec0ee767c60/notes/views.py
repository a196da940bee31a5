from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import NoteForm
from .models import Note


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
    notes = Note.objects.all()[:20]
    return render(
        request,
        "notes/index.html",
        {"form": form, "notes": notes, "secure": request.is_secure()},
    )
