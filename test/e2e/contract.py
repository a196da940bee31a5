"""Read the Django container's contract from the synthesized template.

Steps 4 and 5 of test/e2e/run.sh. From the synthesized example stack
(examples/app/cdk.out/DjangoExample.template.json) this reads:

- the `Environment` and `Secrets` of the web service's container (the
  `AWS::ECS::Service` behind the load balancer): each one must be a variable
  this test knows how to give a local value (and every variable the example
  app reads must be there), so renaming a variable in the construct fails the
  test; every other task definition (release, workers, scheduled commands)
  must give the same;
- the cache's URLs (`REDIS_URL`, `CELERY_BROKER_URL`: TLS to the Valkey
  cache) and the media bucket (`AWS_MEDIA_BUCKET_NAME`: private, its own);
- the Celery worker (the container logging under `worker-celery`): its
  command, and the scheduled command `clearsessions` (the
  `AWS::Scheduler::Schedule` of task group `scheduled:clearsessions`): the
  command its Fargate task runs;
- the release step (the `Custom::DjangoRelease` resource): the commands it
  runs, in order, from which task definition, and that the web service, the
  workers and the schedules wait for it;
- the port the container, the ECS service and the target group use, and the
  target group's health check, against the Dockerfile's gunicorn command;
- CloudFront's behaviors: which path prefix reaches the static files bucket,
  and whether Django's requests reach the load balancer with what Django needs
  (POST, cookies, Host, CloudFront-Forwarded-Proto, no caching).

Then, with --moto-url, it does what ECS does at task start: stores each
secret as an SSM SecureString parameter (named as in its `ValueFrom` ARN) in
moto, reads it back with decryption and hands it to the process under the
secret's name. Plain variables keep the template's literal values; the ones
CloudFormation resolves at deployment (RDS endpoint, bucket names, the
cache's endpoint) get the local PostgreSQL, the moto buckets (which this step
creates) and the local TLS Valkey/Redis server: in the cache's URLs only the
host and the port are swapped, the rest (`rediss://`, `?ssl_cert_reqs=required`)
is the template's. (The CA that signed the local server's certificate is not
part of the contract: run.sh gives it to the processes as SSL_CERT_FILE.)

Outputs in --out, each computed from its own container in the template:
`app.env` (NAME=value per line, for `env -i`) and `gunicorn.args` (the
Dockerfile's command, one argument per line, bound to 127.0.0.1) for the web
service; `worker.env` and `worker.args` (the container's `Command`) for the
Celery worker; `scheduled.env` and `scheduled.args` for the scheduled
command; `release.env` and `release.commands` (one JSON array per line) for
the release step; and `contract.json` (what checks.py needs).

Local values come from the environment: E2E_DATABASE_HOST, E2E_DATABASE_PORT,
E2E_BUCKET, E2E_MEDIA_BUCKET, E2E_REDIS_PORT, E2E_APP_PORT and one E2E_<NAME>
per secret (see SECRETS). Without --moto-url only the template checks run.
"""
import argparse
import json
import os
import re
import sys
import time

from e2elib import CheckFailed, expect, record

# --- How each variable of the container gets a local value ------------------
# These tables are the test's knowledge, not the contract: the names come from
# the template, and a name missing from these tables fails the run.

# Plain variables whose value the template states; passed on unchanged.
LITERAL_ENV = ("DEBUG", "DJANGO_ALLOWED_HOSTS", "DEVELOPMENT_MODE", "DJANGO_LOG_LEVEL")

# Plain variables CloudFormation fills in at deployment:
# (intrinsic, resource type it must point at, attribute, local value's variable).
RESOLVED_ENV = {
    "DATABASE_HOST": ("Fn::GetAtt", "AWS::RDS::DBInstance", "Endpoint.Address", "E2E_DATABASE_HOST"),
    "DATABASE_PORT": ("Fn::GetAtt", "AWS::RDS::DBInstance", "Endpoint.Port", "E2E_DATABASE_PORT"),
    "AWS_STORAGE_BUCKET_NAME": ("Ref", "AWS::S3::Bucket", None, "E2E_BUCKET"),
    "AWS_MEDIA_BUCKET_NAME": ("Ref", "AWS::S3::Bucket", None, "E2E_MEDIA_BUCKET"),
}

# Plain variables CloudFormation builds from text and a resource's attributes
# (Fn::Join): URLs of the cache. Locally the attributes that stand for the
# host and the port become the local server's (HOST_MARK, PORT_MARK below);
# the rest of the URL is kept as the template writes it.
URL_ENV = {
    "REDIS_URL": "AWS::ElastiCache::ServerlessCache",
    "CELERY_BROKER_URL": "AWS::ElastiCache::ServerlessCache",
}
URL_ATTRIBUTES = {"Endpoint.Address": "@HOST@", "Endpoint.Port": "@PORT@"}
HOST_MARK, PORT_MARK = "@HOST@", "@PORT@"
CACHE_HOST = "127.0.0.1"

# Secrets ECS reads from SSM Parameter Store: the local value to store there.
SECRETS = {
    "DATABASE_NAME": "E2E_DATABASE_NAME",
    "DATABASE_USER": "E2E_DATABASE_USER",
    "DATABASE_PASSWORD": "E2E_DATABASE_PASSWORD",
    "DJANGO_SECRET_KEY": "E2E_DJANGO_SECRET_KEY",
    "EMAIL_HOST_PASSWORD": "E2E_EMAIL_HOST_PASSWORD",
}

# CloudFront managed policies (ids are fixed by AWS).
MANAGED_ORIGIN_REQUEST_POLICIES = {
    # AllViewerAndCloudFrontHeaders-2022-06: all viewer headers, cookies and
    # query strings, plus the CloudFront-* headers.
    "33f36d7e-f396-46d9-90e0-52428a34d9dc": {
        "cookies": "all", "host": True, "headers": {"cloudfront-forwarded-proto"},
    },
}
CACHING_DISABLED_POLICY_ID = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

PROTO_HEADER = "CloudFront-Forwarded-Proto"

# The example's workers and scheduled command (examples/app/main.ts).
WORKER_STREAM_PREFIX = "worker-celery"
SCHEDULED_GROUP = "scheduled:clearsessions"
RELEASE_TYPE = "Custom::DjangoRelease"
SSM_PARAMETER_ARN = re.compile(r"^arn:[^:]+:ssm:[^:]*:[^:]*:parameter/(.+)$")


class Template:
    """The synthesized stack, with the few lookups the checks need."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self.body = json.load(handle)
        self.resources = self.body.get("Resources", {})

    def of_type(self, resource_type):
        return {lid: res for lid, res in self.resources.items() if res.get("Type") == resource_type}

    def only(self, resource_type):
        found = self.of_type(resource_type)
        expect(len(found) == 1, f"expected one {resource_type} in the template, found {len(found)}: {sorted(found)}")
        return next(iter(found.items()))

    def type_of(self, logical_id):
        return self.resources.get(logical_id, {}).get("Type")

    def ref(self, value):
        """The logical id a {"Ref": id} points at, or None."""
        if isinstance(value, dict) and set(value) == {"Ref"} and isinstance(value["Ref"], str):
            return value["Ref"]
        return None

    def web_service(self):
        """The one ECS service behind the load balancer (workers have none)."""
        found = {lid: res for lid, res in self.of_type("AWS::ECS::Service").items()
                 if res["Properties"].get("LoadBalancers")}
        expect(len(found) == 1,
               f"expected one ECS service with a load balancer in the template, found {len(found)}: {sorted(found)}")
        return next(iter(found.items()))

    def container(self):
        """The container the ECS service runs and puts behind the load balancer."""
        _, service = self.web_service()
        props = service["Properties"]
        task_id = self.ref(props.get("TaskDefinition"))
        expect(self.type_of(task_id) == "AWS::ECS::TaskDefinition",
               f"the ECS service's TaskDefinition is not one of this stack: {props.get('TaskDefinition')}")
        task = self.resources[task_id]
        balancers = props.get("LoadBalancers") or []
        expect(len(balancers) == 1, f"expected the ECS service to have one load balancer entry, found {len(balancers)}")
        wanted = balancers[0].get("ContainerName")
        containers = task["Properties"].get("ContainerDefinitions", [])
        matches = [c for c in containers if c.get("Name") == wanted]
        expect(len(matches) == 1, f"no container named {wanted!r} in {task_id}")
        return matches[0], balancers[0]

    def other_containers(self):
        """Containers of the other task definitions (e.g. one for release commands), by label."""
        service_container, _ = self.container()
        found = {}
        for task_id, task in self.of_type("AWS::ECS::TaskDefinition").items():
            for container in task["Properties"].get("ContainerDefinitions", []):
                if container is not service_container:
                    found[f"{task_id}/{container.get('Name')}"] = container
        return found

    def containers_logging_under(self, prefix):
        """(task definition id, container) of every container whose awslogs stream prefix is prefix."""
        found = []
        for task_id, task in self.of_type("AWS::ECS::TaskDefinition").items():
            for container in task["Properties"].get("ContainerDefinitions", []):
                options = (container.get("LogConfiguration") or {}).get("Options") or {}
                if options.get("awslogs-stream-prefix") == prefix:
                    found.append((task_id, container))
        return found


def render_url(template, value, resource_type):
    """A URL the template builds with Fn::Join from text and a resource's attributes.

    Returns (the URL with HOST_MARK/PORT_MARK for the attributes, the
    resource's logical id); raises CheckFailed for anything else.
    """
    if isinstance(value, str):
        raise CheckFailed(f"a literal {value!r}, not built from the {resource_type}'s endpoint")
    if not (isinstance(value, dict) and set(value) == {"Fn::Join"}):
        raise CheckFailed(f"cannot read {json.dumps(value)} (expected Fn::Join)")
    separator, parts = value["Fn::Join"]
    rendered, targets = [], set()
    for part in parts:
        if isinstance(part, str):
            rendered.append(part)
        elif isinstance(part, dict) and set(part) == {"Fn::GetAtt"}:
            target_id, attribute = part["Fn::GetAtt"]
            if template.type_of(target_id) != resource_type or attribute not in URL_ATTRIBUTES:
                raise CheckFailed(f"{json.dumps(part)} is not the endpoint address or port of a {resource_type}")
            rendered.append(URL_ATTRIBUTES[attribute])
            targets.add(target_id)
        else:
            raise CheckFailed(f"cannot read {json.dumps(part)} in {json.dumps(value)}")
    if len(targets) != 1:
        raise CheckFailed(f"{json.dumps(value)} does not name exactly one {resource_type}")
    return separator.join(rendered), targets.pop()


def local_url(marked, port):
    """The template's URL with the cache's host and port swapped for the local server's."""
    match = re.match(rf"^(rediss?://){re.escape(HOST_MARK)}:({re.escape(PORT_MARK)}|\d+)([/?].*)?$", marked)
    if not match:
        raise CheckFailed(f"{marked!r} is not <scheme>://<endpoint address>:<port>[/...][?...]")
    return f"{match.group(1)}{CACHE_HOST}:{port}{match.group(3) or ''}"


def render_arn(value):
    """A ValueFrom as text, pseudo parameters shown as {Region} etc. (no colons)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and isinstance(arg, str) and arg.startswith("AWS::"):
            return "{" + arg[len("AWS::"):] + "}"
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            return arg[0].join(render_arn(part) for part in arg[1])
        if key == "Fn::Sub" and isinstance(arg, str):
            return re.sub(r"\$\{AWS::(\w+)\}", r"{\1}", arg)
    raise CheckFailed(f"cannot read the ARN {json.dumps(value)}")


def parameter_name(value_from):
    """The SSM parameter name an ECS secret's ValueFrom ARN designates."""
    arn = render_arn(value_from)
    match = SSM_PARAMETER_ARN.match(arn)
    if not match:
        raise CheckFailed(f"ValueFrom {arn!r} is not an SSM parameter ARN")
    rest = match.group(1)
    # ECS: a name with a path is written without its leading slash in the ARN.
    return "/" + rest if "/" in rest else rest


def read_variables(template, container, problems):
    """Map a container's Environment and Secrets onto local sources.

    Returns (literal {name: value}, resolved {name: local-var}, urls {name:
    URL with HOST_MARK/PORT_MARK}, secrets {name: parameter name}, facts);
    appends a line to problems for anything the test cannot map.
    """
    literal, resolved, urls, secrets, facts = {}, {}, {}, {}, {}
    seen = set()

    for entry in container.get("Environment", []):
        name, value = entry.get("Name"), entry.get("Value")
        if name in seen:
            problems.append(f"{name} is given twice")
        seen.add(name)
        shown = json.dumps(value)
        if name in LITERAL_ENV:
            if isinstance(value, str):
                literal[name] = value
            else:
                problems.append(f"{name} should be a literal value, the template has {shown}")
        elif name in RESOLVED_ENV:
            intrinsic, resource_type, attribute, local = RESOLVED_ENV[name]
            target = None
            if intrinsic == "Ref":
                target = template.ref(value)
            elif isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
                target_id, target_attr = value["Fn::GetAtt"]
                target = target_id if target_attr == attribute else None
            if target and template.type_of(target) == resource_type:
                resolved[name] = local
                facts[name] = target
            else:
                want = f"{intrinsic} {resource_type}" + (f".{attribute}" if attribute else "")
                problems.append(f"{name} should be the {want}, the template has {shown}")
        elif name in URL_ENV:
            try:
                urls[name], facts[name] = render_url(template, value, URL_ENV[name])
            except CheckFailed as exc:
                problems.append(f"{name}: {exc}")
        elif name in SECRETS:
            problems.append(f"{name} is a plain environment variable ({shown}); it must be a secret read from SSM")
        else:
            problems.append(
                f"unknown environment variable {name}={shown}: the e2e test does not know how to give it a local "
                "value (map it in test/e2e/contract.py and read it in examples/django-app/config/settings.py)")

    for entry in container.get("Secrets", []):
        name = entry.get("Name")
        if name in seen:
            problems.append(f"{name} is given twice")
        seen.add(name)
        if name in SECRETS:
            try:
                secrets[name] = parameter_name(entry.get("ValueFrom"))
            except CheckFailed as exc:
                problems.append(f"secret {name}: {exc}")
        elif name in LITERAL_ENV or name in RESOLVED_ENV or name in URL_ENV:
            problems.append(f"{name} is a secret in the template; the app expects a plain environment variable")
        else:
            problems.append(
                f"unknown secret {name} (from {render_arn(entry.get('ValueFrom'))}): the e2e test does not know how "
                "to give it a local value (map it in test/e2e/contract.py and read it in "
                "examples/django-app/config/settings.py)")

    for name in (*LITERAL_ENV, *RESOLVED_ENV, *URL_ENV, *SECRETS):
        if name not in seen:
            problems.append(f"the template no longer gives the container {name}, "
                            "which examples/django-app/config/settings.py reads")
    return literal, resolved, urls, secrets, facts


def check_variables(template, state):
    problems = []
    container, _ = template.container()
    mapped = read_variables(template, container, problems)
    literal, resolved, urls, secrets, facts = mapped
    state.update(web_vars=mapped, facts=facts)
    # Other task definitions running the app (the release commands, the
    # workers, the scheduled commands) must give it the very same variables.
    others = template.other_containers()
    for label, other in others.items():
        other_problems = []
        if read_variables(template, other, other_problems) != mapped or other_problems:
            problems.append(f"{label} does not give the same environment and secrets as the service's container "
                            f"{container.get('Name')!r}: {other_problems or 'different names or values'}")
    expect(not problems, "\n".join(problems))
    return (f"environment: {', '.join([*literal, *resolved, *urls])}\n"
            f"secrets: {', '.join(f'{n} <- ssm:{p}' for n, p in secrets.items())}"
            + (f"\nthe same in: {', '.join(others)}" if others else ""))


def dockerfile_cmd(path):
    """The exec-form CMD of a Dockerfile, as a list (the last CMD wins)."""
    with open(path, encoding="utf-8") as handle:
        text = re.sub(r"\\\n", " ", handle.read())
    cmd = None
    for line in text.splitlines():
        match = re.match(r"\s*CMD\s+(.*)$", line, re.IGNORECASE)
        if match:
            cmd = json.loads(match.group(1))
    expect(isinstance(cmd, list) and cmd, f"{path}: no exec-form CMD [\"gunicorn\", ...]")
    return cmd


def check_port(template, dockerfile, state):
    container, balancer = template.container()
    ports = [m.get("ContainerPort") for m in container.get("PortMappings", [])]
    expect(len(ports) == 1, f"expected one port mapping on the container, found {ports}")
    port = ports[0]
    expect(balancer.get("ContainerPort") == port,
           f"the service registers port {balancer.get('ContainerPort')}, the container maps {port}")
    tg_id = template.ref(balancer.get("TargetGroupArn"))
    expect(template.type_of(tg_id) == "AWS::ElasticLoadBalancingV2::TargetGroup",
           f"the service's TargetGroupArn is not a target group of this stack: {balancer.get('TargetGroupArn')}")
    tg = template.resources[tg_id]["Properties"]
    expect(tg.get("Port") == port, f"the target group's port is {tg.get('Port')}, the container's {port}")
    expect(tg.get("Protocol", "HTTP") == "HTTP", f"the target group speaks {tg.get('Protocol')}, gunicorn HTTP")

    cmd = dockerfile_cmd(dockerfile)
    expect(cmd[0] == "gunicorn", f"the Dockerfile's CMD does not start gunicorn: {cmd}")
    binds = [i for i, arg in enumerate(cmd) if arg in ("--bind", "-b")]
    expect(len(binds) == 1 and binds[0] + 1 < len(cmd), f"the Dockerfile's CMD has no single --bind: {cmd}")
    bind = cmd[binds[0] + 1]
    expect(bind == f"0.0.0.0:{port}", f"gunicorn binds {bind}, the load balancer sends to port {port}")

    health_path = tg.get("HealthCheckPath", "/")
    codes = str((tg.get("Matcher") or {}).get("HttpCode", "200"))
    state.update(container_port=port, health_path=health_path, health_codes=codes, gunicorn_cmd=cmd,
                 bind_index=binds[0] + 1)
    return f"port {port}; health check GET {health_path} expects {codes}"


def cloudfront_regex(pattern):
    """A CloudFront path pattern (`*` any characters, `?` one) as a regex."""
    if not pattern.startswith("/"):
        pattern = "/" + pattern
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern) + r"\Z")


def route(distribution, path):
    """The cache behavior CloudFront applies to path: the first match, else the default."""
    for behavior in distribution.get("CacheBehaviors", []):
        if cloudfront_regex(behavior["PathPattern"]).match(path):
            return behavior
    return distribution["DefaultCacheBehavior"]


def origin_target(template, origin):
    """The logical id an origin's DomainName is taken from (Fn::GetAtt [id, attr])."""
    domain = origin.get("DomainName")
    if isinstance(domain, dict) and set(domain) == {"Fn::GetAtt"}:
        return domain["Fn::GetAtt"][0]
    return None


def check_static_route(template, state):
    bucket = state.get("facts", {}).get("AWS_STORAGE_BUCKET_NAME")
    expect(bucket, "AWS_STORAGE_BUCKET_NAME does not name a bucket of this stack (see the first check)")
    _, dist = template.only("AWS::CloudFront::Distribution")
    config = dist["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config.get("Origins", [])}

    static_path = "/static/notes/style.css"
    behavior = route(config, static_path)
    pattern = behavior.get("PathPattern")
    expect(pattern, f"{static_path} goes to CloudFront's default behavior, not to the static files bucket")
    origin = origins.get(behavior["TargetOriginId"], {})
    expect(origin_target(template, origin) == bucket and "S3OriginConfig" in origin,
           f"{static_path} matches {pattern!r}, whose origin is not the bucket {bucket} "
           f"(AWS_STORAGE_BUCKET_NAME): {json.dumps(origin.get('DomainName'))}")
    # CloudFront sends the viewer's path unchanged (no origin path here), so
    # the key is the path without its leading slash.
    expect(not origin.get("OriginPath"), f"the static origin has an OriginPath {origin.get('OriginPath')!r}")
    prefix = pattern.lstrip("/").split("*")[0].split("?")[0]
    expect(prefix == "static/",
           f"the static behavior {pattern!r} maps to keys under {prefix!r}, the app uses 'static/'")

    for path in ("/", "/health/", "/secure/", "/admin/login/"):
        other = route(config, path)
        target = origin_target(template, origins.get(other["TargetOriginId"], {}))
        expect(template.type_of(target) == "AWS::ElasticLoadBalancingV2::LoadBalancer",
               f"{path} does not reach the load balancer (behavior {other.get('PathPattern', 'default')!r})")
    state.update(static_pattern=pattern, static_prefix=prefix)
    return f"{pattern} -> s3://<{bucket}>/{prefix}...; everything else -> the load balancer"


def check_dynamic_route(template, state):
    _, dist = template.only("AWS::CloudFront::Distribution")
    config = dist["Properties"]["DistributionConfig"]
    behavior = route(config, "/")
    methods = set(behavior.get("AllowedMethods", ["GET", "HEAD"]))
    expect("POST" in methods, f"CloudFront refuses POST on / (AllowedMethods {sorted(methods)}): forms cannot be sent")

    cache = behavior.get("CachePolicyId")
    expect(cache == CACHING_DISABLED_POLICY_ID,
           f"Django's pages are cached by CloudFront (CachePolicyId {json.dumps(cache)}); "
           "pages carry per-user CSRF tokens and must use CachingDisabled")

    policy_ref = behavior.get("OriginRequestPolicyId")
    if isinstance(policy_ref, str) and policy_ref in MANAGED_ORIGIN_REQUEST_POLICIES:
        managed = MANAGED_ORIGIN_REQUEST_POLICIES[policy_ref]
        cookies, host, headers = managed["cookies"], managed["host"], managed["headers"]
    else:
        policy_id = template.ref(policy_ref)
        expect(template.type_of(policy_id) == "AWS::CloudFront::OriginRequestPolicy",
               f"cannot read the origin request policy {json.dumps(policy_ref)} of the default behavior")
        config = template.resources[policy_id]["Properties"]["OriginRequestPolicyConfig"]
        cookies = config.get("CookiesConfig", {}).get("CookieBehavior")
        header_config = config.get("HeadersConfig", {})
        header_behavior = header_config.get("HeaderBehavior")
        headers = {h.lower() for h in header_config.get("Headers", [])}
        host = header_behavior in ("allViewer", "allViewerAndWhitelistCloudFront") or "host" in headers
    expect(cookies == "all", f"CloudFront does not forward all cookies (CookieBehavior {cookies!r}): no CSRF cookie")
    expect(host, "CloudFront does not forward the viewer's Host header: Django's Origin check compares against it")
    expect(PROTO_HEADER.lower() in headers,
           f"CloudFront does not forward {PROTO_HEADER} to the load balancer: Django cannot tell HTTPS viewers")
    state.update(proto_header=PROTO_HEADER)
    return f"/ accepts POST, is not cached, and gets cookies, Host and {PROTO_HEADER}"


def check_cache_urls(template, state):
    literal, resolved, urls, secrets, facts = state["web_vars"]
    expect("REDIS_URL" in urls and "CELERY_BROKER_URL" in urls,
           "REDIS_URL or CELERY_BROKER_URL could not be read (see the first check)")
    cache_id = facts["REDIS_URL"]
    expect(facts["CELERY_BROKER_URL"] == cache_id,
           f"REDIS_URL names the cache {cache_id}, CELERY_BROKER_URL {facts['CELERY_BROKER_URL']}")
    engine = template.resources[cache_id]["Properties"].get("Engine")
    expect(engine == "valkey", f"the cache {cache_id} runs {engine!r}, not valkey")
    redis_url, broker_url = urls["REDIS_URL"], urls["CELERY_BROKER_URL"]
    # Both only TLS (rediss), to the cache's endpoint; Celery verifies the certificate.
    expect(redis_url == f"rediss://{HOST_MARK}:{PORT_MARK}",
           f"REDIS_URL is {redis_url!r}, expected rediss://<endpoint address>:<endpoint port>")
    expect(broker_url == redis_url + "?ssl_cert_reqs=required",
           f"CELERY_BROKER_URL is {broker_url!r}, expected REDIS_URL + '?ssl_cert_reqs=required'")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        local_url(urls[name], 6379)  # the local swap can be made
    state.update(cache_id=cache_id)
    return (f"REDIS_URL = {redis_url}\nCELERY_BROKER_URL = {broker_url}\n"
            f"({HOST_MARK}/{PORT_MARK}: {cache_id}'s Endpoint.Address/Endpoint.Port, engine {engine})")


def check_media_bucket(template, state):
    facts = state["facts"]
    media, static = facts.get("AWS_MEDIA_BUCKET_NAME"), facts.get("AWS_STORAGE_BUCKET_NAME")
    expect(media and static, "AWS_MEDIA_BUCKET_NAME or AWS_STORAGE_BUCKET_NAME does not name a bucket of this stack")
    expect(media != static, f"uploads and static files share the bucket {media}: the static files are public "
           "through CloudFront, uploads must not be")
    props = template.resources[media]["Properties"]
    block = props.get("PublicAccessBlockConfiguration") or {}
    expect(all(block.get(key) is True for key in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                  "RestrictPublicBuckets")),
           f"the media bucket {media} does not block all public access: {block}")
    _, dist = template.only("AWS::CloudFront::Distribution")
    origins = dist["Properties"]["DistributionConfig"].get("Origins", [])
    expect(all(origin_target(template, origin) != media for origin in origins),
           f"CloudFront serves the media bucket {media}: uploads must be reached by presigned URLs only")
    # django-storages must send no ACL to a bucket whose ACLs are disabled (S3
    # refuses every ACL but bucket-owner-full-control there).
    ownership = [rule.get("ObjectOwnership") for rule in
                 (props.get("OwnershipControls") or {}).get("Rules", [])]
    state.update(media_bucket_id=media)
    return (f"AWS_MEDIA_BUCKET_NAME -> {media} (not {static}); all public access blocked; no CloudFront origin; "
            f"object ownership {ownership or 'S3 default (BucketOwnerEnforced)'}")


def command_of(container, where):
    command = container.get("Command")
    expect(isinstance(command, list) and command and all(isinstance(arg, str) and arg for arg in command),
           f"{where} has no exec-form command of its own ({json.dumps(command)}): it would run the image's CMD "
           "(gunicorn)")
    return command


def check_worker(template, state):
    found = template.containers_logging_under(WORKER_STREAM_PREFIX)
    expect(len(found) == 1, f"expected one container logging under {WORKER_STREAM_PREFIX!r}, found "
           f"{[task_id for task_id, _ in found]}")
    task_id, container = found[0]
    command = command_of(container, f"the worker container {task_id}/{container.get('Name')}")
    expect(command[0] == "celery", f"the worker runs {command}, not celery")
    services = [lid for lid, res in template.of_type("AWS::ECS::Service").items()
                if template.ref(res["Properties"].get("TaskDefinition")) == task_id]
    expect(len(services) == 1, f"expected one ECS service running {task_id}, found {services}")
    service = template.resources[services[0]]["Properties"]
    expect(not service.get("LoadBalancers"), f"the worker service {services[0]} is behind a load balancer")
    problems = []
    mapped = read_variables(template, container, problems)
    expect(not problems, "\n".join(problems))
    state.update(worker_command=command, worker_vars=mapped)
    return f"{services[0]} runs {task_id}: {' '.join(command)}"


def check_scheduled_command(template, state):
    schedules = {lid: res["Properties"] for lid, res in template.of_type("AWS::Scheduler::Schedule").items()
                 if ((res["Properties"].get("Target") or {}).get("EcsParameters") or {}).get("Group")
                 == SCHEDULED_GROUP}
    expect(len(schedules) == 1, f"expected one schedule whose ECS task group is {SCHEDULED_GROUP!r}, found "
           f"{sorted(schedules)}")
    schedule_id, props = next(iter(schedules.items()))
    expect(props.get("State", "ENABLED") == "ENABLED", f"{schedule_id} is {props.get('State')}")
    target = props["Target"]
    ecs_params = target["EcsParameters"]
    cluster_arn = target.get("Arn")
    web_id, web = template.web_service()
    expect(isinstance(cluster_arn, dict) and cluster_arn.get("Fn::GetAtt", [None])[0]
           == template.ref(web["Properties"].get("Cluster")),
           f"{schedule_id} targets {json.dumps(cluster_arn)}, not the cluster of {web_id}")
    expect(ecs_params.get("LaunchType") == "FARGATE" or ecs_params.get("CapacityProviderStrategy"),
           f"{schedule_id} does not start a Fargate task: {json.dumps(ecs_params)[:300]}")
    task_id = template.ref(ecs_params.get("TaskDefinitionArn"))
    expect(template.type_of(task_id) == "AWS::ECS::TaskDefinition",
           f"{schedule_id} runs {json.dumps(ecs_params.get('TaskDefinitionArn'))}, not a task definition of this stack")
    containers = template.resources[task_id]["Properties"].get("ContainerDefinitions", [])
    expect(len(containers) == 1, f"{task_id} has {len(containers)} containers, expected one")
    container = containers[0]
    # What the target's RunTask would run: a command override in the
    # target's Input, or else the container's own command.
    command, source = None, f"{task_id}/{container.get('Name')} Command"
    if target.get("Input") is not None:
        expect(isinstance(target["Input"], str), f"cannot read {schedule_id}'s Input {json.dumps(target['Input'])}")
        overrides = json.loads(target["Input"]).get("containerOverrides", [])
        for override in overrides:
            if override.get("name") == container.get("Name") and "command" in override:
                command, source = override["command"], f"{schedule_id} Input containerOverrides"
    if command is None:
        command = command_of(container, f"the scheduled command's container {task_id}/{container.get('Name')}")
    expect(command[:2] == ["python", "manage.py"],
           f"the schedule runs {command}, not a manage.py command")
    problems = []
    mapped = read_variables(template, container, problems)
    expect(not problems, "\n".join(problems))
    state.update(scheduled_command=command, scheduled_vars=mapped)
    return (f"{schedule_id}: {props.get('ScheduleExpression')} {props.get('ScheduleExpressionTimezone', '')} "
            f"-> Fargate task {task_id}, group {SCHEDULED_GROUP}\ncommand ({source}): {' '.join(command)}")


def check_release(template, state):
    release_id, release = template.only(RELEASE_TYPE)
    props = release["Properties"]
    commands = props.get("Commands")
    if isinstance(commands, str):
        commands = json.loads(commands)
    expect(isinstance(commands, list) and commands
           and all(isinstance(c, list) and c and all(isinstance(a, str) for a in c) for c in commands),
           f"cannot read the release commands {json.dumps(props.get('Commands'))}")
    task_id = template.ref(props.get("TaskDefinition"))
    expect(template.type_of(task_id) == "AWS::ECS::TaskDefinition",
           f"{release_id} runs {json.dumps(props.get('TaskDefinition'))}, not a task definition of this stack")
    matches = [c for c in template.resources[task_id]["Properties"].get("ContainerDefinitions", [])
               if c.get("Name") == props.get("ContainerName")]
    expect(len(matches) == 1, f"no container {props.get('ContainerName')!r} in {task_id}")
    # Nothing runs the new version before the release step succeeded.
    waiting = [lid for lid, res in template.resources.items()
               if res.get("Type") in ("AWS::ECS::Service", "AWS::Scheduler::Schedule")]
    late = [lid for lid in waiting if release_id not in (template.resources[lid].get("DependsOn") or [])]
    expect(not late, f"these do not wait for the release step {release_id}: {late}")
    problems = []
    mapped = read_variables(template, matches[0], problems)
    expect(not problems, "\n".join(problems))
    state.update(release_commands=commands, release_vars=mapped)
    return (f"{release_id} runs in {task_id}: " + "; then ".join(" ".join(c) for c in commands)
            + f"\n{len(waiting)} services and schedules wait for it")


def run_template_checks(args, state):
    template = Template(args.template)
    checks = [
        ("template: the container's environment and secrets all map onto local services",
         check_variables, (template, state)),
        ("template: gunicorn (Dockerfile) listens on the container, service and target group port",
         check_port, (template, args.dockerfile, state)),
        ("template: CloudFront serves /static/* from AWS_STORAGE_BUCKET_NAME's bucket, the rest from the ALB",
         check_static_route, (template, state)),
        ("template: CloudFront passes POST, cookies, Host and CloudFront-Forwarded-Proto uncached to the ALB",
         check_dynamic_route, (template, state)),
        ("template: REDIS_URL and CELERY_BROKER_URL are TLS URLs of the Valkey cache (broker verifies certificates)",
         check_cache_urls, (template, state)),
        ("template: uploads go to a private media bucket of their own (AWS_MEDIA_BUCKET_NAME), not behind CloudFront",
         check_media_bucket, (template, state)),
        (f"template: the Celery worker (log stream {WORKER_STREAM_PREFIX}) is a service of its own running celery",
         check_worker, (template, state)),
        (f"template: the clearsessions schedule runs a manage.py command as a Fargate task ({SCHEDULED_GROUP})",
         check_scheduled_command, (template, state)),
        ("template: the release step's commands run before the web service, the workers and the schedules move",
         check_release, (template, state)),
    ]
    passed = True
    for name, func, func_args in checks:
        start = time.monotonic()
        try:
            info = func(*func_args)
            record(name, True, time.monotonic() - start, info)
        except CheckFailed as exc:
            passed = record(name, False, time.monotonic() - start, str(exc)) and passed
        except (KeyError, TypeError, ValueError) as exc:
            passed = record(name, False, time.monotonic() - start, f"cannot read the template: {exc!r}") and passed
    return passed


def local_value(variable):
    value = os.environ.get(variable)
    if not value:
        raise SystemExit(f"{variable} is not set: run.sh provides the local values")
    if any(c in value for c in "\n\r\0"):
        raise SystemExit(f"{variable} contains a line break or NUL")
    return value


def process_env(mapped, stored):
    """The variables ECS gives a container: the template's values made local."""
    literal, resolved, urls, secrets, _ = mapped
    env = dict(literal)
    for name, variable in resolved.items():
        env[name] = local_value(variable)
    for name, marked in urls.items():
        env[name] = local_url(marked, local_value("E2E_REDIS_PORT"))
    for name, parameter in secrets.items():
        env[name] = stored[parameter]
    return env


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(f"{line}\n" for line in lines)


def give_to_process(args, state):
    """What ECS does at task start, against moto; then write the outputs."""
    import boto3  # from the test's venv

    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=args.moto_url)
    ssm = session.client("ssm", endpoint_url=args.moto_url)

    # Every parameter any of the containers reads (they all read the same).
    parameters = {}
    for mapped in (state["web_vars"], state["worker_vars"], state["scheduled_vars"], state["release_vars"]):
        for name, parameter in mapped[3].items():
            parameters[parameter] = local_value(SECRETS[name])
    for parameter, value in parameters.items():
        ssm.put_parameter(Name=parameter, Value=value, Type="SecureString", Overwrite=True)
    stored = {}
    for parameter, value in parameters.items():
        # ECS resolves `valueFrom` with decryption when the task starts.
        found = ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]
        if found["Type"] != "SecureString" or found["Value"] != value:
            raise SystemExit(f"SSM parameter {parameter} did not round-trip through moto")
        stored[parameter] = found["Value"]

    env = process_env(state["web_vars"], stored)
    worker_env = process_env(state["worker_vars"], stored)
    scheduled_env = process_env(state["scheduled_vars"], stored)
    release_env = process_env(state["release_vars"], stored)
    for bucket in (env["AWS_STORAGE_BUCKET_NAME"], env["AWS_MEDIA_BUCKET_NAME"]):
        s3.create_bucket(Bucket=bucket)
    print(f"stored {len(stored)} SecureString parameters in moto and read them back; "
          f"created buckets {env['AWS_STORAGE_BUCKET_NAME']} (static) and {env['AWS_MEDIA_BUCKET_NAME']} (media)")

    os.makedirs(args.out, exist_ok=True)
    for label, variables in (("app", env), ("worker", worker_env), ("scheduled", scheduled_env),
                             ("release", release_env)):
        write_lines(os.path.join(args.out, f"{label}.env"), (f"{n}={variables[n]}" for n in sorted(variables)))
    cmd = list(state["gunicorn_cmd"])
    cmd[state["bind_index"]] = f"127.0.0.1:{local_value('E2E_APP_PORT')}"
    write_lines(os.path.join(args.out, "gunicorn.args"), cmd)
    write_lines(os.path.join(args.out, "worker.args"), state["worker_command"])
    write_lines(os.path.join(args.out, "scheduled.args"), state["scheduled_command"])
    write_lines(os.path.join(args.out, "release.commands"), (json.dumps(c) for c in state["release_commands"]))
    contract = {key: state[key] for key in (
        "container_port", "health_path", "health_codes", "static_pattern", "static_prefix", "proto_header",
        "worker_command", "scheduled_command")}
    contract["variables"] = sorted(env)
    with open(os.path.join(args.out, "contract.json"), "w", encoding="utf-8") as handle:
        json.dump(contract, handle, indent=2)
    secret_names = set(state["web_vars"][3])
    shown = ", ".join(f"{n}={'***' if n in secret_names else env[n]}" for n in sorted(env))
    print(f"container environment: {shown}")
    print(f"celery worker: {' '.join(state['worker_command'])} (its own {len(worker_env)} variables)")
    print(f"scheduled command: {' '.join(state['scheduled_command'])} (its own {len(scheduled_env)} variables)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", required=True)
    parser.add_argument("--dockerfile", required=True)
    parser.add_argument("--out")
    parser.add_argument("--moto-url", help="http://127.0.0.1:PORT; without it, only check the template")
    args = parser.parse_args()
    if args.moto_url and not args.moto_url.startswith("http://127.0.0.1:"):
        parser.error("--moto-url must be on 127.0.0.1")
    if args.moto_url and not args.out:
        parser.error("--out is required with --moto-url")

    state = {}
    if not run_template_checks(args, state):
        print("the template does not match what the example app expects (see above)", file=sys.stderr)
        return 1
    if args.moto_url:
        give_to_process(args, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
