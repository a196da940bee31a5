"""Step 8 of test/e2e/run.sh: talk to the running app as the ALB and CloudFront would.

The app (gunicorn) and the Celery worker run with exactly the environments
contract.py derived from their task definitions; moto holds the static files
and media buckets; PostgreSQL the notes and the Celery task's rows; the
TLS-only Valkey/Redis server is the cache and the broker. Requests that
"come through CloudFront" carry what CloudFront sends to the load balancer
for an HTTPS viewer: the viewer's Host (a CloudFront domain), cookies,
Origin/Referer, and CloudFront-Forwarded-Proto (the header name comes from
the template, see contract.py). The scheduled command runs here, as its
Fargate task would: its task definition's command and variables.
"""
import argparse
import html
import http.client
import http.cookies
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse

from contract import cloudfront_regex
from e2elib import CheckFailed, expect, run_check

ALB_HEALTH_HOST = "10.0.1.23"  # ALB health checks send the task's IP as Host
VIEWER_HOST = "d111111abcdef8.cloudfront.net"  # the distribution's domain
TIMEOUT = 15
JOB_TIMEOUT = 30  # from the web request until the worker's row is in PostgreSQL
SCHEDULED_TIMEOUT = 60  # one run of the scheduled command (about a second here)


class App:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        expect(parts.hostname == "127.0.0.1", f"refusing to talk to {url}")
        self.host, self.port = parts.hostname, parts.port

    def request(self, method, path, headers, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.msg, resp.read().decode("utf-8", "replace")
        finally:
            conn.close()


def read_env(path):
    """A NAME=value file (contract.py's and run.sh's outputs) as a dict."""
    env = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            name, _, value = line.rstrip("\n").partition("=")
            env[name] = value
    return env


def read_args(path):
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle]


def get_bytes(url):
    """GET a URL on 127.0.0.1 as a browser would follow a link: (status, body bytes)."""
    parts = urllib.parse.urlsplit(url)
    expect(parts.scheme == "http" and parts.hostname == "127.0.0.1", f"refusing to fetch {url}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Run:
    """What the checks share: the contract, the app's environment, clients."""

    def __init__(self, args):
        with open(os.path.join(args.out, "contract.json"), encoding="utf-8") as handle:
            self.contract = json.load(handle)
        self.out = args.out
        self.env = read_env(os.path.join(args.out, "app.env"))
        # What run.sh adds to every process: moto's address, the throwaway CA.
        self.test_env = read_env(os.path.join(args.out, "test.env"))
        self.app = App(args.app_url)
        self.app_dir = args.app_dir
        self.moto_url = args.moto_url
        import boto3  # from the test's venv

        self.s3 = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1",
        ).client("s3", endpoint_url=args.moto_url)
        self.bucket = self.env["AWS_STORAGE_BUCKET_NAME"]
        self.media_bucket = self.env["AWS_MEDIA_BUCKET_NAME"]
        self.proto = self.contract["proto_header"]
        self.cookies = {}
        self.token = None
        self.page = ""
        self.note = "note-" + secrets.token_hex(6)

    def via_cloudfront(self, https=True, **extra):
        """Headers CloudFront adds when it forwards a viewer's request to the ALB."""
        headers = {"Host": VIEWER_HOST, "User-Agent": "Amazon CloudFront", "X-Forwarded-For": "203.0.113.7"}
        if https:
            headers[self.proto] = "https"
        headers.update(extra)
        return headers

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def post(self, path, body, content_type, https=True):
        """A browser's form post from the site's HTTPS page, through CloudFront."""
        headers = self.via_cloudfront(
            https=https,
            Origin=f"https://{VIEWER_HOST}",  # the viewer's browser is on HTTPS either way
            Referer=f"https://{VIEWER_HOST}/",
            Cookie=self.cookie_header(),
            **{"Content-Type": content_type},
        )
        return self.app.request("POST", path, headers, body)

    def database(self):
        import psycopg  # from the test's venv

        return psycopg.connect(
            host=self.env["DATABASE_HOST"], port=self.env["DATABASE_PORT"], dbname=self.env["DATABASE_NAME"],
            user=self.env["DATABASE_USER"], password=self.env["DATABASE_PASSWORD"], connect_timeout=TIMEOUT,
            autocommit=True,
        )

    def cache_server(self):
        """A client of the Valkey/Redis server at the app's REDIS_URL (TLS, the throwaway CA)."""
        import redis  # from the app's requirements

        return redis.Redis.from_url(self.env["REDIS_URL"], ssl_ca_certs=self.test_env["SSL_CERT_FILE"],
                                    socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)


def status_ok(status, codes):
    """Whether status is in an ALB matcher like "200", "200-299" or "200,302"."""
    for part in codes.split(","):
        low, _, high = part.strip().partition("-")
        if int(low) <= status <= int(high or low):
            return True
    return False


def check_health(run):
    path, codes = run.contract["health_path"], run.contract["health_codes"]
    status, _, body = run.app.request("GET", path, {"Host": ALB_HEALTH_HOST, "User-Agent": "ELB-HealthChecker/2.0"})
    expect(status_ok(status, codes) and body.strip() == "ok",
           f"GET {path} (Host: {ALB_HEALTH_HOST}) answered {status} {body[:200]!r}; the target group expects {codes}")
    return f"GET {path} Host: {ALB_HEALTH_HOST} -> {status} {body.strip()!r}"


def check_bucket(run):
    prefix = run.contract["static_prefix"]
    keys = []
    for page in run.s3.get_paginator("list_objects_v2").paginate(Bucket=run.bucket):
        keys += [obj["Key"] for obj in page.get("Contents", [])]
    expect(keys, f"the bucket {run.bucket} is empty: collectstatic uploaded nothing")
    outside = [key for key in keys if not key.startswith(prefix)]
    expect(not outside, f"keys outside {prefix!r}, which CloudFront would never serve: {outside[:5]}")
    for wanted in (prefix + "admin/css/base.css", prefix + "notes/style.css"):
        expect(wanted in keys, f"{wanted} is not in the bucket; first keys: {sorted(keys)[:5]}")
    body = run.s3.get_object(Bucket=run.bucket, Key=prefix + "notes/style.css")["Body"].read()
    with open(os.path.join(run.app_dir, "notes", "static", "notes", "style.css"), "rb") as handle:
        expect(body == handle.read(), f"{prefix}notes/style.css in the bucket differs from the app's file")
    return f"{len(keys)} objects, all under s3://{run.bucket}/{prefix} (e.g. {prefix}admin/css/base.css)"


def check_page(run):
    status, headers, body = run.app.request("GET", "/", run.via_cloudfront())
    expect(status == 200, f"GET / via CloudFront answered {status}: {body[:300]!r}")
    secure_cookies = []
    for value in headers.get_all("Set-Cookie") or []:
        jar = http.cookies.SimpleCookie()
        jar.load(value)
        for name, morsel in jar.items():
            run.cookies[name] = morsel.value
            if morsel["secure"]:
                secure_cookies.append(name)
    expect("csrftoken" in run.cookies, f"no csrftoken cookie in {headers.get_all('Set-Cookie')}")
    expect("csrftoken" in secure_cookies,
           "the csrftoken cookie is not Secure although DEVELOPMENT_MODE is False (CSRF_COOKIE_SECURE)")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    expect(match, "the page has no csrfmiddlewaretoken field")
    run.token = html.unescape(match.group(1))
    run.page = body
    expect("secure (HTTPS)" in body, "the page says Django saw plain HTTP")
    return "200; csrftoken cookie is Secure; the page reports a secure (HTTPS) request"


def check_static_link(run):
    match = re.search(r'<link rel="stylesheet" href="([^"]+)"', run.page)
    expect(match, "the page (from the previous check) has no stylesheet link")
    href = match.group(1)
    expect(href.startswith("/"), f"the stylesheet URL {href!r} leaves the site's domain (the bucket is private)")
    pattern = run.contract["static_pattern"]
    expect(cloudfront_regex(pattern).match(href), f"{href} does not match CloudFront's {pattern!r} behavior")
    key = href.lstrip("/")  # CloudFront forwards the path unchanged
    run.s3.head_object(Bucket=run.bucket, Key=key)
    return f"href={href} -> CloudFront {pattern} -> s3 key {key} exists"


def post_note(run, text, https):
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": run.token or "", "text": text})
    return run.post("/", form, "application/x-www-form-urlencoded", https=https)


def check_post(run):
    expect(run.token, "no CSRF token from GET / (see the page check)")
    status, headers, body = post_note(run, run.note, https=True)
    expect(status in (302, 303) and headers.get("Location") == "/",
           f"POST / answered {status} (Location {headers.get('Location')!r}): {body[:400]!r}")
    return f"POST / with token, cookie, Origin https://{VIEWER_HOST}, {run.proto}: https -> {status} to /"


def check_database(run):
    status, _, body = run.app.request("GET", "/", run.via_cloudfront(Cookie=run.cookie_header()))
    expect(status == 200 and f"<li>{run.note}</li>" in body, f"the note {run.note} is not on the next GET / ({status})")
    with run.database() as conn:
        rows = conn.execute("SELECT count(*) FROM notes_note WHERE text = %s", (run.note,)).fetchone()[0]
    expect(rows == 1, f"expected one row for {run.note} in notes_note, found {rows}")
    return f"{run.note} is on the page and in {run.env['DATABASE_NAME']}.notes_note"


def check_secure(run):
    seen = {}
    for https in (True, False):
        status, _, body = run.app.request("GET", "/secure/", run.via_cloudfront(https=https))
        expect(status == 200, f"GET /secure/ answered {status}: {body[:200]!r}")
        seen[https] = json.loads(body)["secure"]
    expect(seen == {True: True, False: False},
           f"request.is_secure() was {seen[True]} with {run.proto}: https and {seen[False]} without")
    return f"with {run.proto}: https -> secure=true; without -> secure=false"


def check_trap(run):
    expect(run.token, "no CSRF token from GET / (see the page check)")
    text = run.note + "-plain"
    status, _, body = post_note(run, text, https=False)
    expect(status == 403, f"an HTTPS-origin POST without {run.proto} answered {status}, expected 403: {body[:200]!r}")
    return f"without {run.proto} Django sees http and refuses the https Origin (403), as behind a bare proxy"


def check_celery_task(run):
    expect(run.token, "no CSRF token from GET / (see the page check)")
    start = time.monotonic()
    status, _, body = run.post("/jobs/", urllib.parse.urlencode({"csrfmiddlewaretoken": run.token}),
                               "application/x-www-form-urlencoded")
    expect(status == 202, f"POST /jobs/ answered {status}: {body[:300]!r}")
    answer = json.loads(body)
    expect(answer.get("eager") is False,
           "the web app ran the task itself (CELERY_TASK_ALWAYS_EAGER: no CELERY_BROKER_URL in its environment)")
    token = answer["token"]
    with run.database() as conn:
        while True:
            row = conn.execute("SELECT worker, source FROM notes_job WHERE token = %s", (token,)).fetchone()
            if row:
                break
            expect(time.monotonic() - start < JOB_TIMEOUT,
                   f"no row for the task {answer.get('task_id')} (token {token}) in notes_job {JOB_TIMEOUT}s after "
                   "POST /jobs/: the worker did not get or run it (see worker.log)")
            time.sleep(0.1)
    elapsed = time.monotonic() - start
    worker, source = row
    expect(source == "web" and worker.startswith("celery@"),
           f"the row was written by {worker!r} (source {source!r}), not by a Celery worker")
    # The queue lives on the TLS server at the app's broker URL.
    bindings = sorted(key.decode() for key in run.cache_server().scan_iter(match="*_kombu.binding.*"))
    expect(bindings, "no kombu binding keys on the Valkey/Redis server: the broker is elsewhere")
    return (f"POST /jobs/ -> 202, task {answer.get('task_id')}; its row is in notes_job {elapsed:.2f}s later, "
            f"written by {worker}\nbroker keys on rediss://127.0.0.1 (TLS): {', '.join(bindings)}")


def check_cache(run):
    counts = []
    for _ in range(2):
        status, _, body = run.app.request("GET", "/cache/", run.via_cloudfront(Cookie=run.cookie_header()))
        expect(status == 200, f"GET /cache/ answered {status}: {body[:300]!r}")
        answer = json.loads(body)
        counts.append(answer["visits"])
    expect(answer["backend"] == "RedisCache", f"Django's cache is {answer['backend']}, not RedisCache on REDIS_URL")
    expect(counts[1] == counts[0] + 1, f"the visit counter went {counts[0]} -> {counts[1]}")
    server = run.cache_server()
    keys = sorted(key.decode() for key in server.scan_iter(match="*:visits"))
    expect(len(keys) == 1, f"expected one visits key on the Valkey/Redis server, found {keys}")
    stored = server.get(keys[0])
    expect(stored is not None and int(stored) == counts[1],
           f"{keys[0]} holds {stored!r} on the server, the app counted {counts[1]}")
    return (f"GET /cache/ twice -> visits {counts[0]}, {counts[1]} (RedisCache); "
            f"the server at REDIS_URL (TLS) holds {keys[0]} = {int(stored)}")


def multipart(fields, files):
    """A multipart/form-data body: (content type, bytes)."""
    boundary = "e2e-" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def check_upload(run):
    expect(run.token, "no CSRF token from GET / (see the page check)")
    content = secrets.token_bytes(64 * 1024)
    filename = f"e2e-{secrets.token_hex(4)}.bin"
    content_type, body = multipart({"csrfmiddlewaretoken": run.token}, {"file": (filename, content)})
    status, _, text = run.post("/uploads/", body, content_type)
    expect(status == 201, f"POST /uploads/ answered {status}: {text[:300]!r}")
    answer = json.loads(text)
    key, url = answer["name"], answer["url"]
    stored = run.s3.get_object(Bucket=run.media_bucket, Key=key)["Body"].read()
    expect(stored == content, f"s3://{run.media_bucket}/{key} differs from the uploaded bytes")
    in_static = run.s3.list_objects_v2(Bucket=run.bucket, Prefix=key).get("KeyCount", 0)
    expect(in_static == 0, f"the upload is also in the static files bucket {run.bucket}")

    # A presigned GET (Signature Version 4, an hour) of that key in the media bucket.
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    moto = urllib.parse.urlsplit(run.moto_url)
    expect((parts.hostname, parts.port) == (moto.hostname, moto.port),
           f"the file's URL {url} is not on the S3 endpoint {run.moto_url}")
    expect(urllib.parse.unquote(parts.path) == f"/{run.media_bucket}/{key}",
           f"the file's URL names {parts.path}, not s3://{run.media_bucket}/{key}")
    expect(query.get("X-Amz-Algorithm") == ["AWS4-HMAC-SHA256"] and query.get("X-Amz-Signature")
           and query.get("X-Amz-Credential"), f"the file's URL is not a presigned (SigV4) URL: {url}")
    expect(query.get("X-Amz-Expires") == ["3600"], f"the presigned URL expires after {query.get('X-Amz-Expires')} s")
    status, fetched = get_bytes(url)
    expect(status == 200 and fetched == content,
           f"GET of the presigned URL answered {status} with {len(fetched)} bytes (uploaded {len(content)})")

    status, headers, _ = run.app.request("GET", f"/uploads/{answer['id']}/", run.via_cloudfront(Cookie=run.cookie_header()))
    location = headers.get("Location") or ""
    expect(status == 302 and "X-Amz-Signature=" in location,
           f"GET /uploads/{answer['id']}/ answered {status} to {location!r}, not a presigned URL")
    return (f"POST /uploads/ ({len(content)} bytes) -> 201; s3://{run.media_bucket}/{key} holds the same bytes\n"
            f"presigned URL (SigV4, X-Amz-Expires=3600) -> 200, same bytes; /uploads/{answer['id']}/ -> 302 to a fresh one")


def check_scheduled_command(run):
    """Run the schedule's command as its Fargate task would, with its own variables."""
    command = read_args(os.path.join(run.out, "scheduled.args"))
    env = {name: value for name, value in os.environ.items() if not name.startswith("E2E_")}
    env.update(read_env(os.path.join(run.out, "scheduled.env")))
    env.update(run.test_env)
    # The image has the program on its PATH; here it is the venv's.
    program = shutil.which(command[0], path=env["PATH"])
    expect(program, f"{command[0]} is not on the PATH {env['PATH']}")
    expired, live = secrets.token_hex(16), secrets.token_hex(16)
    with run.database() as conn:
        conn.execute("INSERT INTO django_session (session_key, session_data, expire_date) VALUES "
                     "(%s, 'e2e', now() - interval '1 day'), (%s, 'e2e', now() + interval '1 day')", (expired, live))
    try:
        proc = subprocess.run([program, *command[1:]], cwd=run.app_dir, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=SCHEDULED_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"{' '.join(command)} did not finish within {SCHEDULED_TIMEOUT}s") from None
    output = (proc.stdout + proc.stderr).strip()
    expect(proc.returncode == 0, f"{' '.join(command)} exited {proc.returncode}:\n{output[-1500:]}")
    with run.database() as conn:
        left = {key for (key,) in conn.execute(
            "SELECT session_key FROM django_session WHERE session_key IN (%s, %s)", (expired, live))}
    expect(left == {live}, f"after {' '.join(command)} the sessions left are {left}: expected only the live one")
    return f"{' '.join(command)} (in {run.app_dir}, its task definition's variables) -> exit 0; " \
           "the expired session is gone, the live one kept"


# Run by `manage.py shell -c` without the background-work variables: what a
# developer gets. Asserts, and prints one line for the check's detail.
LOCAL_DEVELOPMENT_SNIPPET = """
from django.core.files.storage import storages
from django.test import Client
from notes.models import Job
client = Client()
answer = client.post("/jobs/").json()
assert answer["eager"] is True, answer
job = Job.objects.get(token=answer["token"])
assert job.worker == "", job.worker
backend = client.get("/cache/").json()["backend"]
assert backend == "LocMemCache", backend
storage = type(storages["default"]).__name__
assert storage == "FileSystemStorage", storage
print(f"POST /jobs/ ran the task inline (row {job.pk}); cache {backend}; uploads {storage}")
"""


def check_local_development(run):
    dropped = ("REDIS_URL", "CELERY_BROKER_URL", "AWS_MEDIA_BUCKET_NAME")
    env = {name: value for name, value in os.environ.items() if not name.startswith("E2E_")}
    env.update({name: value for name, value in run.env.items() if name not in dropped})
    python = shutil.which("python", path=env["PATH"])
    try:
        proc = subprocess.run([python, "manage.py", "shell", "-c", LOCAL_DEVELOPMENT_SNIPPET], cwd=run.app_dir,
                              env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=SCHEDULED_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"manage.py shell did not finish within {SCHEDULED_TIMEOUT}s") from None
    expect(proc.returncode == 0, f"without {', '.join(dropped)} the app failed:\n{(proc.stdout + proc.stderr)[-1500:]}")
    return f"without {', '.join(dropped)}: {proc.stdout.strip().splitlines()[-1]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="the directory contract.py wrote")
    parser.add_argument("--app-url", required=True)
    parser.add_argument("--moto-url", required=True)
    parser.add_argument("--app-dir", required=True)
    args = parser.parse_args()
    run = Run(args)
    checks = [
        ("ALB health check: GET the target group's path with Host: <task IP> -> 200 ok", check_health),
        ("collectstatic: every file is in the bucket under CloudFront's static/ prefix", check_bucket),
        ("GET / via CloudFront (https): 200, seen as secure, CSRF cookie Secure", check_page),
        ("the page's static URL goes through CloudFront /static/* to an existing bucket key", check_static_link),
        ("CSRF-protected POST / via CloudFront (https) is accepted", check_post),
        ("the posted note round-trips through PostgreSQL", check_database),
        ("/secure/: secure with CloudFront-Forwarded-Proto: https, not without", check_secure),
        ("without CloudFront-Forwarded-Proto an https-origin POST is refused (the trap)", check_trap),
        ("Celery: POST /jobs/ queues a task on the TLS broker; the worker writes its row to PostgreSQL",
         check_celery_task),
        ("Django's cache is the Valkey/Redis server at REDIS_URL, over TLS", check_cache),
        ("upload: POST /uploads/ stores the file in the media bucket; its presigned URL serves the same bytes",
         check_upload),
        ("the scheduled command (the schedule's task definition) exits 0 and clears expired sessions",
         check_scheduled_command),
        ("a developer's machine: without the cache and media variables tasks run inline, cache in memory, files on disk",
         check_local_development),
    ]
    results = [run_check(name, func, run) for name, func in checks]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
