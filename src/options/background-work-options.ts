import type { ScheduledCommandOptions } from './scheduled-command-options';
import type { WorkerOptions } from './worker-options';

/**
 * Everything besides the web process: workers, scheduled commands and the
 * cache that serves as Django's cache and Celery's broker.
 */
export interface BackgroundWorkOptions {
  /**
   * Background processes, each an ECS Fargate service of its own (a Celery worker, Celery beat...).
   *
   * They run in the private subnets in `workerSecurityGroup`, move to a new
   * version only after the release commands succeeded, and log to the
   * environment's log group under `worker-<name>`.
   *
   * @default - none
   */
  readonly workers?: WorkerOptions[];

  /**
   * Management commands run on a schedule by EventBridge Scheduler, each as a one-off Fargate task.
   *
   * A run that cannot be started is retried 3 times within an hour, then
   * lands in a dead-letter queue.
   *
   * @default - none
   */
  readonly scheduledCommands?: ScheduledCommandOptions[];

  /**
   * Create an ElastiCache Serverless Valkey cache for Django's cache and Celery's broker.
   *
   * Every container then gets `REDIS_URL` (`rediss://<endpoint>:<port>`) and
   * `CELERY_BROKER_URL` (the same with `?ssl_cert_reqs=required`). The cache
   * is in the private subnets, speaks TLS only, admits the web service's and
   * the workers' groups only, and is retained like the database unless
   * `removalPolicy` is DESTROY.
   *
   * @default false
   */
  readonly enableCache?: boolean;

  /**
   * Most data the cache may hold, from 1 to 5000 (ElastiCache's `DataStorage` limit, in its unit, GB): a cost cap.
   *
   * At the cap, keys with a TTL are evicted, then writes fail. ElastiCache
   * bills at least 100 MB whatever the cap. Needs `enableCache`.
   *
   * @default 1
   */
  readonly cacheMaxDataStorageGiB?: number;
}
