import type { Duration } from 'aws-cdk-lib';

/**
 * Commands that must succeed before a new version of the service takes traffic.
 */
export interface ReleaseOptions {
  /**
   * Run the release commands on every deployment that changes the image or the task definition.
   *
   * When on, each command runs as a one-off Fargate task from the service's
   * image, with its environment, secrets and subnets, in `workerSecurityGroup`,
   * and the deployment waits: the service and the workers move to their new
   * task definitions only after every command exited 0, and the deployment
   * fails (they stay on their previous version) when one fails or the release
   * times out. Turn it off for an image without `manage.py`. In the first
   * phase (neither `image` nor `imageTag`) the commands do not run: there is
   * no image yet.
   *
   * @default true
   */
  readonly enableReleaseCommands?: boolean;

  /**
   * The release commands, run in order, each in its own task (exec form: program and arguments).
   *
   * To add one to Django's, extend the defaults:
   * `[...DjangoFargateEnvironment.DEFAULT_RELEASE_COMMANDS, ['python', 'manage.py', 'createcachetable']]`.
   *
   * @default - `python manage.py migrate --noinput`, then `python manage.py collectstatic --noinput`
   */
  readonly releaseCommands?: string[][];

  /**
   * How long all release commands together may take before the deployment fails, from 1 to 55 minutes.
   *
   * A command still running then is stopped. CloudFormation waits at most
   * one hour for the release step (a custom resource), which needs 5 minutes
   * beyond this timeout to stop a late command and report it; longer work
   * belongs in a task of its own, outside the deployment.
   *
   * @default Duration.minutes(15)
   */
  readonly releaseTimeout?: Duration;
}
