import type { aws_scheduler as scheduler } from 'aws-cdk-lib';

/**
 * A management command run on a schedule, as a one-off Fargate task from the
 * web container's image, environment and secrets (a cron job).
 */
export interface ScheduledCommandOptions {
  /**
   * Name of the command, e.g. `clearsessions`: 1-20 lower-case letters, digits or hyphens, unique among the scheduled commands.
   *
   * Each run's task carries the ECS task group `scheduled:<name>` and logs
   * under the stream prefix `scheduled-<name>`. The name is part of the
   * construct ids: renaming a command replaces its schedule.
   */
  readonly name: string;

  /**
   * When to run, e.g. `ScheduleExpression.cron({ minute: '0', hour: '3', timeZone: TimeZone.EUROPE_PARIS })` or `ScheduleExpression.rate(Duration.hours(1))`.
   */
  readonly schedule: scheduler.ScheduleExpression;

  /**
   * The command, in exec form, e.g. `['python', 'manage.py', 'clearsessions']`.
   */
  readonly command: string[];

  /**
   * CPU units of the task (1024 = 1 vCPU). Must form a pair Fargate offers with `memoryLimitMiB`.
   *
   * @default - the web service's `cpu`
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB. Must form a pair Fargate offers with `cpu`.
   *
   * @default - the web service's `memoryLimitMiB`
   */
  readonly memoryLimitMiB?: number;
}
