import type { aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';

/**
 * The Django container and the ECS Fargate service that runs it.
 */
export interface ServiceOptions {
  /**
   * The container image to run.
   *
   * @default - this environment's ECR repository at `imageTag`
   */
  readonly image?: ecs.ContainerImage;

  /**
   * Tag of the image in this environment's ECR repository. Ignored when `image` is set.
   *
   * The repository's tags are immutable, so a tag can be pushed only once:
   * push each release under a new tag (a version or commit id) and deploy
   * with that tag.
   *
   * Without `image` and without `imageTag` the environment is in its first
   * phase: the deployment creates it with the web service and the workers at
   * zero tasks, the release commands off and the schedules disabled, because
   * the repository it creates is still empty. The stack's outputs give the
   * commands to push an image; set `imageTag` to its tag and deploy again.
   * Version 0.1.0 defaulted to `'latest'`: an environment deployed with that
   * default must now set `imageTag: 'latest'` (or its real tag), or its next
   * deployment stops its tasks.
   *
   * @default - none: the first phase, no task runs until an image is pushed and its tag set here
   */
  readonly imageTag?: string;

  /**
   * Port the container listens on (gunicorn's bind port); the target group sends traffic there.
   *
   * @default 8000
   */
  readonly containerPort?: number;

  /**
   * CPU units of the task (1024 = 1 vCPU). Must form a pair Fargate offers with `memoryLimitMiB`.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB. Must form a pair Fargate offers with `cpu`.
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * Fewest tasks autoscaling keeps running; also the number started when the service is created.
   *
   * The template sets no desired count, so a redeploy keeps the number of
   * tasks autoscaling chose.
   *
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * Most tasks autoscaling may run.
   *
   * @default 3
   */
  readonly maxCapacity?: number;

  /**
   * Average CPU utilization (percent) that target-tracking autoscaling aims for, from 1 to 100.
   *
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Extra environment variables for the container, merged over the defaults.
   *
   * The defaults are `DEBUG=False`, `DJANGO_ALLOWED_HOSTS=*`,
   * `DEVELOPMENT_MODE=False`, `DATABASE_HOST`, `DATABASE_PORT`,
   * `AWS_STORAGE_BUCKET_NAME` and, with `domainNames`,
   * `DJANGO_CSRF_TRUSTED_ORIGINS` (`https://<name>` for each name,
   * comma-separated); an entry here with the same name wins. A name may not
   * also be a secret.
   *
   * @default - the defaults only
   */
  readonly containerEnvironment?: { [name: string]: string };

  /**
   * Extra secrets for the container: environment variable name to SSM parameter suffix.
   *
   * `{ DATABASE_URL: 'database_url' }` injects the parameter
   * `${project}-${environment}_database_url` as `DATABASE_URL`. The task's
   * execution role may read exactly the parameters it injects.
   *
   * @default - the four default secrets only
   */
  readonly containerSecrets?: { [name: string]: string };

  /**
   * Path the load balancer's health check requests; must start with `/` and answer 200.
   *
   * @default '/'
   */
  readonly healthCheckPath?: string;

  /**
   * How long the container's log events are kept in CloudWatch Logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Allow `aws ecs execute-command` shells into running tasks (ECS Exec).
   *
   * Gives the task role the SSM messaging permissions ECS Exec needs.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Run every container of the environment (web, release, workers, scheduled
   * commands) with a read-only root filesystem, and a writable ephemeral
   * volume (the task's ephemeral storage, emptied with each task) at `/tmp`.
   *
   * What Django needs to write must then go to `/tmp` (or `/dev/shm`):
   * gunicorn's heartbeat files (`--worker-tmp-dir`, /tmp by default, or
   * /dev/shm as in the example image), Python's `tempfile` (large uploads,
   * `TMPDIR` defaults to /tmp) and Celery beat's schedule file
   * (`celery beat --schedule /tmp/celerybeat-schedule`, as the example does).
   * `collectstatic` writes to S3, not the filesystem. Compile bytecode at
   * build time (or set `PYTHONDONTWRITEBYTECODE=1`): `.pyc` files cannot be
   * written beside the code. Not with `enableExecuteCommand`: ECS Exec's
   * agent needs a writable root filesystem.
   *
   * @default false
   */
  readonly readonlyRootFilesystem?: boolean;
}
