import { Duration, TimeZone, type Stack, type StackProps, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecs as ecs, aws_route53 as route53, aws_scheduler as scheduler } from 'aws-cdk-lib';
import { FIXED_ENV, REGISTRY_IMAGE } from './util';
import type { DjangoFargateEnvironmentProps } from '../src';

/** A named way to configure the construct, shared by the cdk-nag test and the cfn-lint run. */
export interface Configuration {
  readonly name: string;
  readonly stackProps: StackProps;
  readonly props: (stack: Stack) => Partial<DjangoFargateEnvironmentProps>;
}

const CERT_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CERT_EU_WEST_1 = 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

export const DEFAULT_CONFIGURATION: Configuration = { name: 'default', stackProps: {}, props: () => ({}) };

/** The README's background-work example: a Celery worker, a beat singleton, a nightly command and the cache. */
export const BACKGROUND_WORK_PROPS: Partial<DjangoFargateEnvironmentProps> = {
  workers: [
    { name: 'celery', command: ['celery', '-A', 'config', 'worker', '-l', 'info'], spot: true, maxCapacity: 4, stopTimeout: Duration.seconds(120) },
    { name: 'beat', command: ['celery', '-A', 'config', 'beat', '-l', 'info'], singleton: true },
  ],
  scheduledCommands: [{
    name: 'clearsessions',
    schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '4', timeZone: TimeZone.EUROPE_PARIS }),
    command: ['python', 'manage.py', 'clearsessions'],
  }],
  enableCache: true,
};

/** Background work in an environment-agnostic stack. */
export const BACKGROUND_WORK_CONFIGURATION: Configuration = {
  name: 'background-work',
  stackProps: {},
  props: () => BACKGROUND_WORK_PROPS,
};

/**
 * The README's lean profile for staging and review environments: a NAT
 * instance, ARM64, the web service on Spot with one task, no Container
 * Insights; everything else as the defaults. A function: a NAT provider
 * configures one VPC only.
 */
export function leanProps(): Partial<DjangoFargateEnvironmentProps> {
  return {
    natProvider: ec2.NatProvider.instanceV2({
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    }),
    cpuArchitecture: ecs.CpuArchitecture.ARM64,
    spot: true,
    minCapacity: 1,
    maxCapacity: 2,
    containerInsights: false,
  };
}

export const LEAN_CONFIGURATION: Configuration = { name: 'lean', stackProps: {}, props: leanProps };

/** The README's production profile: a Multi-AZ database, a NAT gateway per zone, two on-demand tasks (the default). */
export const PRODUCTION_CONFIGURATION: Configuration = {
  name: 'production',
  stackProps: {},
  props: () => ({ databaseMultiAz: true, natGateways: 2 }),
};

/** Every option that changes the template, at once. */
export const FULLEST_CONFIGURATION: Configuration = {
  name: 'fullest',
  stackProps: { env: FIXED_ENV },
  props: (stack) => ({
    certificate: acm.Certificate.fromCertificateArn(stack, 'AlbCertificate', CERT_EU_WEST_1),
    cloudFrontCertificate: acm.Certificate.fromCertificateArn(stack, 'CloudFrontCertificate', CERT_US_EAST_1),
    domainNames: ['www.example.com', 'example.com'],
    vpcCidr: '10.0.0.0/16',
    publicSubnetCidrs: ['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24'],
    privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
    natGateways: 3,
    containerSecrets: { DATABASE_URL: 'database_url', SENTRY_DSN: 'sentry_dsn' },
    containerEnvironment: { DJANGO_ALLOWED_HOSTS: 'www.example.com,example.com' },
    databaseMultiAz: true,
    databaseBackupRetention: Duration.days(30),
    cpu: 1024,
    memoryLimitMiB: 2048,
    minCapacity: 3,
    maxCapacity: 12,
    readonlyRootFilesystem: true,
    workers: [
      {
        name: 'celery',
        command: ['celery', '-A', 'config', 'worker', '-l', 'info'],
        cpu: 512,
        memoryLimitMiB: 2048,
        minCapacity: 2,
        maxCapacity: 8,
        targetCpuUtilizationPercent: 60,
        spot: true,
        stopTimeout: Duration.seconds(90),
        environment: { CELERY_WORKER_CONCURRENCY: '4' },
      },
      { name: 'beat', command: ['celery', '-A', 'config', 'beat', '-l', 'info'], singleton: true },
      { name: 'reports', command: ['python', 'manage.py', 'run_report_worker'], minCapacity: 2 },
    ],
    scheduledCommands: [
      {
        name: 'clearsessions',
        schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '4', timeZone: TimeZone.EUROPE_PARIS }),
        command: ['python', 'manage.py', 'clearsessions'],
      },
      {
        name: 'send-digest',
        schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
        command: ['python', 'manage.py', 'send_digest'],
        cpu: 512,
        memoryLimitMiB: 1024,
      },
    ],
    enableCache: true,
    cacheMaxDataStorageGiB: 10,
    alarmEmails: ['ops@example.com', 'oncall@example.com'],
    latencyAlarmThreshold: Duration.millis(1500),
  }),
};

/**
 * The first phase of a new environment, with background work: neither
 * `image` nor `imageTag` (the other configurations get `imageTag: 'v1'` from
 * MINIMAL_PROPS). Services at zero tasks, no release step, schedules disabled.
 */
export const FIRST_DEPLOY_CONFIGURATION: Configuration = {
  name: 'first-deploy',
  stackProps: {},
  props: () => ({ imageTag: undefined, ...BACKGROUND_WORK_PROPS }),
};

/** A public hosted zone, imported without a lookup. */
export const hostedZoneIn = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  zoneName: 'example.com',
});

/** Names in a hosted zone, in a us-east-1 stack: one certificate made for both, records, the HTTPS origin. */
export const HOSTED_ZONE_US_EAST_1_CONFIGURATION: Configuration = {
  name: 'hosted-zone-us-east-1',
  stackProps: { env: { account: FIXED_ENV.account, region: 'us-east-1' } },
  props: (stack) => ({ hostedZone: hostedZoneIn(stack), domainNames: ['www.example.com', 'example.com'] }),
};

/** Names in a hosted zone, in an eu-west-1 stack: CloudFront's certificate made in us-east-1 by the custom resource. */
export const HOSTED_ZONE_EU_WEST_1_CONFIGURATION: Configuration = {
  name: 'hosted-zone-eu-west-1',
  stackProps: { env: FIXED_ENV },
  props: (stack) => ({ hostedZone: hostedZoneIn(stack), domainNames: ['www.example.com', 'example.com'] }),
};

export const CONFIGURATIONS: readonly Configuration[] = [
  DEFAULT_CONFIGURATION,
  FIRST_DEPLOY_CONFIGURATION,
  {
    name: 'certificate-and-domains',
    stackProps: { env: { account: FIXED_ENV.account, region: 'us-east-1' } },
    props: (stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_US_EAST_1),
      domainNames: ['www.example.com'],
    }),
  },
  {
    name: 'custom-subnets',
    stackProps: { env: FIXED_ENV },
    props: () => ({
      vpcCidr: '10.0.0.0/16',
      publicSubnetCidrs: ['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24', '10.0.104.0/24'],
      privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
      natGateways: 2,
    }),
  },
  {
    name: 'own-vpc',
    stackProps: { env: FIXED_ENV },
    props: (stack) => ({ vpc: new ec2.Vpc(stack, 'OwnVpc', { maxAzs: 2, natGateways: 1 }), image: REGISTRY_IMAGE }),
  },
  {
    name: 'extra-secrets',
    stackProps: {},
    props: () => ({
      containerSecrets: { DATABASE_URL: 'database_url', EMAIL_HOST_PASSWORD: 'email_host_password' },
      containerEnvironment: { SENTRY_ENVIRONMENT: 'production' },
    }),
  },
  BACKGROUND_WORK_CONFIGURATION,
  LEAN_CONFIGURATION,
  FULLEST_CONFIGURATION,
  HOSTED_ZONE_US_EAST_1_CONFIGURATION,
  HOSTED_ZONE_EU_WEST_1_CONFIGURATION,
];
