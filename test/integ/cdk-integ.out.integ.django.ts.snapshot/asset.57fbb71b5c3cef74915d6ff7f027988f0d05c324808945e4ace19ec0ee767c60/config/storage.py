"""Static files in the environment's S3 bucket, served by CloudFront under /static/."""
from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class StaticFilesStorage(S3Storage):
    """django-storages' S3 backend; keys and URLs both start with `static/`.

    `collectstatic` uploads `admin/css/base.css` as the key
    `static/admin/css/base.css` (the `location` option). CloudFront's
    `/static/*` behavior forwards the viewer's path unchanged to the bucket,
    so `/static/admin/css/base.css` on the site's own domain finds that key.

    The bucket is private (only CloudFront may read it), so the S3 URL that
    django-storages would build is of no use to a browser: URLs are made
    relative to STATIC_URL instead and stay on the site's domain.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.STATIC_URL, filepath_to_uri(name))
