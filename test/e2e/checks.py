"""Step 7 of test/e2e/run.sh: talk to the running app as the ALB and CloudFront would.

The app (gunicorn) runs with exactly the environment contract.py derived
from the template; moto holds the static files bucket; PostgreSQL the notes.
Requests that "come through CloudFront" carry what CloudFront sends to the
load balancer for an HTTPS viewer: the viewer's Host (a CloudFront domain),
cookies, Origin/Referer, and CloudFront-Forwarded-Proto (the header name
comes from the template, see contract.py).
"""
import argparse
import html
import http.client
import http.cookies
import json
import os
import re
import secrets
import sys
import urllib.parse

from contract import cloudfront_regex
from e2elib import expect, run_check

ALB_HEALTH_HOST = "10.0.1.23"  # ALB health checks send the task's IP as Host
VIEWER_HOST = "d111111abcdef8.cloudfront.net"  # the distribution's domain
TIMEOUT = 15


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


class Run:
    """What the checks share: the contract, the app's environment, clients."""

    def __init__(self, args):
        with open(os.path.join(args.out, "contract.json"), encoding="utf-8") as handle:
            self.contract = json.load(handle)
        self.env = {}
        with open(os.path.join(args.out, "app.env"), encoding="utf-8") as handle:
            for line in handle:
                name, _, value = line.rstrip("\n").partition("=")
                self.env[name] = value
        self.app = App(args.app_url)
        self.app_dir = args.app_dir
        import boto3  # from the test's venv

        self.s3 = boto3.session.Session(
            aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1",
        ).client("s3", endpoint_url=args.moto_url)
        self.bucket = self.env["AWS_STORAGE_BUCKET_NAME"]
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
    headers = run.via_cloudfront(
        https=https,
        Origin=f"https://{VIEWER_HOST}",  # the viewer's browser is on HTTPS either way
        Referer=f"https://{VIEWER_HOST}/",
        Cookie=run.cookie_header(),
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    return run.app.request("POST", "/", headers, form)


def check_post(run):
    expect(run.token, "no CSRF token from GET / (see the page check)")
    status, headers, body = post_note(run, run.note, https=True)
    expect(status in (302, 303) and headers.get("Location") == "/",
           f"POST / answered {status} (Location {headers.get('Location')!r}): {body[:400]!r}")
    return f"POST / with token, cookie, Origin https://{VIEWER_HOST}, {run.proto}: https -> {status} to /"


def check_database(run):
    import psycopg  # from the test's venv

    status, _, body = run.app.request("GET", "/", run.via_cloudfront(Cookie=run.cookie_header()))
    expect(status == 200 and f"<li>{run.note}</li>" in body, f"the note {run.note} is not on the next GET / ({status})")
    conninfo = {
        "host": run.env["DATABASE_HOST"], "port": run.env["DATABASE_PORT"], "dbname": run.env["DATABASE_NAME"],
        "user": run.env["DATABASE_USER"], "password": run.env["DATABASE_PASSWORD"], "connect_timeout": TIMEOUT,
    }
    with psycopg.connect(**conninfo) as conn:
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
    ]
    results = [run_check(name, func, run) for name, func in checks]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
