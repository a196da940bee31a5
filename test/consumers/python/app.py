#!/usr/bin/env python3
"""The example Django environment of examples/app/main.ts, written in Python
against the published package (the wheel from dist/python), as a Python user
would write it.

  python app.py [OUTDIR]                  synthesize into OUTDIR (else $CDK_OUTDIR, else ./cdk.out)
  python app.py --invalid-capacity FILE   build the construct with min_capacity=3,
                                          max_capacity=2; write the error's text to FILE

Keep the props in step with examples/app/main.ts; run.sh compares the two templates.
"""
import os
import sys
from pathlib import Path

from aws_cdk import App, Duration, Stack, TimeZone
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_scheduler as scheduler
from cdk_django_fargate import DjangoFargateEnvironment, ScheduledCommandOptions, WorkerOptions

# test/consumers/python/app.py -> the repository root
REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


def synthesize(outdir: str) -> None:
    app = App(outdir=outdir)
    stack = Stack(
        app,
        "DjangoExample",
        description="Example Django environment built with cdk-django-fargate",
    )

    DjangoFargateEnvironment(
        stack,
        "Production",
        project="team-task",
        environment="production",
        # The Django project beside the TypeScript app; `cdk deploy` builds and pushes it.
        image=ecs.ContainerImage.from_asset(str(EXAMPLES / "django-app")),
        health_check_path="/health/",
        vpc_cidr="10.20.0.0/16",
        public_subnet_cidrs=["10.20.101.0/24", "10.20.102.0/24"],
        private_subnet_cidrs=["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"],
        lifecycle_policy_file=str(EXAMPLES / "app" / "ecr-lifecycle-policy.json"),
        container_secrets={"EMAIL_HOST_PASSWORD": "email_host_password"},
        container_environment={"DJANGO_LOG_LEVEL": "INFO"},
        database_backup_retention=Duration.days(14),
        enable_cache=True,
        workers=[
            WorkerOptions(name="celery", command=["celery", "-A", "config", "worker", "-l", "info"]),
            WorkerOptions(
                name="beat",
                command=["celery", "-A", "config", "beat", "-l", "info", "--schedule", "/tmp/celerybeat-schedule"],
                singleton=True,
            ),
        ],
        scheduled_commands=[
            ScheduledCommandOptions(
                name="clearsessions",
                schedule=scheduler.ScheduleExpression.cron(minute="30", hour="3", time_zone=TimeZone.ETC_UTC),
                command=["python", "manage.py", "clearsessions"],
            ),
        ],
    )

    app.synth()


def check_invalid_capacity(message_file: str) -> int:
    """Same invalid props as test/consumers/ts-error-message.js."""
    app = App()
    stack = Stack(app, "DjangoExample")
    try:
        DjangoFargateEnvironment(
            stack,
            "Production",
            project="team-task",
            environment="production",
            min_capacity=3,
            max_capacity=2,
        )
    except Exception as e:  # jsii raises RuntimeError for a JavaScript Error
        print("python raised %s.%s" % (type(e).__module__, type(e).__qualname__))
        Path(message_file).write_text(str(e))
        return 0
    print("FAIL: min_capacity=3, max_capacity=2 was accepted; expected a validation error")
    return 1


def main(argv) -> int:
    if len(argv) == 3 and argv[1] == "--invalid-capacity":
        return check_invalid_capacity(argv[2])
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    outdir = argv[1] if len(argv) == 2 else os.environ.get("CDK_OUTDIR", "cdk.out")
    synthesize(outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
