import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, Lazy, Stack, Token, aws_certificatemanager as acm, aws_ec2 as ec2, aws_rds as rds, aws_route53 as route53, aws_scheduler as scheduler } from 'aws-cdk-lib';
import { FIXED_ENV, MINIMAL_PROPS, REGISTRY_IMAGE, newStack, withMinimalProps } from './util';
import { DjangoFargateEnvironment, type DjangoFargateEnvironmentProps } from '../src';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);
const certificate = (stack: Stack, id: string, arn: string) => acm.Certificate.fromCertificateArn(stack, id, arn);
const CERT_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CERT_EU_WEST_1 = 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';
const zone = (stack: Stack, zoneName = 'example.com') => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName });

const natInstances = () => ec2.NatProvider.instanceV2({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO) });

const CELERY = { name: 'celery', command: ['celery', '-A', 'config', 'worker'] };
const DAILY = scheduler.ScheduleExpression.rate(Duration.days(1));
const CLEARSESSIONS = { name: 'clearsessions', schedule: DAILY, command: ['python', 'manage.py', 'clearsessions'] };

type PropsFor = Partial<DjangoFargateEnvironmentProps> | ((stack: Stack) => Partial<DjangoFargateEnvironmentProps>);

/** Builds the construct in a fresh stack with a concrete region (eu-west-1). */
function build(props: PropsFor) {
  const stack = newStack({ env: FIXED_ENV });
  const extra = typeof props === 'function' ? props(stack) : props;
  return new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(extra));
}

/** Escapes a literal for use in a RegExp. */
const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('fails at construction when', () => {
  test.each<[string, PropsFor, RegExp]>([
    // names
    ['project has spaces', { project: 'team task' }, literal('`project` ("team task") must be 1-32 letters, digits or hyphens')],
    ['environment is too long', { environment: 'e'.repeat(33) }, /`environment` \("e{33}"\) must be 1-32 letters/],
    ['project starts with "aws"', { project: 'aws-shop' }, literal('`project` ("aws-shop") must not start with "aws" or "ssm"')],
    ['a parameter suffix has a slash', { parameterNames: { databasePassword: 'db/pass' } }, literal('`parameterNames.databasePassword` ("db/pass") must be 1-128 letters')],
    ['a containerSecrets key is not a variable name', { containerSecrets: { '1BAD': 'x' } }, literal('`containerSecrets` key "1BAD" is not a valid environment variable name')],
    ['a containerSecrets suffix is invalid', { containerSecrets: { GOOD: 'bad suffix' } }, literal('`containerSecrets.GOOD` ("bad suffix") must be an SSM parameter suffix')],
    ['a containerEnvironment key is not a variable name', { containerEnvironment: { 'MY-VAR': 'x' } }, literal('`containerEnvironment` key "MY-VAR" is not a valid environment variable name')],
    ['a variable is both plain and secret', { containerEnvironment: { DATABASE_PASSWORD: 'x' } }, literal('`containerEnvironment.DATABASE_PASSWORD` is also a secret of the container')],
    // network
    ['vpc is given with CIDR props', (stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc'), vpcCidr: '10.0.0.0/16', natGateways: 2 }),
      literal('`vpc` cannot be combined with `vpcCidr`, `natGateways`')],
    ['the given vpc has one public subnet', (stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 }),
    }), literal('`vpc` has 1 public subnet(s): the load balancer needs at least 2')],
    ['the given vpc has no private subnet with egress', (stack) => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] }),
    }), literal('`vpc` has 0 private subnet(s) with egress')],
    ['vpcCidr is malformed', { vpcCidr: '10.0.0/16' }, literal('`vpcCidr` ("10.0.0/16") is not an IPv4 CIDR block')],
    ['vpcCidr has host bits set', { vpcCidr: '10.0.0.1/16' }, literal('`vpcCidr` ("10.0.0.1/16") is not an IPv4 CIDR block with its host bits zero')],
    ['vpcCidr is larger than /16', { vpcCidr: '10.0.0.0/8', publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'], privateSubnetCidrs: ['10.0.3.0/24', '10.0.4.0/24'] },
      literal('`vpcCidr` ("10.0.0.0/8") has a /8 prefix: a VPC block must be between /16 and /28')],
    ['there is one public subnet', { publicSubnetCidrs: ['192.168.3.0/24'] }, literal('`publicSubnetCidrs` (["192.168.3.0/24"]) has 1 entry: at least 2 are needed')],
    ['there is one private subnet', { privateSubnetCidrs: ['192.168.1.0/24'] }, literal('`privateSubnetCidrs` (["192.168.1.0/24"]) has 1 entry: at least 2 are needed (the database subnet group')],
    ['a subnet CIDR is malformed', { privateSubnetCidrs: ['192.168.1.0/24', 'x'] }, literal('`privateSubnetCidrs` entry "x" is not an IPv4 CIDR block')],
    ['a subnet lies outside the VPC', { publicSubnetCidrs: ['192.168.3.0/24', '10.0.4.0/24'] },
      literal('`publicSubnetCidrs` entry "10.0.4.0/24" lies outside `vpcCidr` ("192.168.0.0/16")')],
    ['two subnets overlap', { privateSubnetCidrs: ['192.168.1.0/24', '192.168.3.128/25'] },
      literal('`privateSubnetCidrs` entry "192.168.3.128/25" overlaps "192.168.3.0/24" of `publicSubnetCidrs`')],
    ['a subnet is smaller than /28', { publicSubnetCidrs: ['192.168.3.0/24', '192.168.4.0/29'] }, literal('`publicSubnetCidrs` entry "192.168.4.0/29" is smaller than /28')],
    ['natGateways is 0', { natGateways: 0 }, literal('`natGateways` (0) must be an integer from 1 to the number of public subnets (2)')],
    ['natGateways exceeds the public subnets', { natGateways: 3 }, literal('`natGateways` (3) must be an integer from 1 to the number of public subnets (2): it counts the NAT gateways')],
    ['natGateways exceeds the public subnets with NAT instances', () => ({ natProvider: natInstances(), natGateways: 3 }),
      literal('`natGateways` (3) must be an integer from 1 to the number of public subnets (2): it counts the NAT devices of `natProvider`')],
    ['vpc is given with natProvider', (stack) => ({ vpc: new ec2.Vpc(stack, 'Vpc'), natProvider: natInstances() }),
      literal('`vpc` cannot be combined with `natProvider`: those describe a new VPC')],
    // registry
    ['the lifecycle file is missing', { lifecyclePolicyFile: fixture('nope.json') }, /`lifecyclePolicyFile` \(.*nope\.json\) cannot be read \(ENOENT\)/],
    ['the lifecycle file is not JSON', { lifecyclePolicyFile: fixture('lifecycle-policy-not-json.json') }, /`lifecyclePolicyFile` \(.*\) is not valid JSON/],
    ['the lifecycle file has no rules', { lifecyclePolicyFile: fixture('lifecycle-policy-no-rules.json') }, /`lifecyclePolicyFile` \(.*\) must be an object with a non-empty "rules" array/],
    ['the lifecycle file has a bad countType', { lifecyclePolicyFile: fixture('lifecycle-policy-bad-count-type.json') },
      /`lifecyclePolicyFile` \(.*\) rule 1 has countType "imageCountLessThan": valid values are imageCountMoreThan, sinceImagePushed/],
    ['both lifecyclePolicyFile and maxImageCount are set', { lifecyclePolicyFile: fixture('lifecycle-policy.json'), maxImageCount: 5 },
      /`lifecyclePolicyFile` \(.*\) and `maxImageCount` \(5\) cannot both be set/],
    ['maxImageCount is 0', { maxImageCount: 0 }, literal('`maxImageCount` (0) must be an integer from 1 to 10000')],
    // certificates and names
    ['the certificate ARN is not an ACM ARN', (stack) => ({ certificate: certificate(stack, 'C', 'arn:aws:iam::123456789012:server-certificate/x') }),
      literal('`certificate` has ARN "arn:aws:iam::123456789012:server-certificate/x", which is not an ACM certificate ARN')],
    ['the CloudFront certificate is outside us-east-1', (stack) => ({
      cloudFrontCertificate: certificate(stack, 'C', CERT_EU_WEST_1), domainNames: ['www.example.com'],
    }), literal('`cloudFrontCertificate` is in eu-west-1: CloudFront only uses certificates from us-east-1')],
    ['the CloudFront certificate has no domainNames', (stack) => ({ cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1) }),
      literal('`cloudFrontCertificate` is set without `domainNames`')],
    ['domainNames have no certificate', { domainNames: ['www.example.com'] },
      literal('`domainNames` (["www.example.com"]) need a certificate: set `hostedZone` (the construct makes the certificates), `cloudFrontCertificate` (us-east-1)')],
    ['domainNames have only a regional certificate', (stack) => ({ certificate: certificate(stack, 'C', CERT_EU_WEST_1), domainNames: ['www.example.com'] }),
      literal('`domainNames` (["www.example.com"]) need a us-east-1 certificate for CloudFront, but `certificate` is in eu-west-1')],
    ['a domain name is invalid', (stack) => ({ cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1), domainNames: ['https://example.com'] }),
      literal('`domainNames` entry "https://example.com" is not a lower-case domain name')],
    ['a domain name is outside the hosted zone', (stack) => ({ hostedZone: zone(stack), domainNames: ['www.example.com', 'www.example.org'] }),
      literal('`domainNames` entry "www.example.org" is outside `hostedZone` ("example.com"): every name must be the zone\'s apex or end with ".example.com"')],
    ['a domain name only ends like the hosted zone', (stack) => ({ hostedZone: zone(stack), domainNames: ['myexample.com'] }),
      literal('`domainNames` entry "myexample.com" is outside `hostedZone` ("example.com")')],
    ['hostedZone is set without domainNames', (stack) => ({ hostedZone: zone(stack) }),
      literal('`hostedZone` ("example.com") is set without `domainNames`: the zone only receives the records of the site\'s names; add `domainNames` inside the zone, e.g. [\'www.example.com\']')],
    ['hostedZone is private', (stack) => ({
      hostedZone: new route53.PrivateHostedZone(stack, 'Private', { zoneName: 'example.com', vpc: new ec2.Vpc(stack, 'Vpc') }),
      domainNames: ['www.example.com'],
    }), literal('`hostedZone` ("example.com") is a private hosted zone: ACM validates certificates and viewers resolve the site through public DNS')],
    ['the load balancer certificate is from another region', (stack) => ({ certificate: certificate(stack, 'C', CERT_US_EAST_1) }),
      literal('`certificate` is in us-east-1 but the stack deploys to eu-west-1')],
    // service
    ['minCapacity exceeds maxCapacity', { minCapacity: 3, maxCapacity: 2 },
      literal('`minCapacity` (3) must not exceed `maxCapacity` (2): raise maxCapacity or lower minCapacity')],
    ['minCapacity is 0', { minCapacity: 0 }, literal('`minCapacity` (0) must be an integer of 1 or more')],
    ['maxCapacity is 0', { minCapacity: 1, maxCapacity: 0 }, literal('`maxCapacity` (0) must be an integer of 1 or more')],
    ['cpu is not a Fargate value', { cpu: 300 }, literal('`cpu` (300) is not a Fargate CPU value: choose one of 256, 512, 1024, 2048, 4096, 8192, 16384')],
    ['memory does not fit the cpu', { cpu: 512, memoryLimitMiB: 512 }, literal('`memoryLimitMiB` (512) is not offered by Fargate with `cpu` 512: choose 1024-4096 in steps of 1024')],
    ['the health check path is relative', { healthCheckPath: 'health' }, literal('`healthCheckPath` ("health") must start with \'/\'')],
    ['the container port is 0', { containerPort: 0 }, literal('`containerPort` (0) must be an integer port from 1 to 65535')],
    ['the container port is above 65535', { containerPort: 70000 }, literal('`containerPort` (70000) must be an integer port from 1 to 65535')],
    ['the CPU target is above 100', { targetCpuUtilizationPercent: 150 }, literal('`targetCpuUtilizationPercent` (150) must be a percentage above 0 and at most 100')],
    ['the image tag is invalid', { imageTag: '-latest' }, literal('`imageTag` ("-latest") is not a valid image tag')],
    ['image and imageTag are both set', { image: REGISTRY_IMAGE, imageTag: 'v1' }, literal('`imageTag` is set together with `image`')],
    // release
    ['releaseCommands is empty', { releaseCommands: [] }, literal('`releaseCommands` is an empty list')],
    ['a release command is empty', { releaseCommands: [['python', 'manage.py', 'migrate'], []] }, literal('`releaseCommands[1]` ([]) must be a program and its arguments')],
    ['a release command has an empty argument', { releaseCommands: [['python', '']] }, literal('`releaseCommands[0]` (["python",""]) must be a program and its arguments')],
    ['a release command repeats another', { releaseCommands: [['python', 'manage.py', 'migrate'], ['python', 'manage.py', 'migrate']] },
      literal('`releaseCommands[1]` (["python","manage.py","migrate"]) repeats `releaseCommands[0]`')],
    ['there are too many release commands', { releaseCommands: Array.from({ length: 51 }, (_, i) => ['echo', String(i)]) },
      literal('`releaseCommands` has 51 commands: at most 50 are supported')],
    ['releaseCommands are set while the release step is off', { enableReleaseCommands: false, releaseCommands: [['true']] },
      literal('`releaseCommands` is set but `enableReleaseCommands` is false')],
    ['the release timeout exceeds 55 minutes', { releaseTimeout: Duration.minutes(56) },
      literal('`releaseTimeout` (56 minutes) must be from 1 to 55 minutes: CloudFormation waits at most one hour for a custom resource')],
    // database
    ['backups are disabled', { databaseBackupRetention: Duration.days(0) }, literal('`databaseBackupRetention` (0 days) must be a whole number of days from 1 to 35')],
    ['backups are kept longer than 35 days', { databaseBackupRetention: Duration.days(36) }, literal('`databaseBackupRetention` (36 days) must be a whole number of days from 1 to 35')],
    ['allocated storage is below 20 GiB', { databaseAllocatedStorageGiB: 10 }, literal('`databaseAllocatedStorageGiB` (10) must be an integer from 20 to 65536')],
    ['the storage autoscaling limit is too close', { databaseAllocatedStorageGiB: 100, databaseMaxAllocatedStorageGiB: 105 },
      literal('`databaseMaxAllocatedStorageGiB` (105) must be at least 10 % above `databaseAllocatedStorageGiB` (100), i.e. 110 or more')],
    // background work
    ['a worker name has upper-case letters', { workers: [CELERY, { ...CELERY, name: 'Beat' }] },
      literal('`workers[1].name` ("Beat") must be 1-20 lower-case letters, digits or hyphens')],
    ['a worker name is longer than 20 characters', { workers: [{ ...CELERY, name: 'w'.repeat(21) }] }, literal(`\`workers[0].name\` ("${'w'.repeat(21)}") must be 1-20`)],
    ['two workers share a name', { workers: [CELERY, { ...CELERY, command: ['celery', 'beat'] }] },
      literal('`workers[1].name` ("celery") repeats `workers[0].name`: each name may appear once')],
    ['a worker command is empty', { workers: [{ ...CELERY, command: [] }] }, literal('`workers[0].command` ([]) must be a program and its arguments, none empty')],
    ['a worker command has an empty argument', { workers: [{ ...CELERY, command: ['celery', ''] }] }, literal('`workers[0].command` (["celery",""]) must be a program and its arguments')],
    ['a singleton has a minimum of 2', { workers: [{ ...CELERY, singleton: true, minCapacity: 2 }] },
      literal('`workers[0].minCapacity` (2) must be 1 or unset: `workers[0].singleton` runs exactly one task')],
    ['a singleton has a maximum of 3', { workers: [{ ...CELERY, singleton: true, maxCapacity: 3 }] },
      literal('`workers[0].maxCapacity` (3) must be 1 or unset: `workers[0].singleton` runs exactly one task')],
    ['a worker\'s maxCapacity is below its minCapacity', { workers: [{ ...CELERY, minCapacity: 3, maxCapacity: 2 }] },
      literal('`workers[0].maxCapacity` (2) must not be below `workers[0].minCapacity` (3): raise maxCapacity or lower minCapacity')],
    ['a worker\'s maxCapacity is below the default minCapacity', { workers: [{ ...CELERY, maxCapacity: 0 }] },
      literal('`workers[0].maxCapacity` (0) must not be below `workers[0].minCapacity` (1)')],
    ['a worker\'s minCapacity is negative', { workers: [{ ...CELERY, minCapacity: -1 }] }, literal('`workers[0].minCapacity` (-1) must be an integer of 0 or more')],
    ['a worker\'s maxCapacity is not an integer', { workers: [{ ...CELERY, maxCapacity: 2.5 }] }, literal('`workers[0].maxCapacity` (2.5) must be an integer of 0 or more')],
    ['a worker scales from zero tasks', { workers: [{ ...CELERY, minCapacity: 0, maxCapacity: 4 }] },
      literal('`workers[0].minCapacity` is 0 with `workers[0].maxCapacity` 4: a worker without tasks reports no CPU')],
    ['a worker\'s cpu is not a Fargate value', { workers: [{ ...CELERY, cpu: 300 }] }, literal('`workers[0].cpu` (300) is not a Fargate CPU value: choose one of 256, 512')],
    ['a worker\'s memory does not fit its cpu', { workers: [{ ...CELERY, cpu: 1024 }] },
      literal('`workers[0].memoryLimitMiB` (512) is not offered by Fargate with `workers[0].cpu` 1024: choose 2048-8192 in steps of 1024')],
    ['a worker\'s CPU target is 0', { workers: [{ ...CELERY, maxCapacity: 3, targetCpuUtilizationPercent: 0 }] },
      literal('`workers[0].targetCpuUtilizationPercent` (0) must be a percentage above 0 and at most 100')],
    ['a worker\'s stopTimeout is above 120 seconds', { workers: [{ ...CELERY, stopTimeout: Duration.minutes(3) }] },
      literal('`workers[0].stopTimeout` (3 minutes) must be a whole number of seconds from 2 to 120')],
    ['a worker\'s stopTimeout is below 2 seconds', { workers: [{ ...CELERY, stopTimeout: Duration.seconds(1) }] },
      literal('`workers[0].stopTimeout` (1 second) must be a whole number of seconds from 2 to 120')],
    ['a worker environment key is not a variable name', { workers: [{ ...CELERY, environment: { 'C-1': 'x' } }] },
      literal('`workers[0].environment` key "C-1" is not a valid environment variable name')],
    ['a worker variable is also a secret', { workers: [{ ...CELERY, environment: { DJANGO_SECRET_KEY: 'x' } }] },
      literal('`workers[0].environment.DJANGO_SECRET_KEY` is also a secret of the container')],
    ['a worker sets the media bucket variable', { workers: [{ ...CELERY, environment: { AWS_MEDIA_BUCKET_NAME: 'b' } }] },
      literal('`workers[0].environment.AWS_MEDIA_BUCKET_NAME` is set, but the construct provides AWS_MEDIA_BUCKET_NAME (the media bucket\'s name)')],
    ['a worker sets the broker URL while the cache is on', { enableCache: true, workers: [{ ...CELERY, environment: { CELERY_BROKER_URL: 'redis://x' } }] },
      literal('`workers[0].environment.CELERY_BROKER_URL` is set, but the construct provides CELERY_BROKER_URL')],
    ['containerEnvironment sets the media bucket variable', { containerEnvironment: { AWS_MEDIA_BUCKET_NAME: 'uploads' } },
      literal('`containerEnvironment.AWS_MEDIA_BUCKET_NAME` is set, but the construct provides AWS_MEDIA_BUCKET_NAME (the media bucket\'s name): remove it from `containerEnvironment`')],
    ['containerEnvironment sets REDIS_URL while the cache is on', { enableCache: true, containerEnvironment: { REDIS_URL: 'redis://x' } },
      literal('`containerEnvironment.REDIS_URL` is set, but the construct provides REDIS_URL (the cache\'s URL (`enableCache`))')],
    ['containerEnvironment sets CELERY_BROKER_URL while the cache is on', { enableCache: true, containerEnvironment: { CELERY_BROKER_URL: 'redis://x' } },
      literal('`containerEnvironment.CELERY_BROKER_URL` is set, but the construct provides CELERY_BROKER_URL')],
    ['containerSecrets sets REDIS_URL while the cache is on', { enableCache: true, containerSecrets: { REDIS_URL: 'redis_url' } },
      literal('`containerSecrets.REDIS_URL` is set, but the construct provides REDIS_URL')],
    ['a scheduled command name is malformed', { scheduledCommands: [{ ...CLEARSESSIONS, name: 'clear_sessions' }] },
      literal('`scheduledCommands[0].name` ("clear_sessions") must be 1-20 lower-case letters, digits or hyphens, e.g. \'clearsessions\'')],
    ['two scheduled commands share a name', { scheduledCommands: [CLEARSESSIONS, CLEARSESSIONS] },
      literal('`scheduledCommands[1].name` ("clearsessions") repeats `scheduledCommands[0].name`')],
    ['a scheduled command is empty', { scheduledCommands: [{ ...CLEARSESSIONS, command: [] }] },
      literal('`scheduledCommands[0].command` ([]) must be a program and its arguments, none empty, e.g. ["python", "manage.py", "clearsessions"]')],
    ['a scheduled command\'s memory does not fit the cpu', { scheduledCommands: [{ ...CLEARSESSIONS, memoryLimitMiB: 4096 }] },
      literal('`scheduledCommands[0].memoryLimitMiB` (4096) is not offered by Fargate with `scheduledCommands[0].cpu` 256: choose 512, 1024, 2048')],
    ['cacheMaxDataStorageGiB is 0', { enableCache: true, cacheMaxDataStorageGiB: 0 }, literal('`cacheMaxDataStorageGiB` (0) must be an integer from 1 to 5000')],
    ['cacheMaxDataStorageGiB is above 5000', { enableCache: true, cacheMaxDataStorageGiB: 5001 }, literal('`cacheMaxDataStorageGiB` (5001) must be an integer from 1 to 5000')],
    ['cacheMaxDataStorageGiB is set without the cache', { cacheMaxDataStorageGiB: 2 },
      literal('`cacheMaxDataStorageGiB` (2) is set but `enableCache` is not true: set enableCache or remove cacheMaxDataStorageGiB')],
    // operations
    ['an alarm email has no domain', { alarmEmails: ['ops@example.com', 'oncall@'] }, literal('`alarmEmails[1]` ("oncall@") is not an email address such as \'ops@example.com\'')],
    ['an alarm email is a list in one string', { alarmEmails: ['ops@example.com, oncall@example.com'] },
      literal('`alarmEmails[0]` ("ops@example.com, oncall@example.com") is not an email address')],
    ['an alarm email repeats another', { alarmEmails: ['ops@example.com', 'Ops@Example.com'] },
      literal('`alarmEmails[1]` ("Ops@Example.com") repeats `alarmEmails[0]`: each address may appear once')],
    ['the latency threshold is below 0.1 s', { latencyAlarmThreshold: Duration.millis(50) },
      literal('`latencyAlarmThreshold` (50 millis) must be from 0.1 s to 60 s')],
    ['the latency threshold is above 60 s', { latencyAlarmThreshold: Duration.minutes(2) },
      literal('`latencyAlarmThreshold` (2 minutes) must be from 0.1 s to 60 s: it is compared with the p99 response time')],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});

/** A lifecycle policy file of `rules` rules, written to a temporary directory. */
function lifecyclePolicyFileOf(rules: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-')), 'policy.json');
  fs.writeFileSync(file, JSON.stringify({
    rules: Array.from({ length: rules }, (_, i) => ({
      rulePriority: i + 1,
      description: `Keep the newest images of release line ${i}`.padEnd(200, '.'),
      selection: { tagStatus: 'tagged', tagPrefixList: [`v${i}`], countType: 'imageCountMoreThan', countNumber: 5 },
      action: { type: 'expire' },
    })),
  }));
  return file;
}

describe('fails at construction on input AWS would reject at deployment, when', () => {
  const oneZoneVpc = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-12345678',
    availabilityZones: ['eu-west-1a'],
    publicSubnetIds: ['subnet-00000001', 'subnet-00000002'],
    publicSubnetNames: ['PublicA', 'PublicB'],
    privateSubnetIds: ['subnet-00000003', 'subnet-00000004'],
    privateSubnetNames: ['PrivateA', 'PrivateB'],
  });
  const long = (n: number) => 'a'.repeat(n);

  test.each<[string, PropsFor, RegExp]>([
    ['project has consecutive hyphens (ECR repository names may not)', { project: 'team--task' },
      literal('`project` ("team--task") must not contain consecutive hyphens: it forms the ECR repository name')],
    ['environment has consecutive hyphens', { environment: 'prod--eu' }, literal('`environment` ("prod--eu") must not contain consecutive hyphens')],
    ['the given vpc has its public subnets in one zone', (stack) => ({ vpc: oneZoneVpc(stack) }),
      literal('`vpc` has 2 public subnets, all in "eu-west-1a": the load balancer needs public subnets in at least two Availability Zones')],
    ['the given vpc has its private subnets in one zone', (stack) => ({ vpc: oneZoneVpc(stack) }),
      literal('`vpc` has 2 private subnets with egress, all in "eu-west-1a": the database subnet group needs private subnets in at least two')],
    ['the lifecycle policy is longer than ECR accepts', { lifecyclePolicyFile: lifecyclePolicyFileOf(120) },
      /`lifecyclePolicyFile` \(.*policy\.json\) holds a policy of \d+ characters without whitespace: ECR accepts at most 30720/],
    ['a domain name is longer than 253 characters', (stack) => ({
      cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1), domainNames: [`${long(60)}.${long(60)}.${long(60)}.${long(60)}.example.com`],
    }), /`domainNames\[0\]` \("a+(\.a+){3}\.example\.com"\) has 255 characters: a domain name has at most 253/],
    ['a domain label is longer than 63 characters', (stack) => ({
      cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1), domainNames: [`${long(64)}.example.com`],
    }), literal(`\`domainNames[0]\` ("${long(64)}.example.com") has a label of 64 characters: each dot-separated part of a domain name has at most 63`)],
    ['there are more than 100 domain names', (stack) => ({
      cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1), domainNames: Array.from({ length: 101 }, (_, i) => `www${i}.example.com`),
    }), literal('`domainNames` has 101 names: a CloudFront distribution takes at most 100 aliases')],
    ['the health-check path is longer than 1024 characters', { healthCheckPath: `/${long(1024)}` },
      literal('`healthCheckPath` has 1025 characters: a target group\'s health-check path has at most 1024')],
    ['a release command overflows ecs:RunTask overrides', { releaseCommands: [['python', 'manage.py', 'migrate'], ['echo', long(8200)]] },
      /`releaseCommands\[1\]` makes \d+ characters of task overrides: ECS accepts at most 8192/],
    ['containerEnvironment makes the task definition larger than 64 KiB', { containerEnvironment: Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`V${i}`, 'x'.repeat(1000)])) },
      /`containerEnvironment` and `containerSecrets` make a task definition of about \d+ bytes: ECS accepts at most 65536/],
    ['a worker\'s environment makes its task definition larger than 64 KiB', {
      containerEnvironment: { BIG: 'x'.repeat(40000) }, workers: [{ ...CELERY, environment: { MORE: 'y'.repeat(20000) } }],
    }, /`workers\[0\].environment` with `containerEnvironment` makes a task definition of about \d+ bytes/],
    ['databaseEngineVersion is another major version', { databaseEngineVersion: rds.PostgresEngineVersion.VER_16_4 },
      literal('`databaseEngineVersion` ("16.4") must be a PostgreSQL 17 version')],
    ['databaseMaxAllocatedStorageGiB is beyond the engine maximum', { databaseMaxAllocatedStorageGiB: 70000 },
      literal('`databaseMaxAllocatedStorageGiB` (70000) must be at most 65536')],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('an app has two environments with the same project and environment in one account and region', () => {
    const app = new App();
    const first = new Stack(app, 'First', { env: FIXED_ENV });
    new DjangoFargateEnvironment(first, 'Env', MINIMAL_PROPS);
    const second = new Stack(app, 'Second', { env: FIXED_ENV });
    expect(() => new DjangoFargateEnvironment(second, 'Env', MINIMAL_PROPS)).toThrow(literal(
      '`project` and `environment` ("team-task", "production") are those of the DjangoFargateEnvironment at First/Env, in the same account and region: both would create the ECR repository "team-task-production"',
    ));
    // Another region has its own repositories.
    const elsewhere = new Stack(app, 'Elsewhere', { env: { ...FIXED_ENV, region: 'eu-central-1' } });
    expect(() => new DjangoFargateEnvironment(elsewhere, 'Env', MINIMAL_PROPS)).not.toThrow();
  });

  test('accepts the limits themselves', () => {
    expect(() => build({ releaseTimeout: Duration.minutes(55), healthCheckPath: `/${long(1023)}`, databaseMaxAllocatedStorageGiB: 65536 })).not.toThrow();
    expect(() => build({ containerEnvironment: { BIG: 'x'.repeat(50000) } })).not.toThrow();
  });
});

describe('tokens', () => {
  const param = (stack: Stack, id: string, type = 'String') => new CfnParameter(stack, id, { type });
  const synthTime = (prop: string) => literal(`\`${prop}\` is an unresolved token (e.g. a CfnParameter or an SSM value): it must be known at synth time`);

  test.each<[string, PropsFor, RegExp]>([
    ['project is a CfnParameter', (stack) => ({ project: param(stack, 'P').valueAsString }), synthTime('project')],
    ['environment is a CfnParameter', (stack) => ({ environment: param(stack, 'P').valueAsString }), synthTime('environment')],
    ['natGateways is a CfnParameter', (stack) => ({ natGateways: param(stack, 'P', 'Number').valueAsNumber }), synthTime('natGateways')],
    ['a containerSecrets value is a token', (stack) => ({ containerSecrets: { API_KEY: param(stack, 'P').valueAsString } }), synthTime('containerSecrets.API_KEY')],
    ['a parameterNames suffix is a token', (stack) => ({ parameterNames: { databasePassword: param(stack, 'P').valueAsString } }),
      synthTime('parameterNames.databasePassword')],
    ['releaseTimeout is a token', (stack) => ({ releaseTimeout: Duration.minutes(param(stack, 'P', 'Number').valueAsNumber) }), synthTime('releaseTimeout')],
    ['domainNames is a list token', (stack) => ({
      cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1),
      domainNames: param(stack, 'P', 'CommaDelimitedList').valueAsList,
    }), synthTime('domainNames')],
  ])('%s: rejected, naming the prop', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a CloudFront certificate whose ARN is a token may be in us-east-1: accepted in a eu-west-1 stack', () => {
    expect(() => build((stack) => ({
      cloudFrontCertificate: acm.Certificate.fromCertificateArn(stack, 'C', Token.asString(param(stack, 'CertArn').valueAsString)),
      domainNames: ['www.example.com'],
    }))).not.toThrow();
  });

  test('a CloudFront certificate created in a eu-west-1 stack is still rejected', () => {
    expect(() => build((stack) => ({
      cloudFrontCertificate: new acm.Certificate(stack, 'C', { domainName: 'www.example.com' }),
      domainNames: ['www.example.com'],
    }))).toThrow(literal('`cloudFrontCertificate` is in eu-west-1'));
  });

  test('a single domain name may be a token inside a literal list', () => {
    expect(() => build((stack) => ({
      cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1),
      domainNames: [param(stack, 'P').valueAsString],
    }))).not.toThrow();
  });
});

describe('domainNames must be covered by a certificate created in the app', () => {
  const param = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'String' });
  /** The environment in eu-west-1, its CloudFront certificate created in a us-east-1 stack of the same app. */
  function withCertificate(names: { domainName: string; subjectAlternativeNames?: string[] }, domainNames: string[],
    prop: 'cloudFrontCertificate' | 'certificate' = 'cloudFrontCertificate') {
    const app = new App();
    const region = prop === 'certificate' ? 'us-east-1' : 'eu-west-1';
    const certStack = new Stack(app, 'Cert', { env: { ...FIXED_ENV, region: 'us-east-1' }, crossRegionReferences: true });
    const cert = new acm.Certificate(certStack, 'C', names);
    const stack = new Stack(app, 'Site', { env: { ...FIXED_ENV, region }, crossRegionReferences: true });
    return () => new DjangoFargateEnvironment(stack, 'Env', withMinimalProps({ [prop]: cert, domainNames }));
  }

  test.each<[string, string, string[]]>([
    ['an exact name', 'www.example.com', ['www.example.com']],
    ['a wildcard covers one label', '*.example.com', ['www.example.com', 'api.example.com']],
    ['a wildcard name covered by the same wildcard', '*.example.com', ['*.example.com']],
    ['upper case in the certificate', 'WWW.Example.com', ['www.example.com']],
  ])('%s: accepted', (_name, certName, domainNames) => {
    expect(withCertificate({ domainName: certName }, domainNames)).not.toThrow();
  });

  test('subject alternative names count', () => {
    expect(withCertificate({ domainName: 'example.com', subjectAlternativeNames: ['*.example.com'] }, ['example.com', 'www.example.com'])).not.toThrow();
  });

  test.each<[string, string, string[], number, string]>([
    ['a wildcard does not cover the apex', '*.example.com', ['example.com'], 0, 'example.com'],
    ['a wildcard does not cover two labels', '*.example.com', ['www.example.com', 'a.b.example.com'], 1, 'a.b.example.com'],
    ['another name', 'www.example.com', ['shop.example.com'], 0, 'shop.example.com'],
  ])('%s: rejected, naming the entry, its value and the certificate\'s names', (_name, certName, domainNames, i, value) => {
    expect(withCertificate({ domainName: certName }, domainNames)).toThrow(literal(
      `\`domainNames[${i}]\` ("${value}") is not covered by \`cloudFrontCertificate\`, whose names are ["${certName}"]: CloudFront rejects an alias its certificate does not cover`));
  });

  test('`certificate` in us-east-1, serving CloudFront, is checked too', () => {
    expect(withCertificate({ domainName: 'www.example.com', subjectAlternativeNames: ['*.example.org'] }, ['example.org'], 'certificate')).toThrow(literal(
      '`domainNames[0]` ("example.org") is not covered by `certificate`, whose names are ["www.example.com","*.example.org"]'));
  });

  test('an imported certificate is not checked (its names are unknown)', () => {
    expect(() => build((stack) => ({ cloudFrontCertificate: certificate(stack, 'C', CERT_US_EAST_1), domainNames: ['anything.example.net'] }))).not.toThrow();
  });

  test('token names are skipped: in the certificate or in domainNames', () => {
    const app = new App();
    const certStack = new Stack(app, 'Cert', { env: { ...FIXED_ENV, region: 'us-east-1' }, crossRegionReferences: true });
    const cert = new acm.Certificate(certStack, 'C', {
      domainName: 'example.com', subjectAlternativeNames: [param(certStack, 'Name').valueAsString], validation: acm.CertificateValidation.fromDns(),
    });
    const stack = new Stack(app, 'Site', { env: FIXED_ENV, crossRegionReferences: true });
    expect(() => new DjangoFargateEnvironment(stack, 'Env', withMinimalProps({ cloudFrontCertificate: cert, domainNames: ['www.example.com'] }))).not.toThrow();
    const cert2 = new acm.Certificate(certStack, 'C2', { domainName: 'www.example.com' });
    expect(() => new DjangoFargateEnvironment(stack, 'Env2', withMinimalProps({
      project: 'other', cloudFrontCertificate: cert2, domainNames: [param(stack, 'Alias').valueAsString],
    }))).not.toThrow();
  });
});

describe('validation as a whole', () => {
  test('gathers every problem into one error that names the construct', () => {
    let error: Error | undefined;
    try {
      build({ minCapacity: 5, maxCapacity: 1, containerPort: 0, healthCheckPath: 'x' });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^Invalid DjangoFargateEnvironment props at TestStack\/Env \(3 problems\):\n/);
    expect(error?.message.split('\n  - ')).toHaveLength(4);
  });

  test('skips values that are unresolved tokens', () => {
    expect(() => build({
      containerPort: Lazy.number({ produce: () => 8000 }),
      minCapacity: Lazy.number({ produce: () => 2 }),
      healthCheckPath: Lazy.string({ produce: () => '/' }),
    })).not.toThrow();
  });

  test('accepts REDIS_URL and CELERY_BROKER_URL of your own when the construct makes no cache', () => {
    expect(() => build({
      containerEnvironment: { REDIS_URL: 'rediss://cache.example.com:6379', CELERY_BROKER_URL: 'rediss://cache.example.com:6379' },
      workers: [{ ...CELERY, environment: { REDIS_URL: 'rediss://other.example.com:6379' } }],
    })).not.toThrow();
  });

  test('accepts a singleton with explicit capacities of 1, and a stopped worker (0 of 0)', () => {
    expect(() => build({
      workers: [{ ...CELERY, name: 'beat', singleton: true, minCapacity: 1, maxCapacity: 1 }, { ...CELERY, minCapacity: 0, maxCapacity: 0 }],
    })).not.toThrow();
  });

  test('skips worker values that are unresolved tokens', () => {
    expect(() => build({
      workers: [{ ...CELERY, minCapacity: Lazy.number({ produce: () => 1 }), stopTimeout: Duration.seconds(Lazy.number({ produce: () => 30 })) }],
      enableCache: true,
      cacheMaxDataStorageGiB: Lazy.number({ produce: () => 2 }),
    })).not.toThrow();
  });

  test('skips alarm settings that are unresolved tokens, and accepts the bounds of the latency threshold', () => {
    expect(() => build({
      alarmEmails: [Lazy.string({ produce: () => 'ops@example.com' })],
      latencyAlarmThreshold: Duration.seconds(Lazy.number({ produce: () => 1 })),
    })).not.toThrow();
    expect(() => build({ latencyAlarmThreshold: Duration.millis(100) })).not.toThrow();
    expect(() => build({ latencyAlarmThreshold: Duration.seconds(60) })).not.toThrow();
  });

  test('accepts a us-east-1 certificate for both the load balancer and CloudFront in a us-east-1 stack', () => {
    const stack = newStack({ env: { account: FIXED_ENV.account, region: 'us-east-1' } });
    expect(() => new DjangoFargateEnvironment(stack, 'Env', {
      ...MINIMAL_PROPS,
      certificate: certificate(stack, 'C', CERT_US_EAST_1),
      domainNames: ['www.example.com'],
    })).not.toThrow();
  });
});
