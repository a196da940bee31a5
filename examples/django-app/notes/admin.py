from django.contrib import admin

from .models import Job, Note, Upload

admin.site.register(Note)
admin.site.register(Job)
admin.site.register(Upload)
