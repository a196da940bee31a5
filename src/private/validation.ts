import { Duration, Resource, Stack, Token, aws_certificatemanager as acm, aws_route53 as route53 } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { cidrContains, cidrsOverlap, parseCidr, type Ipv4Block } from './cidr';
import { BROKER_URL_VARIABLE, CACHE_URL_VARIABLE, DEFAULTS, MEDIA_BUCKET_VARIABLE } from './defaults';
import { FARGATE_CPU_VALUES, describeMemoryChoices, fargateMemoryFor } from './fargate-sizes';
import { defaultLifecyclePolicy, loadLifecyclePolicyFile, type LifecyclePolicyDocument } from './lifecycle-policy';
import type { DjangoFargateEnvironmentProps } from '../django-fargate-environment-props';

/** What validation derives from the props besides the verdict. */
export interface ValidatedInput {
  /** The ECR lifecycle policy to apply: from `lifecyclePolicyFile`, or the default one. */
  readonly lifecyclePolicy: LifecyclePolicyDocument;
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const PARAMETER_SUFFIX = /^[A-Za-z0-9_.-]{1,128}$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/;
const DOMAIN_NAME = /^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';
const MAX_RELEASE_COMMANDS = 50;
const TASK_NAME = /^[a-z0-9-]{1,20}$/;
const MIN_STOP_TIMEOUT_SECONDS = 2;
const MAX_STOP_TIMEOUT_SECONDS = 120;
const MAX_CACHE_STORAGE_GIB = 5000;
// Deliberately loose: SNS checks the address; this catches typos such as a missing '@' or domain.
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
// AWS limits nothing else checks before deployment.
const MAX_LIFECYCLE_POLICY_CHARS = 30720;
const MAX_DOMAIN_NAME_CHARS = 253;
const MAX_DOMAIN_LABEL_CHARS = 63;
const MAX_ALIASES = 100;
const MAX_HEALTH_CHECK_PATH_CHARS = 1024;
const MAX_RUN_TASK_OVERRIDES_CHARS = 8192;
const MAX_STORAGE_GIB = 65536;
const MAX_TASK_DEFINITION_BYTES = 65536;
// What a task definition holds besides the variables: the container's other
// settings, the default variables and secrets, log configuration (generous).
const TASK_DEFINITION_OVERHEAD_BYTES = 6144;
// A secret as registered: its name and the parameter's ARN.
const SECRET_BYTES = 200;
// The provider framework answers CloudFormation within the release's timeout
// plus this margin, and CloudFormation waits at most one hour for a custom resource.
export const RELEASE_TIMEOUT_MARGIN_MINUTES = 5;
const MAX_RELEASE_TIMEOUT_MINUTES = 60 - RELEASE_TIMEOUT_MARGIN_MINUTES;
const SUPPORTED_POSTGRES_MAJOR = '17';
const MIN_LATENCY_THRESHOLD_SECONDS = 0.1;
const MAX_LATENCY_THRESHOLD_SECONDS = 60;

/** The secrets every container gets, by environment variable, as `parameterNames` keys. */
export const DEFAULT_SECRET_PARAMETERS = {
  DATABASE_NAME: 'databaseName',
  DATABASE_USER: 'databaseUsername',
  DATABASE_PASSWORD: 'databasePassword',
  DJANGO_SECRET_KEY: 'djangoSecretKey',
} as const;

function known(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

/** The message for a prop that is a token although it must be known at synthesis; `why` says what it decides. */
function mustBeKnown(prop: string, why: string): string {
  return `\`${prop}\` is an unresolved token (e.g. a CfnParameter or an SSM value): it must be known at synth time, because ${why}; pass a literal value`;
}

/**
 * Checks every prop of a `DjangoFargateEnvironment` before anything is created.
 *
 * Unresolved tokens are skipped. All problems are gathered and thrown as one
 * `Error`, each naming the prop as written, the value received and what would
 * be valid.
 */
export function validateProps(scope: Construct, props: DjangoFargateEnvironmentProps): ValidatedInput {
  const problems: string[] = [];
  const add = (p: string) => problems.push(p);

  checkNames(props, add);
  checkNetwork(props, add);
  checkCertificates(scope, props, add);
  checkHostedZone(props, add);
  checkService(props, add);
  checkDatabase(props, add);
  checkRelease(props, add);
  checkBackgroundWork(props, add);
  checkMonitoring(props, add);
  const lifecyclePolicy = checkRegistry(props, add);
  checkLimits(props, add);
  checkUniqueInApp(scope, props, add);

  if (problems.length > 0) {
    throw new Error(
      `Invalid DjangoFargateEnvironment props at ${scope.node.path} (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n` +
      problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
  registerInApp(scope, props);
  return { lifecyclePolicy: lifecyclePolicy! };
}

function checkNames(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  for (const prop of ['project', 'environment'] as const) {
    const value = props[prop];
    if (Token.isUnresolved(value)) {
      add(mustBeKnown(prop, 'it forms the ECR repository name (lower-cased), the cache name and the SSM parameter names'));
      continue;
    }
    if (!known(value)) continue;
    if (!NAME.test(value)) {
      add(`\`${prop}\` (${show(value)}) must be 1-32 letters, digits or hyphens, starting and ending with a letter or digit: it forms SSM parameter names and the ECR repository name, e.g. 'team-task'`);
    } else if (value.includes('--')) {
      add(`\`${prop}\` (${show(value)}) must not contain consecutive hyphens: it forms the ECR repository name, where separators may not follow each other, e.g. 'team-task'`);
    }
  }
  if (known(props.project) && /^(aws|ssm)/i.test(props.project)) {
    add(`\`project\` (${show(props.project)}) must not start with "aws" or "ssm": SSM reserves parameter names with those prefixes`);
  }

  for (const [key, suffix] of Object.entries(props.parameterNames ?? {})) {
    if (Token.isUnresolved(suffix)) {
      add(mustBeKnown(`parameterNames.${key}`, 'it forms the name of an SSM parameter the construct reads and grants access to'));
    } else if (known(suffix) && !PARAMETER_SUFFIX.test(suffix)) {
      add(`\`parameterNames.${key}\` (${show(suffix)}) must be 1-128 letters, digits, '_', '.' or '-': it is the suffix of an SSM parameter name`);
    }
  }
  const secrets = props.containerSecrets ?? {};
  for (const [name, suffix] of Object.entries(secrets)) {
    if (!ENV_VAR.test(name)) {
      add(`\`containerSecrets\` key ${show(name)} is not a valid environment variable name: use letters, digits and '_', not starting with a digit`);
    }
    if (Token.isUnresolved(suffix)) {
      add(mustBeKnown(`containerSecrets.${name}`, 'it forms the name of an SSM parameter the construct grants the tasks access to'));
    } else if (known(suffix) && !PARAMETER_SUFFIX.test(suffix)) {
      add(`\`containerSecrets.${name}\` (${show(suffix)}) must be an SSM parameter suffix of 1-128 letters, digits, '_', '.' or '-'`);
    }
  }
  for (const name of Object.keys(props.containerEnvironment ?? {})) {
    if (!ENV_VAR.test(name)) {
      add(`\`containerEnvironment\` key ${show(name)} is not a valid environment variable name: use letters, digits and '_', not starting with a digit`);
    }
    if (name in secrets || name in DEFAULT_SECRET_PARAMETERS) {
      add(`\`containerEnvironment.${name}\` is also a secret of the container: a variable is either plain or secret, so remove it from one of \`containerEnvironment\` and \`containerSecrets\``);
    }
  }
}

function checkNetwork(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  if (props.vpc) {
    const clashing = (['vpcCidr', 'publicSubnetCidrs', 'privateSubnetCidrs', 'natGateways', 'natProvider'] as const)
      .filter((p) => props[p] !== undefined);
    if (clashing.length > 0) {
      add(`\`vpc\` cannot be combined with ${clashing.map((p) => `\`${p}\``).join(', ')}: those describe a new VPC; remove them or remove \`vpc\``);
    }
    const pub = props.vpc.publicSubnets.length;
    const priv = props.vpc.privateSubnets.length;
    if (pub < 2) add(`\`vpc\` has ${pub} public subnet(s): the load balancer needs at least 2, in two Availability Zones`);
    if (priv < 2) add(`\`vpc\` has ${priv} private subnet(s) with egress: the service and the database need at least 2, in two Availability Zones`);
    // Subnets in one zone do not count twice. (Zones that are tokens count as distinct.)
    const zones = (subnets: readonly { availabilityZone: string }[]) => [...new Set(subnets.map((s) => s.availabilityZone))];
    const pubZones = zones(props.vpc.publicSubnets);
    const privZones = zones(props.vpc.privateSubnets);
    if (pub >= 2 && pubZones.length < 2) add(`\`vpc\` has ${pub} public subnets, all in ${show(pubZones[0])}: the load balancer needs public subnets in at least two Availability Zones`);
    if (priv >= 2 && privZones.length < 2) add(`\`vpc\` has ${priv} private subnets with egress, all in ${show(privZones[0])}: the database subnet group needs private subnets in at least two Availability Zones`);
    return;
  }

  const vpcCidrText = props.vpcCidr ?? DEFAULTS.vpcCidr;
  const vpcBlock = parseCidr(vpcCidrText);
  if (!vpcBlock) {
    add(`\`vpcCidr\` (${show(vpcCidrText)}) is not an IPv4 CIDR block with its host bits zero, e.g. '10.0.0.0/16'`);
  } else if (vpcBlock.prefix < 16 || vpcBlock.prefix > 28) {
    add(`\`vpcCidr\` (${show(vpcCidrText)}) has a /${vpcBlock.prefix} prefix: a VPC block must be between /16 and /28`);
  }

  const seen: { prop: string; block: Ipv4Block }[] = [];
  const checkList = (prop: 'publicSubnetCidrs' | 'privateSubnetCidrs', cidrs: readonly string[], purpose: string) => {
    if (cidrs.length < 2) {
      add(`\`${prop}\` (${show(cidrs)}) has ${cidrs.length} entr${cidrs.length === 1 ? 'y' : 'ies'}: at least 2 are needed (${purpose})`);
    }
    for (const cidr of cidrs) {
      const block = parseCidr(cidr);
      if (!block) {
        add(`\`${prop}\` entry ${show(cidr)} is not an IPv4 CIDR block with its host bits zero, e.g. '192.168.1.0/24'`);
        continue;
      }
      if (block.prefix > 28) {
        add(`\`${prop}\` entry ${show(cidr)} is smaller than /28, the smallest subnet EC2 allows`);
      }
      if (vpcBlock && !cidrContains(vpcBlock, block)) {
        add(`\`${prop}\` entry ${show(cidr)} lies outside \`vpcCidr\` (${show(vpcBlock.text)}): choose a block inside it`);
      }
      for (const other of seen) {
        if (cidrsOverlap(other.block, block)) {
          add(`\`${prop}\` entry ${show(cidr)} overlaps ${show(other.block.text)} of \`${other.prop}\`: subnets must not share addresses`);
        }
      }
      seen.push({ prop, block });
    }
  };
  const publicCidrs = props.publicSubnetCidrs ?? DEFAULTS.publicSubnetCidrs;
  checkList('publicSubnetCidrs', publicCidrs, 'the load balancer spans two Availability Zones');
  checkList('privateSubnetCidrs', props.privateSubnetCidrs ?? DEFAULTS.privateSubnetCidrs, 'the database subnet group spans two Availability Zones');

  const nat = props.natGateways;
  if (Token.isUnresolved(nat)) {
    add(mustBeKnown('natGateways', 'it decides how many NAT devices the construct creates and which subnets route through each'));
  } else if (known(nat) && (!Number.isInteger(nat) || nat! < 1 || nat! > publicCidrs.length)) {
    const kind = props.natProvider ? 'NAT devices of `natProvider`' : 'NAT gateways';
    add(`\`natGateways\` (${nat}) must be an integer from 1 to the number of public subnets (${publicCidrs.length}): it counts the ${kind}, one per public subnet at most, and the service needs egress to pull its image and read its parameters`);
  }
}

/**
 * The region of a certificate, from its ARN or the stack that creates it;
 * undefined when unknown. An imported certificate whose ARN is a token (e.g.
 * from an SSM parameter) may be in any region: its `env` is merely the
 * importing stack's.
 */
export function certificateRegion(cert: acm.ICertificate): string | undefined {
  const arn = cert.certificateArn;
  if (!Token.isUnresolved(arn)) return ACM_ARN.exec(arn)?.[1];
  if (!Resource.isOwnedResource(cert)) return undefined;
  const region = cert.env.region;
  return Token.isUnresolved(region) ? undefined : region;
}

function checkCertificates(scope: Construct, props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const stackRegion = Stack.of(scope).region;
  for (const prop of ['certificate', 'cloudFrontCertificate'] as const) {
    const arn = props[prop]?.certificateArn;
    if (known(arn) && !ACM_ARN.test(arn!)) {
      add(`\`${prop}\` has ARN ${show(arn)}, which is not an ACM certificate ARN: expected arn:aws:acm:<region>:<account>:certificate/<id>`);
    }
  }

  const albRegion = props.certificate && certificateRegion(props.certificate);
  if (albRegion && !Token.isUnresolved(stackRegion) && albRegion !== stackRegion) {
    add(`\`certificate\` is in ${albRegion} but the stack deploys to ${stackRegion}: the load balancer needs a certificate from its own region`);
  }

  const cfCert = props.cloudFrontCertificate;
  const cfRegion = cfCert && certificateRegion(cfCert);
  if (cfRegion && cfRegion !== CLOUDFRONT_CERTIFICATE_REGION) {
    add(`\`cloudFrontCertificate\` is in ${cfRegion}: CloudFront only uses certificates from us-east-1; request or import one there`);
  }
  if (Token.isUnresolved(props.domainNames)) {
    add(mustBeKnown('domainNames', 'each name is checked and the first forms the site\'s URL; a single name may be a token inside a literal list, e.g. [name]'));
    return;
  }
  const domainNames = props.domainNames;
  if (cfCert && !(domainNames && domainNames.length)) {
    add('`cloudFrontCertificate` is set without `domainNames`: CloudFront serves a custom certificate only for its aliases; add `domainNames` or remove it');
  }
  if (domainNames !== undefined) {
    if (domainNames.length === 0) add('`domainNames` is an empty list: give at least one name or leave it unset');
    for (const name of domainNames) {
      if (known(name) && !DOMAIN_NAME.test(name)) {
        add(`\`domainNames\` entry ${show(name)} is not a lower-case domain name such as 'www.example.com'`);
      }
    }
    checkCertificateCoversNames(props, domainNames, add);
    if (domainNames.length && !cfCert && !props.hostedZone) {
      if (!props.certificate) {
        add(`\`domainNames\` (${show(domainNames)}) need a certificate: set \`hostedZone\` (the construct makes the certificates), \`cloudFrontCertificate\` (us-east-1), or \`certificate\` if it is in us-east-1`);
      } else if (albRegion && albRegion !== CLOUDFRONT_CERTIFICATE_REGION) {
        add(`\`domainNames\` (${show(domainNames)}) need a us-east-1 certificate for CloudFront, but \`certificate\` is in ${albRegion}: set \`cloudFrontCertificate\``);
      }
    }
  }
}

/**
 * The names of a certificate created in this app (`acm.Certificate`: its
 * `CfnCertificate` names them); undefined when unknown: an imported
 * certificate, or names that are tokens.
 */
export function certificateNames(cert: acm.ICertificate): string[] | undefined {
  const cfn = cert.node.defaultChild;
  if (!(cfn instanceof acm.CfnCertificate)) return undefined;
  const sans = cfn.subjectAlternativeNames ?? [];
  if (Token.isUnresolved(cfn.domainName) || Token.isUnresolved(sans) || sans.some((n) => Token.isUnresolved(n))) return undefined;
  return [cfn.domainName, ...sans];
}

/**
 * Whether a certificate name covers a host name: the same name, or a
 * wildcard `*.example.com` covering exactly one label (`www.example.com`,
 * not `example.com` nor `a.b.example.com`). Case-insensitive.
 */
export function certificateCovers(certName: string, name: string): boolean {
  const c = certName.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (c === n) return true;
  if (!c.startsWith('*.')) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(0, dot) !== '*' && n.slice(dot + 1) === c.slice(2);
}

/** The certificate CloudFront serves must cover every alias, or CloudFront rejects the distribution at deploy. */
function checkCertificateCoversNames(props: DjangoFargateEnvironmentProps, domainNames: readonly string[], add: (p: string) => void) {
  const prop = props.cloudFrontCertificate ? 'cloudFrontCertificate' : 'certificate';
  const cert = props[prop];
  if (!cert) return;
  // `certificate` serves CloudFront only from us-east-1 (or an unknown region);
  // otherwise another check already asks for `cloudFrontCertificate`.
  const region = certificateRegion(cert);
  if (prop === 'certificate' && region && region !== CLOUDFRONT_CERTIFICATE_REGION) return;
  const names = certificateNames(cert);
  if (!names) return;
  domainNames.forEach((name, i) => {
    if (!known(name) || names.some((c) => certificateCovers(c, name))) return;
    add(`\`domainNames[${i}]\` (${show(name)}) is not covered by \`${prop}\`, whose names are ${show(names)}: CloudFront rejects an alias its certificate does not cover; add the name to the certificate (a wildcard such as '*.example.com' covers exactly one label) or remove it from \`domainNames\``);
  });
}

/** A name is in a zone when it is the zone's apex or ends with `.<zone>`; a trailing dot is ignored. */
export function nameInZone(name: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  const host = name.replace(/\.$/, '').toLowerCase();
  return host === zone || host.endsWith(`.${zone}`);
}

function checkHostedZone(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const zone = props.hostedZone;
  if (!zone) return;
  const zoneName = zone.zoneName;
  const domainNames = props.domainNames ?? [];
  if (domainNames.length === 0) {
    add(`\`hostedZone\` (${known(zoneName) ? show(zoneName) : 'a zone'}) is set without \`domainNames\`: the zone only receives the records of the site's names; add \`domainNames\` inside the zone, e.g. ['www.${known(zoneName) ? zoneName.replace(/\.$/, '') : 'example.com'}'], or remove \`hostedZone\``);
  }
  // A private zone answers inside its VPCs only: neither ACM's validation nor viewers can resolve it.
  if (zone instanceof route53.PrivateHostedZone) {
    add(`\`hostedZone\` (${known(zoneName) ? show(zoneName) : 'a zone'}) is a private hosted zone: ACM validates certificates and viewers resolve the site through public DNS; give the public zone of the domain`);
  }
  if (!known(zoneName)) return;
  for (const name of domainNames) {
    if (known(name) && !nameInZone(name, zoneName)) {
      add(`\`domainNames\` entry ${show(name)} is outside \`hostedZone\` (${show(zoneName.replace(/\.$/, ''))}): every name must be the zone's apex or end with ".${zoneName.replace(/\.$/, '')}"; use that zone's names or remove \`hostedZone\` and manage DNS and certificates yourself`);
    }
  }
}

function checkService(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  if (props.readonlyRootFilesystem && props.enableExecuteCommand) {
    add('`readonlyRootFilesystem` (true) is set with `enableExecuteCommand` (true): ECS Exec\'s agent must write to the root filesystem, so shells into the tasks would fail; set one of them to false');
  }
  const port = props.containerPort;
  if (known(port) && (!Number.isInteger(port) || port! < 1 || port! > 65535)) {
    add(`\`containerPort\` (${port}) must be an integer port from 1 to 65535`);
  }

  checkTaskSize('', props.cpu ?? DEFAULTS.cpu, props.memoryLimitMiB ?? DEFAULTS.memoryLimitMiB, add);

  const min = props.minCapacity ?? DEFAULTS.minCapacity;
  const max = props.maxCapacity ?? DEFAULTS.maxCapacity;
  if (known(min) && (!Number.isInteger(min) || min < 1)) {
    add(`\`minCapacity\` (${min}) must be an integer of 1 or more: with no task running, nothing serves requests and CPU autoscaling never starts one`);
  }
  if (known(max) && (!Number.isInteger(max) || max < 1)) {
    add(`\`maxCapacity\` (${max}) must be an integer of 1 or more`);
  }
  if (known(min) && known(max) && min > max) {
    add(`\`minCapacity\` (${min}) must not exceed \`maxCapacity\` (${max}): raise maxCapacity or lower minCapacity`);
  }
  checkCpuTarget('targetCpuUtilizationPercent', props.targetCpuUtilizationPercent, add);

  const path = props.healthCheckPath;
  if (known(path) && !path!.startsWith('/')) {
    add(`\`healthCheckPath\` (${show(path)}) must start with '/', e.g. '/health/'`);
  }
  const tag = props.imageTag;
  if (known(tag) && !IMAGE_TAG.test(tag!)) {
    add(`\`imageTag\` (${show(tag)}) is not a valid image tag: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
  }
  if (props.image && tag !== undefined) {
    add('`imageTag` is set together with `image`: the tag selects an image in this environment\'s repository; remove one of them');
  }
}

/** A cpu/memory pair Fargate offers; `prefix` locates the props, e.g. `workers[0].`. */
function checkTaskSize(prefix: string, cpu: number, memory: number, add: (p: string) => void) {
  if (!known(cpu) || !known(memory)) return;
  const choices = fargateMemoryFor(cpu);
  if (choices.length === 0) {
    add(`\`${prefix}cpu\` (${cpu}) is not a Fargate CPU value: choose one of ${FARGATE_CPU_VALUES.join(', ')}`);
  } else if (!choices.includes(memory)) {
    add(`\`${prefix}memoryLimitMiB\` (${memory}) is not offered by Fargate with \`${prefix}cpu\` ${cpu}: choose ${describeMemoryChoices(choices)}`);
  }
}

function checkCpuTarget(prop: string, target: number | undefined, add: (p: string) => void) {
  if (known(target) && (target! <= 0 || target! > 100)) {
    add(`\`${prop}\` (${target}) must be a percentage above 0 and at most 100`);
  }
}

function checkDatabase(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const engine = props.databaseEngineVersion;
  if (engine && known(engine.postgresMajorVersion) && engine.postgresMajorVersion !== SUPPORTED_POSTGRES_MAJOR) {
    add(`\`databaseEngineVersion\` (${show(engine.postgresFullVersion)}) must be a PostgreSQL ${SUPPORTED_POSTGRES_MAJOR} version, e.g. rds.PostgresEngineVersion.VER_17_6: the parameter group is for PostgreSQL ${SUPPORTED_POSTGRES_MAJOR}, and another major version needs a planned upgrade`);
  }
  const retention: Duration | undefined = props.databaseBackupRetention;
  if (retention && !retention.isUnresolved()) {
    const days = retention.toHours() / 24;
    if (!Number.isInteger(days) || days < 1 || days > 35) {
      add(`\`databaseBackupRetention\` (${retention.toHumanString()}) must be a whole number of days from 1 to 35: automated backups cannot be turned off here`);
    }
  }
  const allocated = props.databaseAllocatedStorageGiB ?? DEFAULTS.databaseAllocatedStorageGiB;
  const maxAllocated = props.databaseMaxAllocatedStorageGiB ?? DEFAULTS.databaseMaxAllocatedStorageGiB;
  if (known(allocated) && (!Number.isInteger(allocated) || allocated < 20 || allocated > 65536)) {
    add(`\`databaseAllocatedStorageGiB\` (${allocated}) must be an integer from 20 to 65536 (gp2/gp3 PostgreSQL limits)`);
  } else if (known(allocated) && known(maxAllocated)) {
    // Integer arithmetic: allocated * 1.1 is inexact in floating point.
    const least = Math.ceil((allocated * 11) / 10);
    if (maxAllocated < least) {
      add(`\`databaseMaxAllocatedStorageGiB\` (${maxAllocated}) must be at least 10 % above \`databaseAllocatedStorageGiB\` (${allocated}), i.e. ${least} or more, for storage autoscaling`);
    }
  }
}

function checkRelease(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const commands = props.releaseCommands;
  if (props.enableReleaseCommands === false && commands !== undefined) {
    add('`releaseCommands` is set but `enableReleaseCommands` is false: remove one of them');
  }
  if (commands !== undefined) {
    if (commands.length === 0) {
      add('`releaseCommands` is an empty list: give at least one command, or set `enableReleaseCommands` to false');
    }
    if (commands.length > MAX_RELEASE_COMMANDS) {
      add(`\`releaseCommands\` has ${commands.length} commands: at most ${MAX_RELEASE_COMMANDS} are supported; combine some in a script`);
    }
    const seen = new Map<string, number>();
    commands.forEach((command, i) => {
      checkCommand(`releaseCommands[${i}]`, command, '["python", "manage.py", "migrate", "--noinput"]', add);
      // The release step recognises each command's task by the command itself.
      const key = show(command);
      if (seen.has(key)) {
        add(`\`releaseCommands[${i}]\` (${key}) repeats \`releaseCommands[${seen.get(key)}]\`: each command may appear once`);
      }
      seen.set(key, i);
    });
  }
  const timeout = props.releaseTimeout;
  if (timeout && timeout.isUnresolved()) {
    add(mustBeKnown('releaseTimeout', 'it sets the release state machine\'s timeout and its number of polls'));
  } else if (timeout) {
    const minutes = timeout.toSeconds() / 60;
    if (minutes < 1 || minutes > MAX_RELEASE_TIMEOUT_MINUTES) {
      add(`\`releaseTimeout\` (${timeout.toHumanString()}) must be from 1 to ${MAX_RELEASE_TIMEOUT_MINUTES} minutes: CloudFormation waits at most one hour for a custom resource, and the release step needs ${RELEASE_TIMEOUT_MARGIN_MINUTES} of them to stop a late command and report it`);
    }
  }
}

/** An exec-form command: a program and its arguments, none empty. */
function checkCommand(prop: string, command: readonly string[] | undefined, example: string, add: (p: string) => void) {
  if (!Array.isArray(command) || command.length === 0 || command.some((arg) => typeof arg !== 'string' || arg.length === 0)) {
    add(`\`${prop}\` (${show(command)}) must be a program and its arguments, none empty, e.g. ${example}`);
  }
}

/** Names of workers or scheduled commands: well-formed and unique. */
function checkTaskNames(prop: 'workers' | 'scheduledCommands', entries: readonly { readonly name: string }[], example: string, add: (p: string) => void) {
  const seen = new Map<string, number>();
  entries.forEach(({ name }, i) => {
    if (!known(name)) return;
    if (!TASK_NAME.test(name)) {
      add(`\`${prop}[${i}].name\` (${show(name)}) must be 1-20 lower-case letters, digits or hyphens, e.g. '${example}'`);
    }
    if (seen.has(name)) {
      add(`\`${prop}[${i}].name\` (${show(name)}) repeats \`${prop}[${seen.get(name)}].name\`: each name may appear once`);
    }
    seen.set(name, i);
  });
}

/** The variables the construct provides, by name, with the reason; a user setting may not take their place. */
function providedVariables(props: DjangoFargateEnvironmentProps): Map<string, string> {
  const provided = new Map<string, string>([[MEDIA_BUCKET_VARIABLE, 'the media bucket\'s name']]);
  if (props.enableCache) {
    provided.set(CACHE_URL_VARIABLE, 'the cache\'s URL (`enableCache`)');
    provided.set(BROKER_URL_VARIABLE, 'the cache\'s URL for Celery (`enableCache`)');
  }
  return provided;
}

function checkBackgroundWork(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const provided = providedVariables(props);
  const secrets = props.containerSecrets ?? {};
  const checkProvided = (prop: string, names: string[]) => {
    for (const name of names) {
      const what = provided.get(name);
      if (what) add(`\`${prop}.${name}\` is set, but the construct provides ${name} (${what}): remove it from \`${prop}\``);
    }
  };
  checkProvided('containerEnvironment', Object.keys(props.containerEnvironment ?? {}));
  checkProvided('containerSecrets', Object.keys(secrets));

  const workers = props.workers ?? [];
  checkTaskNames('workers', workers, 'celery', add);
  workers.forEach((w, i) => {
    const at = `workers[${i}].`;
    checkCommand(`${at}command`, w.command, '["celery", "-A", "config", "worker", "-l", "info"]', add);
    checkTaskSize(at, w.cpu ?? DEFAULTS.worker.cpu, w.memoryLimitMiB ?? DEFAULTS.worker.memoryLimitMiB, add);
    checkCpuTarget(`${at}targetCpuUtilizationPercent`, w.targetCpuUtilizationPercent, add);

    const min = w.minCapacity;
    const max = w.maxCapacity;
    if (w.singleton) {
      for (const [prop, value] of [['minCapacity', min], ['maxCapacity', max]] as const) {
        if (known(value) && value !== 1) {
          add(`\`${at}${prop}\` (${value}) must be 1 or unset: \`${at}singleton\` runs exactly one task`);
        }
      }
    } else {
      const effectiveMin = min ?? DEFAULTS.worker.minCapacity;
      const effectiveMax = max ?? effectiveMin;
      if (known(min) && (!Number.isInteger(min) || min! < 0)) {
        add(`\`${at}minCapacity\` (${min}) must be an integer of 0 or more`);
      }
      if (known(max) && (!Number.isInteger(max) || max! < 0)) {
        add(`\`${at}maxCapacity\` (${max}) must be an integer of 0 or more`);
      }
      if (known(effectiveMin) && known(effectiveMax) && effectiveMax < effectiveMin) {
        add(`\`${at}maxCapacity\` (${effectiveMax}) must not be below \`${at}minCapacity\` (${effectiveMin}): raise maxCapacity or lower minCapacity`);
      } else if (effectiveMin === 0 && known(effectiveMax) && effectiveMax > 0) {
        add(`\`${at}minCapacity\` is 0 with \`${at}maxCapacity\` ${effectiveMax}: a worker without tasks reports no CPU, so CPU autoscaling would never start one; set minCapacity to 1 or more, or maxCapacity to 0 to stop the worker`);
      }
    }

    const stop = w.stopTimeout;
    if (stop && !stop.isUnresolved()) {
      const seconds = stop.toMilliseconds() / 1000;
      if (!Number.isInteger(seconds) || seconds < MIN_STOP_TIMEOUT_SECONDS || seconds > MAX_STOP_TIMEOUT_SECONDS) {
        add(`\`${at}stopTimeout\` (${stop.toHumanString()}) must be a whole number of seconds from ${MIN_STOP_TIMEOUT_SECONDS} to ${MAX_STOP_TIMEOUT_SECONDS}: Fargate waits at most 120 s after SIGTERM`);
      }
    }

    for (const name of Object.keys(w.environment ?? {})) {
      if (!ENV_VAR.test(name)) {
        add(`\`${at}environment\` key ${show(name)} is not a valid environment variable name: use letters, digits and '_', not starting with a digit`);
      }
      if (name in secrets || name in DEFAULT_SECRET_PARAMETERS) {
        add(`\`${at}environment.${name}\` is also a secret of the container: a variable is either plain or secret, so remove it from \`${at}environment\``);
      }
    }
    checkProvided(`${at}environment`, Object.keys(w.environment ?? {}));
  });

  const commands = props.scheduledCommands ?? [];
  checkTaskNames('scheduledCommands', commands, 'clearsessions', add);
  commands.forEach((c, i) => {
    const at = `scheduledCommands[${i}].`;
    checkCommand(`${at}command`, c.command, '["python", "manage.py", "clearsessions"]', add);
    checkTaskSize(at, c.cpu ?? props.cpu ?? DEFAULTS.cpu, c.memoryLimitMiB ?? props.memoryLimitMiB ?? DEFAULTS.memoryLimitMiB, add);
  });

  const storage = props.cacheMaxDataStorageGiB;
  if (storage !== undefined && !props.enableCache) {
    add(`\`cacheMaxDataStorageGiB\` (${storage}) is set but \`enableCache\` is not true: set enableCache or remove cacheMaxDataStorageGiB`);
  }
  if (known(storage) && (!Number.isInteger(storage) || storage! < 1 || storage! > MAX_CACHE_STORAGE_GIB)) {
    add(`\`cacheMaxDataStorageGiB\` (${storage}) must be an integer from 1 to ${MAX_CACHE_STORAGE_GIB}`);
  }
}

function checkMonitoring(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const seen = new Map<string, number>();
  (props.alarmEmails ?? []).forEach((email, i) => {
    if (!known(email)) return;
    if (!EMAIL.test(email)) {
      add(`\`alarmEmails[${i}]\` (${show(email)}) is not an email address such as 'ops@example.com'`);
    }
    const key = email.toLowerCase();
    if (seen.has(key)) {
      add(`\`alarmEmails[${i}]\` (${show(email)}) repeats \`alarmEmails[${seen.get(key)}]\`: each address may appear once`);
    }
    seen.set(key, i);
  });

  const threshold: Duration | undefined = props.latencyAlarmThreshold;
  if (threshold && !threshold.isUnresolved()) {
    const seconds = threshold.toMilliseconds({ integral: false }) / 1000;
    if (!(seconds >= MIN_LATENCY_THRESHOLD_SECONDS && seconds <= MAX_LATENCY_THRESHOLD_SECONDS)) {
      add(`\`latencyAlarmThreshold\` (${threshold.toHumanString()}) must be from ${MIN_LATENCY_THRESHOLD_SECONDS} s to ${MAX_LATENCY_THRESHOLD_SECONDS} s: it is compared with the p99 response time, and the load balancer gives up after 60 s`);
    }
  }
}

function checkRegistry(props: DjangoFargateEnvironmentProps, add: (p: string) => void): LifecyclePolicyDocument | undefined {
  const max = props.maxImageCount;
  if (props.lifecyclePolicyFile !== undefined && max !== undefined) {
    add(`\`lifecyclePolicyFile\` (${show(props.lifecyclePolicyFile)}) and \`maxImageCount\` (${max}) cannot both be set: \`maxImageCount\` only shapes the default policy; put the limit in the file or drop the file`);
    return undefined;
  }
  if (props.lifecyclePolicyFile !== undefined) {
    const loaded = loadLifecyclePolicyFile(props.lifecyclePolicyFile);
    loaded.problems.forEach(add);
    const stored = loaded.policy && JSON.stringify(loaded.policy).length;
    if (stored && stored > MAX_LIFECYCLE_POLICY_CHARS) {
      add(`\`lifecyclePolicyFile\` (${props.lifecyclePolicyFile}) holds a policy of ${stored} characters without whitespace: ECR accepts at most ${MAX_LIFECYCLE_POLICY_CHARS}; combine rules`);
    }
    return loaded.policy;
  }
  if (known(max) && (!Number.isInteger(max) || max! < 1 || max! > 10000)) {
    add(`\`maxImageCount\` (${max}) must be an integer from 1 to 10000`);
    return undefined;
  }
  return defaultLifecyclePolicy(max ?? DEFAULTS.maxImageCount);
}

/** AWS limits that only deployment would otherwise find. */
function checkLimits(props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const domainNames = props.domainNames;
  if (domainNames && !Token.isUnresolved(domainNames)) {
    if (domainNames.length > MAX_ALIASES) {
      add(`\`domainNames\` has ${domainNames.length} names: a CloudFront distribution takes at most ${MAX_ALIASES} aliases`);
    }
    domainNames.forEach((name, i) => {
      if (!known(name)) return;
      if (name.length > MAX_DOMAIN_NAME_CHARS) {
        add(`\`domainNames[${i}]\` (${show(name)}) has ${name.length} characters: a domain name has at most ${MAX_DOMAIN_NAME_CHARS}`);
      }
      const long = name.split('.').find((label) => label.length > MAX_DOMAIN_LABEL_CHARS);
      if (long) {
        add(`\`domainNames[${i}]\` (${show(name)}) has a label of ${long.length} characters: each dot-separated part of a domain name has at most ${MAX_DOMAIN_LABEL_CHARS}`);
      }
    });
  }

  const path = props.healthCheckPath;
  if (known(path) && path!.length > MAX_HEALTH_CHECK_PATH_CHARS) {
    add(`\`healthCheckPath\` has ${path!.length} characters: a target group's health-check path has at most ${MAX_HEALTH_CHECK_PATH_CHARS}`);
  }

  const maxStorage = props.databaseMaxAllocatedStorageGiB;
  if (known(maxStorage) && maxStorage! > MAX_STORAGE_GIB) {
    add(`\`databaseMaxAllocatedStorageGiB\` (${maxStorage}) must be at most ${MAX_STORAGE_GIB}: the largest gp2/gp3 volume RDS for PostgreSQL offers`);
  }

  // ECS refuses a task definition over 64 KiB; the variables are most of it.
  const variableBytes = (variables: { [name: string]: string } | undefined) =>
    Buffer.byteLength(JSON.stringify(Object.entries(variables ?? {}).map(([name, value]) => ({ name, value }))));
  const secretBytes = Object.keys(props.containerSecrets ?? {}).length * SECRET_BYTES;
  const base = variableBytes(props.containerEnvironment) + secretBytes + TASK_DEFINITION_OVERHEAD_BYTES;
  if (base > MAX_TASK_DEFINITION_BYTES) {
    add(`\`containerEnvironment\` and \`containerSecrets\` make a task definition of about ${base} bytes: ECS accepts at most ${MAX_TASK_DEFINITION_BYTES}; move large values into SSM parameters read by the application, or into the image`);
  } else {
    (props.workers ?? []).forEach((w, i) => {
      const total = base + variableBytes(w.environment);
      if (total > MAX_TASK_DEFINITION_BYTES) {
        add(`\`workers[${i}].environment\` with \`containerEnvironment\` makes a task definition of about ${total} bytes: ECS accepts at most ${MAX_TASK_DEFINITION_BYTES}; move large values into SSM parameters or into the image`);
      }
    });
  }

  (props.releaseCommands ?? []).forEach((command, i) => {
    if (!Array.isArray(command)) return;
    // What the release step passes to ecs:RunTask for this command.
    const overrides = JSON.stringify({ containerOverrides: [{ name: DEFAULTS.containerName, command }] });
    if (overrides.length > MAX_RUN_TASK_OVERRIDES_CHARS) {
      add(`\`releaseCommands[${i}]\` makes ${overrides.length} characters of task overrides: ECS accepts at most ${MAX_RUN_TASK_OVERRIDES_CHARS}; move the arguments into a script in the image`);
    }
  });
}

/** The environments of one app by their ECR repository (per account and region), as construct paths. */
const ENVIRONMENTS_IN_APP = new WeakMap<IConstruct, Map<string, string>>();

function repositoryKey(scope: Construct, props: DjangoFargateEnvironmentProps): string | undefined {
  if (!known(props.project) || !known(props.environment)) return undefined;
  const stack = Stack.of(scope);
  // An environment-agnostic stack may deploy anywhere: it counts as one place.
  const where = (v: string) => Token.isUnresolved(v) ? '?' : v;
  return `${where(stack.account)}/${where(stack.region)}/${props.project}-${props.environment}`.toLowerCase();
}

function checkUniqueInApp(scope: Construct, props: DjangoFargateEnvironmentProps, add: (p: string) => void) {
  const key = repositoryKey(scope, props);
  const other = key && ENVIRONMENTS_IN_APP.get(scope.node.root)?.get(key);
  if (other) {
    add(`\`project\` and \`environment\` (${show(props.project)}, ${show(props.environment)}) are those of the DjangoFargateEnvironment at ${other}, in the same account and region: both would create the ECR repository ${show(`${props.project}-${props.environment}`.toLowerCase())} and read the same SSM parameters; give one of them another \`environment\``);
  }
}

function registerInApp(scope: Construct, props: DjangoFargateEnvironmentProps) {
  const key = repositoryKey(scope, props);
  if (!key) return;
  const root = scope.node.root;
  const seen = ENVIRONMENTS_IN_APP.get(root) ?? new Map<string, string>();
  ENVIRONMENTS_IN_APP.set(root, seen);
  seen.set(key, scope.node.path);
}
