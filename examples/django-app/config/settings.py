"""Settings of the example project, read from the variables the task receives.

`DjangoFargateEnvironment` gives the container plain environment variables
(`DEBUG`, `DJANGO_ALLOWED_HOSTS`, `DEVELOPMENT_MODE`, `DATABASE_HOST`,
`DATABASE_PORT`, `AWS_STORAGE_BUCKET_NAME`, `AWS_MEDIA_BUCKET_NAME`, with
`enableCache` `REDIS_URL` and `CELERY_BROKER_URL`, plus `containerEnvironment`)
and secrets that ECS reads from SSM Parameter Store when the task starts
(`DATABASE_NAME`, `DATABASE_USER`, `DATABASE_PASSWORD`, `DJANGO_SECRET_KEY`,
plus `containerSecrets`). Each setting below names the variable it reads.

The web service, the Celery workers and the scheduled commands all run this
image with the same variables, so they all read the same settings.
`REDIS_URL`, `CELERY_BROKER_URL` and `AWS_MEDIA_BUCKET_NAME` are optional:
without them (on a developer's machine) the cache is in memory, Celery tasks
run inline, and uploads go to the local `media/` directory.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name, default=""):
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# DJANGO_SECRET_KEY (secret, SSM `<project>-<environment>_django_secret_key`).
# Required: a missing key must stop the container, not fall back to a default.
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

# DEBUG (env, "False"). Only the exact string "True" turns it on.
DEBUG = os.environ.get("DEBUG", "False") == "True"

# DEVELOPMENT_MODE (env, "False"). "True" only on a developer's machine served
# over plain HTTP: it turns the secure-cookie settings below off.
DEVELOPMENT_MODE = os.environ.get("DEVELOPMENT_MODE", "False") == "True"

# DJANGO_ALLOWED_HOSTS (env, "*"), comma-separated. The load balancer's health
# check sends the task's private IP as Host, so a list of domain names alone
# would turn every health check into a 400 and the service would never be
# healthy. Keep "*" or include the VPC's addresses.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# DJANGO_CSRF_TRUSTED_ORIGINS (env), comma-separated: with `domainNames` the
# construct sets it to https://<name> for each name, e.g.
# "https://www.example.com,https://example.com" (Django 4+ checks a form
# post's Origin header against it). Without domainNames it is unset: the site
# is the distribution's own name, CloudFront forwards the viewer's Host, and
# with SECURE_PROXY_SSL_HEADER below Django compares Origin with https://<host>.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# CloudFront-Forwarded-Proto (request header, not a variable). CloudFront ends
# TLS and talks plain HTTP to the load balancer; the construct's origin request
# policy forwards this header, set by CloudFront to the viewer's protocol, so
# request.is_secure() tells the truth. Without it CSRF's Origin/Referer checks
# reject every HTTPS form post. Only trust it because the container is reached
# through CloudFront (see DESIGN.md, "Known traps").
SECURE_PROXY_SSL_HEADER = ("HTTP_CLOUDFRONT_FORWARDED_PROTO", "https")

# DEVELOPMENT_MODE again: cookies are sent only over HTTPS in the environment.
SESSION_COOKIE_SECURE = not DEVELOPMENT_MODE
CSRF_COOKIE_SECURE = not DEVELOPMENT_MODE
# No SECURE_SSL_REDIRECT: CloudFront redirects viewers to HTTPS, and the
# load balancer's health checks are plain HTTP and must get a 200. Hence the
# `check --deploy` warning about it is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W008"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "notes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# The RDS PostgreSQL database (psycopg 3).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        # DATABASE_NAME (secret, SSM `<project>-<environment>_postgres_db`)
        "NAME": os.environ["DATABASE_NAME"],
        # DATABASE_USER (secret, SSM `<project>-<environment>_database_username`)
        "USER": os.environ["DATABASE_USER"],
        # DATABASE_PASSWORD (secret, SSM `<project>-<environment>_database_password`)
        "PASSWORD": os.environ["DATABASE_PASSWORD"],
        # DATABASE_HOST (env, the RDS endpoint address)
        "HOST": os.environ["DATABASE_HOST"],
        # DATABASE_PORT (env, the RDS endpoint port)
        "PORT": os.environ.get("DATABASE_PORT", "5432"),
        # Reuse connections across requests, and check them before use.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}

# --- The cache (Valkey) ----------------------------------------------------------
# REDIS_URL (env, with `enableCache`): `rediss://<endpoint>:6379`, the
# ElastiCache Serverless Valkey cache. `rediss` is TLS (the only protocol the
# cache speaks); redis-py verifies the server's certificate against the
# system's CA bundle (the image's ca-certificates) and its host name.
# ElastiCache Serverless shards keys like a Redis cluster behind one endpoint:
# single-key commands (get, set, add, incr, delete) work as usual, but a
# command on several keys in different hash slots (get_many, delete_many)
# fails with CROSSSLOT. Without REDIS_URL: a per-process in-memory cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Keys `notes:1:<key>`: clear of Celery's keys on the same cache.
            "KEY_PREFIX": "notes",
            # A slow or unreachable cache fails the request quickly.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (config/celery.py reads the CELERY_* settings) -------------------------
# CELERY_BROKER_URL (env, with `enableCache`): REDIS_URL plus
# `?ssl_cert_reqs=required`. Celery (kombu) turns that query parameter into
# `broker_use_ssl = {"ssl_cert_reqs": ssl.CERT_REQUIRED}`: TLS, and the
# server's certificate verified against the system's CA bundle. (A `rediss://`
# URL without it would need `CELERY_BROKER_USE_SSL` set here instead.)
# Without CELERY_BROKER_URL (a developer's machine) the broker is Celery's
# in-process `memory://` and `.delay()` runs the task at once, in the calling
# process, instead of failing to connect.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # ElastiCache Serverless rejects commands whose keys hash to different
    # slots (CROSSSLOT), and kombu's BRPOP and MULTI span several keys (the
    # queue, its priority lists, the unacked index). The hash tag `{celery}`
    # puts every key of the broker in one slot.
    "global_keyprefix": "{celery}:",
}
# The tasks return nothing anyone waits for: no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker being replaced gets SIGTERM and `stopTimeout` (30 s) to finish;
# with late acks a task it could not finish goes back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The `beat` worker sends these; the `celery` worker runs them.
CELERY_BEAT_SCHEDULE = {
    "record-job-hourly": {
        "task": "notes.tasks.record_job",
        "schedule": 3600.0,
        "kwargs": {"source": "beat"},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Static files: `collectstatic` uploads them to the environment's bucket under
# the `static/` prefix; CloudFront serves the bucket's `static/...` keys at
# `/static/...` on the site's own domain (its `/static/*` behavior forwards the
# path unchanged). Credentials come from the ECS task role; the region from
# AWS_REGION / AWS_DEFAULT_REGION, which Fargate sets.
STATIC_URL = "/static/"
STORAGES = {
    "staticfiles": {
        # django-storages' S3Storage, with URLs relative to STATIC_URL.
        "BACKEND": "config.storage.StaticFilesStorage",
        "OPTIONS": {
            # AWS_STORAGE_BUCKET_NAME (env, the static files bucket)
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # Keys start with `static/`, matching CloudFront's `/static/*`.
            "location": "static",
            # No object ACLs: the bucket disables them (BucketOwnerEnforced),
            # and an upload that sets one would be refused.
            "default_acl": None,
            # The URLs are public paths through CloudFront; nothing to sign.
            "querystring_auth": False,
        },
    },
}

# User uploads (`FileField`s, Django's default storage).
# AWS_MEDIA_BUCKET_NAME (env, the media bucket): private, not behind
# CloudFront; the task role may read and write it. A file's URL is a
# presigned GET URL to S3, valid for an hour: whoever the app gives the URL
# may download that file, nobody else.
AWS_MEDIA_BUCKET_NAME = os.environ.get("AWS_MEDIA_BUCKET_NAME", "")
if AWS_MEDIA_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_MEDIA_BUCKET_NAME,
            # Presigned URLs (django-storages' default, spelt out).
            "querystring_auth": True,
            "querystring_expire": 3600,
            # Objects stay private. The bucket disables ACLs (bucket owner
            # enforced), so the upload sends none: S3 refuses any ACL but
            # bucket-owner-full-control on such a bucket, even "private".
            "default_acl": None,
            # Two uploads of the same name get two keys (a random suffix).
            "file_overwrite": False,
            # Signature Version 4, which every region accepts.
            "signature_version": "s3v4",
        },
    }
else:
    # A developer's machine: uploads go to ./media, served under /media/
    # when DEBUG is on (config/urls.py).
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ROOT = BASE_DIR / "media"
    MEDIA_URL = "/media/"

# AWS_S3_ENDPOINT_URL (optional env): another S3-compatible endpoint, for
# tests against a local emulator only (both buckets, and the presigned URLs
# point there). Unset in the environment, where django-storages talks to the
# bucket's regional S3 endpoint.
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
if AWS_S3_ENDPOINT_URL:
    AWS_S3_ADDRESSING_STYLE = "path"

# EMAIL_HOST_PASSWORD (secret, SSM `<project>-<environment>_email_host_password`,
# added by `containerSecrets` in examples/app/main.ts); EMAIL_HOST and
# EMAIL_HOST_USER (optional env). Without EMAIL_HOST mail goes to the log.
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# DJANGO_LOG_LEVEL (env, "INFO" in examples/app/main.ts). Everything goes to
# stdout/stderr, which the awslogs driver ships to CloudWatch Logs.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
