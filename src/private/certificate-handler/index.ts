/**
 * Lambda handlers of the CloudFront certificate custom resource (aws-cdk-lib's
 * Provider framework): a DNS-validated ACM certificate in us-east-1, whatever
 * the stack's region, for CloudFront's aliases.
 *
 * - Create: `onEvent` requests the certificate (or finds the one an earlier,
 *   interrupted attempt requested); `isComplete` (polled) writes the
 *   validation CNAME records into the hosted zone once ACM has them, and
 *   completes when the certificate is issued; it fails on FAILED,
 *   VALIDATION_TIMED_OUT, REVOKED or INACTIVE. The framework's total timeout
 *   bounds the wait.
 * - Update: other names or another zone mean another certificate (a new
 *   physical id), so CloudFormation deletes the old one after the
 *   distribution moved to the new one. A rollback finds the previous
 *   certificate by its tag instead of requesting a third.
 * - Delete: deletes the certificate (retrying while CloudFront still holds
 *   it, then leaving it in place with a log line rather than failing the
 *   stack), then its validation records, unless another certificate in
 *   us-east-1 or the stack's region still needs them (ACM uses the same
 *   record for a name in every certificate of the account).
 *
 * Nothing is kept between polls beyond the event. This file is the whole
 * Lambda asset, so it imports nothing from the rest of the library.
 */
import { createHash } from 'crypto';
/* eslint-disable import/no-extraneous-dependencies -- provided by the Lambda runtime */
import {
  ACMClient,
  CertificateDetail,
  CertificateSummary,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
  ResourceRecord,
} from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
/* eslint-enable import/no-extraneous-dependencies */

/** CloudFront only uses certificates from this region. */
export const CERTIFICATE_REGION = 'us-east-1';
/** The tag that ties a certificate to its custom resource and names (see `certificateKey`). */
export const KEY_TAG = 'cdk-django-fargate:certificate';
/** TTL of the validation records this handler writes; a DELETE must name the same. */
export const VALIDATION_RECORD_TTL = 300;
/** How long a deletion waits for CloudFront to let go of the certificate before leaving it in place. */
export const IN_USE_GRACE_SECONDS = 15 * 60;

/** The fields of the Provider framework's event that the handlers read. */
export interface CertificateEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
  /** What `onEvent` returned, passed on to `isComplete` by the framework. */
  readonly Data?: Readonly<Record<string, string>>;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Readonly<Record<string, string>>;
}

/** The resource properties, checked. */
interface Request {
  readonly domainNames: string[];
  readonly hostedZoneId: string;
  /** The stack's region, where other certificates may share the validation records. */
  readonly stackRegion: string;
}

const acm = new ACMClient({ region: CERTIFICATE_REGION });
const route53 = new Route53Client({});
const acmIn = (region: string) => (region === CERTIFICATE_REGION ? acm : new ACMClient({ region }));

export async function onEvent(event: CertificateEvent): Promise<OnEventResponse> {
  if (event.RequestType === 'Delete') {
    // The deletion itself happens in isComplete, which may retry it.
    return { PhysicalResourceId: event.PhysicalResourceId!, Data: { DeleteRequestedAt: String(Date.now()) } };
  }
  const request = readRequest(event.ResourceProperties);
  if (event.RequestType === 'Update' && event.PhysicalResourceId) {
    const old = readRequest(event.OldResourceProperties ?? {});
    // Only the names and the zone make the certificate; the region of the
    // stack is only where to look for sharers.
    if (sameCertificate(old, request)) return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const key = certificateKey(event.StackId, event.LogicalResourceId, request);
  const existing = await findCertificate(request.domainNames[0], key);
  if (existing) return { PhysicalResourceId: existing };
  const [domainName, ...others] = request.domainNames;
  const requested = await acm.send(new RequestCertificateCommand({
    DomainName: domainName,
    SubjectAlternativeNames: others.length ? others : undefined,
    ValidationMethod: 'DNS',
    // A retried request (same CloudFormation request) gets the same certificate.
    IdempotencyToken: createHash('sha256').update(event.RequestId).digest('hex').slice(0, 32),
    Tags: [{ Key: KEY_TAG, Value: key }],
  }));
  if (!requested.CertificateArn) throw new Error(`ACM returned no certificate ARN for ${request.domainNames.join(', ')}`);
  return { PhysicalResourceId: requested.CertificateArn };
}

export async function isComplete(event: CertificateEvent): Promise<IsCompleteResponse> {
  const arn = event.PhysicalResourceId;
  if (!arn) throw new Error('The certificate custom resource has no physical id (the certificate ARN)');
  if (event.RequestType === 'Delete') return deleteCertificate(event, arn);

  const request = readRequest(event.ResourceProperties);
  const certificate = await describe(arn);
  if (!certificate) throw new Error(`Certificate ${arn} no longer exists in ${CERTIFICATE_REGION}`);
  switch (certificate.Status) {
    case 'ISSUED':
      return { IsComplete: true, Data: { CertificateArn: arn } };
    case 'PENDING_VALIDATION': {
      // ACM adds the records a few seconds after the request: ask again.
      const options = certificate.DomainValidationOptions ?? [];
      if (options.length === 0 || options.some((o) => !o.ResourceRecord)) return { IsComplete: false };
      const records = validationRecords(certificate);
      // UPSERT: idempotent, and the same record may already be there for
      // another certificate of the same name.
      await changeRecords(request.hostedZoneId, 'UPSERT', records);
      return { IsComplete: false };
    }
    default:
      throw new Error(`Certificate ${arn} for ${request.domainNames.join(', ')} is ${certificate.Status}`
        + `${certificate.FailureReason ? ` (${certificate.FailureReason})` : ''}: check that the names are in hosted zone `
        + `${request.hostedZoneId} and that no CAA record forbids amazon.com, then deploy again`);
  }
}

async function deleteCertificate(event: CertificateEvent, arn: string): Promise<IsCompleteResponse> {
  // A physical id that is not a certificate (a Create that failed before ACM
  // answered) leaves nothing to delete.
  if (!arn.startsWith('arn:')) return { IsComplete: true };
  const certificate = await describe(arn);
  if (certificate) {
    try {
      await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') return { IsComplete: true };
      if (errorName(e) !== 'ResourceInUseException') throw e;
      // CloudFront lets go of a replaced certificate a little after the
      // distribution's update; past the grace period the certificate is
      // somebody else's now, and the stack must not fail for it.
      const requestedAt = Number(event.Data?.DeleteRequestedAt ?? Date.now());
      if (Date.now() - requestedAt < IN_USE_GRACE_SECONDS * 1000) return { IsComplete: false };
      console.log(`Certificate ${arn} is still in use by ${(certificate.InUseBy ?? []).join(', ') || 'another resource'}; `
        + 'it is left in place with its validation records. Delete it once nothing uses it.');
      return { IsComplete: true };
    }
  }
  // The certificate is gone: its validation records, unless another
  // certificate of the same names still needs them for its renewals.
  const records = certificate ? validationRecords(certificate) : [];
  if (records.length > 0) {
    const request = readRequest(event.ResourceProperties);
    const needed = await namesOfOtherCertificates(arn, request.stackRegion);
    const unshared = certificate!.DomainValidationOptions!
      .filter((o) => o.ResourceRecord && !needed.has(o.DomainName!.replace(/^\*\./, '')))
      .map((o) => o.ResourceRecord!);
    await deleteRecords(request.hostedZoneId, dedupe(unshared));
  }
  return { IsComplete: true };
}

/** Checks the resource properties; the Provider framework reports a thrown message as the reason of the failure. */
function readRequest(props: Readonly<Record<string, unknown>>): Request {
  const names = props.DomainNames;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || n === '')) {
    throw new Error(`Certificate property DomainNames must be a non-empty list of names, got ${JSON.stringify(names)}`);
  }
  return {
    domainNames: names as string[],
    hostedZoneId: requireString(props, 'HostedZoneId'),
    stackRegion: requireString(props, 'StackRegion'),
  };
}

function requireString(props: Readonly<Record<string, unknown>>, name: string): string {
  const value = props[name];
  if (typeof value !== 'string' || value === '') throw new Error(`Certificate property ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function sameCertificate(a: Request, b: Request): boolean {
  return a.hostedZoneId === b.hostedZoneId && JSON.stringify(a.domainNames) === JSON.stringify(b.domainNames);
}

/**
 * The tag value of a certificate: its resource (stack and logical id), zone
 * and names. A rollback to earlier names finds the earlier certificate by it.
 */
export function certificateKey(stackId: string, logicalId: string, request: Pick<Request, 'domainNames' | 'hostedZoneId'>): string {
  return createHash('sha256').update(JSON.stringify([stackId, logicalId, request.hostedZoneId, request.domainNames])).digest('hex');
}

/** A usable certificate (issued or still validating) with this key, if an earlier request made one. */
async function findCertificate(domainName: string, key: string): Promise<string | undefined> {
  for (const summary of await listCertificates(acm, ['ISSUED', 'PENDING_VALIDATION'])) {
    if (summary.DomainName !== domainName || !summary.CertificateArn) continue;
    const tags = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: summary.CertificateArn }));
    if (tags.Tags?.some((t) => t.Key === KEY_TAG && t.Value === key)) return summary.CertificateArn;
  }
  return undefined;
}

async function listCertificates(client: ACMClient, statuses?: ('ISSUED' | 'PENDING_VALIDATION')[]): Promise<CertificateSummary[]> {
  const all: CertificateSummary[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListCertificatesCommand({ CertificateStatuses: statuses, NextToken: token }));
    all.push(...(page.CertificateSummaryList ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}

/** The names (without `*.`) of every other certificate in us-east-1 and the stack's region. */
async function namesOfOtherCertificates(arn: string, stackRegion: string): Promise<Set<string>> {
  const regions = [...new Set([CERTIFICATE_REGION, stackRegion])];
  const names = new Set<string>();
  for (const region of regions) {
    for (const summary of await listCertificates(acmIn(region))) {
      if (summary.CertificateArn === arn) continue;
      for (const name of [summary.DomainName, ...(summary.SubjectAlternativeNameSummaries ?? [])]) {
        if (name) names.add(name.replace(/^\*\./, ''));
      }
    }
  }
  return names;
}

async function describe(arn: string): Promise<CertificateDetail | undefined> {
  try {
    return (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

/** The certificate's validation records, once per record name (a name and its wildcard share one). */
function validationRecords(certificate: CertificateDetail): ResourceRecord[] {
  return dedupe((certificate.DomainValidationOptions ?? []).flatMap((o) => (o.ResourceRecord ? [o.ResourceRecord] : [])));
}

function dedupe(records: ResourceRecord[]): ResourceRecord[] {
  return [...new Map(records.map((r) => [r.Name, r])).values()];
}

async function changeRecords(hostedZoneId: string, action: 'UPSERT' | 'DELETE', records: ResourceRecord[]): Promise<void> {
  if (records.length === 0) return;
  await route53.send(new ChangeResourceRecordSetsCommand({
    HostedZoneId: hostedZoneId,
    ChangeBatch: {
      Comment: 'ACM validation of the CloudFront certificate (cdk-django-fargate)',
      Changes: records.map((r) => ({
        Action: action,
        ResourceRecordSet: { Name: r.Name, Type: r.Type, TTL: VALIDATION_RECORD_TTL, ResourceRecords: [{ Value: r.Value }] },
      })),
    },
  }));
}

/** Deletes each record on its own: one already gone (or changed by hand) must not keep the others. */
async function deleteRecords(hostedZoneId: string, records: ResourceRecord[]): Promise<void> {
  for (const record of records) {
    try {
      await changeRecords(hostedZoneId, 'DELETE', [record]);
    } catch (e) {
      if (errorName(e) !== 'InvalidChangeBatch') throw e;
      console.log(`Validation record ${record.Name} was not deleted: ${(e as Error).message}`);
    }
  }
}

function errorName(e: unknown): string | undefined {
  return (e as { name?: string } | undefined)?.name;
}
