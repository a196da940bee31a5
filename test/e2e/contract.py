"""Read the Django container's contract from the synthesized template.

Steps 4 and 5 of test/e2e/run.sh. From the synthesized example stack
(examples/app/cdk.out/DjangoExample.template.json) this reads:

- the `Environment` and `Secrets` of the container in the
  `AWS::ECS::TaskDefinition`: each one must be a variable this test knows how
  to give a local value (and every variable the example app reads must be
  there), so renaming a variable in the construct fails the test;
- the port the container, the ECS service and the target group use, and the
  target group's health check, against the Dockerfile's gunicorn command;
- CloudFront's behaviors: which path prefix reaches the static files bucket,
  and whether Django's requests reach the load balancer with what Django needs
  (POST, cookies, Host, CloudFront-Forwarded-Proto, no caching).

Then, with --moto-url, it does what ECS does at task start: stores each
secret as an SSM SecureString parameter (named as in its `ValueFrom` ARN) in
moto, reads it back with decryption and hands it to the process under the
secret's name. Plain variables keep the template's literal values; the ones
CloudFormation resolves at deployment (RDS endpoint, bucket name) get the
local PostgreSQL and the moto bucket, which this step creates.

Outputs in --out: `app.env` (NAME=value per line, for `env -i`),
`gunicorn.args` (the Dockerfile's command, one argument per line, bound to
127.0.0.1) and `contract.json` (what checks.py needs).

Local values come from the environment: E2E_DATABASE_HOST, E2E_DATABASE_PORT,
E2E_BUCKET, E2E_APP_PORT and one E2E_<NAME> per secret (see SECRETS).
Without --moto-url only the template checks run.
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
}

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

    def container(self):
        """The container the ECS service runs and puts behind the load balancer."""
        _, service = self.only("AWS::ECS::Service")
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

    Returns (literal {name: value}, resolved {name: local-var}, secrets
    {name: parameter name}, facts); appends a line to problems for anything
    the test cannot map.
    """
    literal, resolved, secrets, facts = {}, {}, {}, {}
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
        elif name in LITERAL_ENV or name in RESOLVED_ENV:
            problems.append(f"{name} is a secret in the template; the app expects a plain environment variable")
        else:
            problems.append(
                f"unknown secret {name} (from {render_arn(entry.get('ValueFrom'))}): the e2e test does not know how "
                "to give it a local value (map it in test/e2e/contract.py and read it in "
                "examples/django-app/config/settings.py)")

    for name in (*LITERAL_ENV, *RESOLVED_ENV, *SECRETS):
        if name not in seen:
            problems.append(f"the template no longer gives the container {name}, "
                            "which examples/django-app/config/settings.py reads")
    return literal, resolved, secrets, facts


def check_variables(template, state):
    problems = []
    container, _ = template.container()
    mapped = read_variables(template, container, problems)
    literal, resolved, secrets, facts = mapped
    state.update(literal=literal, resolved=resolved, secrets=secrets, facts=facts)
    # Other task definitions running the app (migrate and collectstatic as
    # one-off tasks, say) must give it the very same variables.
    others = template.other_containers()
    for label, other in others.items():
        other_problems = []
        if read_variables(template, other, other_problems) != mapped or other_problems:
            problems.append(f"{label} does not give the same environment and secrets as the service's container "
                            f"{container.get('Name')!r}: {other_problems or 'different names or values'}")
    expect(not problems, "\n".join(problems))
    return (f"environment: {', '.join([*literal, *resolved])}\n"
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


def give_to_process(args, state):
    """What ECS does at task start, against moto; then write the outputs."""
    import boto3  # from the test's venv

    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    s3 = session.client("s3", endpoint_url=args.moto_url)
    ssm = session.client("ssm", endpoint_url=args.moto_url)

    env = dict(state["literal"])
    for name, variable in state["resolved"].items():
        env[name] = local_value(variable)
    s3.create_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"])

    for name, parameter in state["secrets"].items():
        value = local_value(SECRETS[name])
        ssm.put_parameter(Name=parameter, Value=value, Type="SecureString", Overwrite=True)
    for name, parameter in state["secrets"].items():
        # ECS resolves `valueFrom` with decryption when the task starts.
        found = ssm.get_parameter(Name=parameter, WithDecryption=True)["Parameter"]
        if found["Type"] != "SecureString" or found["Value"] != local_value(SECRETS[name]):
            raise SystemExit(f"SSM parameter {parameter} did not round-trip through moto")
        env[name] = found["Value"]
    print(f"stored {len(state['secrets'])} SecureString parameters in moto and read them back; "
          f"created bucket {env['AWS_STORAGE_BUCKET_NAME']}")

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "app.env"), "w", encoding="utf-8") as handle:
        for name in sorted(env):
            handle.write(f"{name}={env[name]}\n")
    cmd = list(state["gunicorn_cmd"])
    cmd[state["bind_index"]] = f"127.0.0.1:{local_value('E2E_APP_PORT')}"
    with open(os.path.join(args.out, "gunicorn.args"), "w", encoding="utf-8") as handle:
        handle.writelines(f"{arg}\n" for arg in cmd)
    contract = {key: state[key] for key in (
        "container_port", "health_path", "health_codes", "static_pattern", "static_prefix", "proto_header")}
    contract["variables"] = sorted(env)
    with open(os.path.join(args.out, "contract.json"), "w", encoding="utf-8") as handle:
        json.dump(contract, handle, indent=2)
    shown = ", ".join(f"{n}={'***' if n in state['secrets'] else env[n]}" for n in sorted(env))
    print(f"container environment: {shown}")


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
