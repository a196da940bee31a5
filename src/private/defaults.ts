import { Duration, RemovalPolicy, aws_cloudfront as cloudfront, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, aws_rds as rds } from 'aws-cdk-lib';

/** The defaults of DESIGN.md, in one place; props docs repeat them as `@default`. */
export const DEFAULTS = {
  vpcCidr: '192.168.0.0/16',
  privateSubnetCidrs: ['192.168.1.0/24', '192.168.2.0/24'],
  publicSubnetCidrs: ['192.168.3.0/24', '192.168.4.0/24'],
  natGateways: 1,
  maxImageCount: 15,
  priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
  originProtection: true,
  removalPolicy: RemovalPolicy.RETAIN,
  containerName: 'django-app',
  containerPort: 8000,
  cpu: 256,
  memoryLimitMiB: 512,
  minCapacity: 2,
  maxCapacity: 3,
  targetCpuUtilizationPercent: 70,
  healthCheckPath: '/',
  logRetention: logs.RetentionDays.ONE_MONTH,
  enableExecuteCommand: false,
  readonlyRootFilesystem: false,
  enableReleaseCommands: true,
  databaseMultiAz: false,
  databaseBackupRetention: Duration.days(7),
  // The newest PostgreSQL 17 minor version the aws-cdk-lib floor (2.221.0) knows.
  databaseEngineVersion: rds.PostgresEngineVersion.VER_17_6,
  databaseInstanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
  databaseAllocatedStorageGiB: 20,
  databaseMaxAllocatedStorageGiB: 100,
  releaseTimeout: Duration.minutes(15),
  worker: {
    cpu: 256,
    memoryLimitMiB: 512,
    minCapacity: 1,
    targetCpuUtilizationPercent: 70,
    singleton: false,
    spot: false,
    stopTimeout: Duration.seconds(30),
  },
  enableCache: false,
  cpuArchitecture: ecs.CpuArchitecture.X86_64,
  spot: false,
  containerInsights: true,
  enableDeploymentAlarms: true,
  latencyAlarmThreshold: Duration.seconds(2),
  cacheMaxDataStorageGiB: 1,
  parameterNames: {
    databaseName: 'postgres_db',
    databaseUsername: 'database_username',
    databasePassword: 'database_password',
    djangoSecretKey: 'django_secret_key',
  },
} as const;

/**
 * The tag the task definitions name in the first phase (no `image`, no
 * `imageTag`). Never pulled: no task runs until `imageTag` is set.
 */
export const FIRST_DEPLOY_PLACEHOLDER_TAG = 'latest';
/** The tag the first-phase outputs tell the user to push and deploy. */
export const FIRST_DEPLOY_SUGGESTED_TAG = 'v1';

/** Django's release commands: schema migrations, then static files to the bucket. */
export const DEFAULT_RELEASE_COMMANDS: readonly (readonly string[])[] = [
  ['python', 'manage.py', 'migrate', '--noinput'],
  ['python', 'manage.py', 'collectstatic', '--noinput'],
];

/** Environment variables every container gets; `containerEnvironment` is merged over them. */
export const DEFAULT_CONTAINER_ENVIRONMENT: { readonly [name: string]: string } = {
  DEBUG: 'False',
  DJANGO_ALLOWED_HOSTS: '*',
  DEVELOPMENT_MODE: 'False',
};

/** Variables the construct sets from what it creates: the media bucket always, the cache URLs with `enableCache`. */
export const MEDIA_BUCKET_VARIABLE = 'AWS_MEDIA_BUCKET_NAME';
export const CACHE_URL_VARIABLE = 'REDIS_URL';
/** With `domainNames`: `https://<name>` for each name, comma-separated (Django 4+ checks the Origin header against it). */
export const CSRF_TRUSTED_ORIGINS_VARIABLE = 'DJANGO_CSRF_TRUSTED_ORIGINS';

/** The value of `DJANGO_CSRF_TRUSTED_ORIGINS` for these domain names. */
export function csrfTrustedOrigins(domainNames: readonly string[]): string {
  return domainNames.map((name) => `https://${name}`).join(',');
}
export const BROKER_URL_VARIABLE = 'CELERY_BROKER_URL';
/** Celery reads the broker URL itself; redis-py then verifies the cache's certificate. */
export const BROKER_URL_QUERY = '?ssl_cert_reqs=required';
