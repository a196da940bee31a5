import { App, CfnParameter, Duration, Lazy, RemovalPolicy, Stack, aws_certificatemanager as acm } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { FIXED_ENV } from './util';
import { DjangoFargateEnvironment, type DjangoFargateEnvironmentProps } from '../src';

/*
 * The generated props of the property-based test (test/fuzz-props.test.ts),
 * shared with scripts/synth-configurations.ts, which lints a sample of the
 * templates they synthesize with cfn-lint (same arbitrary, same seed).
 */

/** The fixed seed CI runs (FUZZ_SEED overrides it). */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

const CERT_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CERT_EU_WEST_1 = 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

/** A value that needs the stack: a CfnParameter's token, or a literal. */
type Make<T> = (stack: Stack) => T;
const literal = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Make<T>> => arb.map((v) => Object.assign(() => v, { toString: () => JSON.stringify(v) }));
let parameters = 0;
const stringToken: fc.Arbitrary<Make<string>> = fc.constant(Object.assign(
  (stack: Stack) => new CfnParameter(stack, `S${parameters++}`, { type: 'String' }).valueAsString,
  { toString: () => '<string parameter>' },
));
const numberToken: fc.Arbitrary<Make<number>> = fc.constant(Object.assign(
  (stack: Stack) => new CfnParameter(stack, `N${parameters++}`, { type: 'Number' }).valueAsNumber,
  { toString: () => '<number parameter>' },
));
const lazyNumber = (n: number): fc.Arbitrary<Make<number>> => fc.constant(Object.assign(
  () => Lazy.number({ produce: () => n }),
  { toString: () => `<lazy ${n}>` },
));

const name = fc.oneof(
  { weight: 30, arbitrary: literal(fc.constantFrom('team-task', 'shop', 'a', 'Prod-EU-1', 'x'.repeat(32))) },
  { weight: 1, arbitrary: literal(fc.constantFrom('team--task', 'aws-shop', '', '-x', 'x'.repeat(33), 'a b', 'ünï')) },
  { weight: 1, arbitrary: stringToken },
);
const smallInt = (min: number, max: number) => fc.oneof(
  { weight: 6, arbitrary: literal(fc.integer({ min, max })) },
  { weight: 1, arbitrary: literal(fc.constantFrom(0.5, -1, Number.NaN)) },
  { weight: 1, arbitrary: numberToken },
);
const minutes = fc.oneof(
  { weight: 5, arbitrary: literal(fc.integer({ min: 0, max: 130 })).map((m) => (s: Stack) => Duration.minutes(m(s))) },
  { weight: 1, arbitrary: numberToken.map((m) => (s: Stack) => Duration.minutes(m(s))) },
);
const path = fc.oneof(
  literal(fc.constantFrom('/', '/health/', 'health', '/ok?x=1', `/${'p'.repeat(1030)}`)),
  stringToken,
);
const variableName = fc.constantFrom('DEBUG', 'FEATURE_X', 'DATABASE_PASSWORD', 'AWS_MEDIA_BUCKET_NAME', 'REDIS_URL', '1BAD', 'MY-VAR', '');
const suffix = fc.oneof(literal(fc.constantFrom('api_key', 'db.url', 'bad suffix', 'a/b', '')), stringToken);
const command = fc.constantFrom<string[]>(['python', 'manage.py', 'migrate'], ['true'], [], ['echo', ''], ['echo', 'x'.repeat(9000)]);
const domains: fc.Arbitrary<string[]> = fc.constantFrom(
  ['www.example.com'],
  ['example.com', '*.example.com'],
  ['https://example.com'],
  [`${'a'.repeat(64)}.example.com`],
  [],
);

/** Mostly unset: a case sets a few props, so that some cases are valid. */
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/** Props and how to build them in a stack. */
export const propsArb = fc.record({
  project: name,
  environment: name,
  containerPort: opt(fc.oneof(smallInt(0, 70000), lazyNumber(8000))),
  size: opt(fc.constantFrom([256, 512], [512, 1024], [1024, 2048], [256, 4096], [300, 512])),
  minCapacity: opt(smallInt(0, 4)),
  maxCapacity: opt(smallInt(0, 6)),
  healthCheckPath: opt(path),
  natGateways: opt(smallInt(0, 3)),
  releaseTimeout: opt(minutes),
  releaseCommands: opt(fc.array(command, { maxLength: 3 })),
  containerEnvironment: opt(fc.dictionary(variableName, fc.constant('1'), { maxKeys: 3 })),
  containerSecrets: opt(fc.dictionary(variableName, suffix, { maxKeys: 2 })),
  parameterNames: opt(fc.record({ databasePassword: suffix })),
  databaseAllocatedStorageGiB: opt(literal(fc.constantFrom(10, 20, 100, 70000))),
  databaseMaxAllocatedStorageGiB: opt(literal(fc.constantFrom(21, 22, 100, 65536, 70000))),
  maxImageCount: opt(smallInt(0, 20)),
  enableCache: opt(fc.boolean()),
  cacheMaxDataStorageGiB: opt(smallInt(0, 6000)),
  alarmEmails: opt(fc.array(fc.constantFrom('ops@example.com', 'oncall@', 'Ops@Example.com'), { maxLength: 2 })),
  certificate: opt(fc.constantFrom('us-east-1', 'eu-west-1', 'token', 'created')),
  cloudFrontCertificate: opt(fc.constantFrom('us-east-1', 'eu-west-1', 'token', 'created')),
  domainNames: opt(domains),
  workers: opt(fc.array(fc.record({
    name: fc.constantFrom('celery', 'beat', 'Bad_Name'),
    command,
    singleton: opt(fc.boolean()),
    minCapacity: opt(fc.integer({ min: -1, max: 2 })),
    maxCapacity: opt(fc.integer({ min: 0, max: 3 })),
  }), { maxLength: 2 })),
  readonlyRootFilesystem: opt(fc.boolean()),
  enableExecuteCommand: opt(fc.boolean()),
  removalPolicy: opt(fc.constantFrom(RemovalPolicy.DESTROY, RemovalPolicy.RETAIN)),
  region: fc.constantFrom<string | undefined>(undefined, 'eu-west-1', 'us-east-1'),
}, { requiredKeys: ['project', 'environment', 'region'] });

export type Generated = typeof propsArb extends fc.Arbitrary<infer T> ? T : never;

function certificateFor(stack: Stack, id: string, where: string): acm.ICertificate {
  // Created in the stack: its names are known, so `domainNames` must be covered.
  if (where === 'created') return new acm.Certificate(stack, id, { domainName: 'example.com', subjectAlternativeNames: ['*.example.com'] });
  const arn = where === 'token' ? new CfnParameter(stack, `${id}Arn`, { type: 'String' }).valueAsString
    : where === 'us-east-1' ? CERT_US_EAST_1 : CERT_EU_WEST_1;
  return acm.Certificate.fromCertificateArn(stack, id, arn);
}

/** The generated props' environment in a stack `Fuzz` of `app` (a new app unless given). */
export function build(g: Generated, app: App = new App()): Stack {
  const stack = new Stack(app, 'Fuzz', g.region ? { env: { ...FIXED_ENV, region: g.region } } : {});
  const value = <T>(m: Make<T> | undefined) => (m ? m(stack) : undefined);
  const props: DjangoFargateEnvironmentProps = {
    project: g.project(stack),
    environment: g.environment(stack),
    containerPort: value(g.containerPort),
    cpu: g.size?.[0],
    memoryLimitMiB: g.size?.[1],
    minCapacity: value(g.minCapacity),
    maxCapacity: value(g.maxCapacity),
    healthCheckPath: value(g.healthCheckPath),
    natGateways: value(g.natGateways),
    releaseTimeout: value(g.releaseTimeout),
    releaseCommands: g.releaseCommands,
    containerEnvironment: g.containerEnvironment,
    containerSecrets: g.containerSecrets && Object.fromEntries(Object.entries(g.containerSecrets).map(([k, v]) => [k, v(stack)])),
    parameterNames: g.parameterNames && { databasePassword: g.parameterNames.databasePassword(stack) },
    databaseAllocatedStorageGiB: value(g.databaseAllocatedStorageGiB),
    databaseMaxAllocatedStorageGiB: value(g.databaseMaxAllocatedStorageGiB),
    maxImageCount: value(g.maxImageCount),
    enableCache: g.enableCache,
    cacheMaxDataStorageGiB: value(g.cacheMaxDataStorageGiB),
    alarmEmails: g.alarmEmails,
    certificate: g.certificate ? certificateFor(stack, 'AlbCert', g.certificate) : undefined,
    cloudFrontCertificate: g.cloudFrontCertificate ? certificateFor(stack, 'CfCert', g.cloudFrontCertificate) : undefined,
    domainNames: g.domainNames,
    workers: g.workers,
    readonlyRootFilesystem: g.readonlyRootFilesystem,
    enableExecuteCommand: g.enableExecuteCommand,
    removalPolicy: g.removalPolicy,
  };
  new DjangoFargateEnvironment(stack, 'Env', props);
  return stack;
}


const HEADER = /^Invalid DjangoFargateEnvironment props at Fuzz\/Env \(\d+ problems?\):$/;
const NAMES_A_PROP = /^ {2}- .*`[A-Za-z][A-Za-z0-9_.[\]-]*`/;

/** Whether `e` is validation's error, every line of which names a prop. */
export function isPropsError(e: unknown): boolean {
  const lines = (e instanceof Error ? e.message : String(e)).split('\n');
  return HEADER.test(lines[0]) && lines.length >= 2 && lines.slice(1).every((l) => NAMES_A_PROP.test(l));
}
