import type { Duration } from 'aws-cdk-lib';

/**
 * A background process (a Celery worker, Celery beat, an RQ worker...): an
 * ECS Fargate service of its own, without load balancer, running the web
 * container's image, environment and secrets with its own command.
 */
export interface WorkerOptions {
  /**
   * Name of the worker, e.g. `celery` or `beat`: 1-20 lower-case letters, digits or hyphens, unique among the workers.
   *
   * Its tasks log under the stream prefix `worker-<name>`. The name is part of
   * the construct ids: renaming a worker replaces its service.
   */
  readonly name: string;

  /**
   * The command the container runs instead of the image's, in exec form.
   *
   * For example `['celery', '-A', 'config', 'worker', '-l', 'info']`.
   */
  readonly command: string[];

  /**
   * CPU units of each task (1024 = 1 vCPU). Must form a pair Fargate offers with `memoryLimitMiB`.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory of each task in MiB. Must form a pair Fargate offers with `cpu`.
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * Fewest tasks; also the number started when the worker is created.
   *
   * 0 stops the worker (then `maxCapacity` must be 0 too: a worker without
   * tasks reports no CPU, so CPU autoscaling would never start one).
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most tasks CPU autoscaling may run; autoscaling is on only when it exceeds `minCapacity`.
   *
   * With `maxCapacity` equal to `minCapacity` the worker runs that fixed
   * number of tasks. With more, target tracking on average CPU scales it and
   * a redeploy keeps the count autoscaling chose.
   *
   * @default - `minCapacity`: a fixed number of tasks
   */
  readonly maxCapacity?: number;

  /**
   * Average CPU utilization (percent) target tracking aims for, from 1 to 100; used when `maxCapacity` exceeds `minCapacity`.
   *
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Never run more than one task, even during a deployment (Celery beat).
   *
   * Capacity is then exactly 1 (leave `minCapacity` and `maxCapacity` unset or
   * 1), and a deployment stops the old task before starting the new one
   * (minimum healthy 0 %, maximum 100 %), so the worker is briefly down.
   *
   * @default false
   */
  readonly singleton?: boolean;

  /**
   * Run the tasks on Fargate Spot (about 70 % cheaper; AWS may stop a task with two minutes' notice).
   *
   * Suits workers whose jobs may be retried (Celery with `acks_late`). The
   * cluster gets the FARGATE and FARGATE_SPOT capacity providers.
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * How long a task has between SIGTERM and SIGKILL to finish its current job, from 2 to 120 seconds.
   *
   * ECS sends SIGTERM when it stops a task (a deployment, scaling in, a Spot
   * interruption); Celery then stops taking jobs and finishes the running ones.
   *
   * @default Duration.seconds(30)
   */
  readonly stopTimeout?: Duration;

  /**
   * Plain environment variables of this worker, merged over the web container's.
   *
   * Use it for settings only this process needs; secrets are the web
   * container's (`containerSecrets`).
   *
   * @default - the web container's variables only
   */
  readonly environment?: { [name: string]: string };
}
