from django import forms

from .models import Note, Upload

# Uploads pass through the web container; keep them small. (Large files are
# better sent by the browser straight to S3 with a presigned POST.)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text"]


class UploadForm(forms.ModelForm):
    class Meta:
        model = Upload
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"files up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB only")
        return upload
