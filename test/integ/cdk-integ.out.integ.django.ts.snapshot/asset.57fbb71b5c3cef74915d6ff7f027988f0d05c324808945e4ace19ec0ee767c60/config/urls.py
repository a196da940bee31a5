from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    # The load balancer's health check (`healthCheckPath: '/health/'` in examples/app/main.ts).
    path("health/", views.health, name="health"),
    path("secure/", views.secure, name="secure"),
    path("admin/", admin.site.urls),
    path("", views.index, name="index"),
]
