import { createHash } from 'crypto';
import {
  ACMClient,
  CertificateDetail,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RequestCertificateCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, InvalidChangeBatch, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CertificateEvent,
  IN_USE_GRACE_SECONDS,
  KEY_TAG,
  VALIDATION_RECORD_TTL,
  certificateKey,
  isComplete,
  onEvent,
} from '../src/private/certificate-handler';

const acm = mockClient(ACMClient);
const route53 = mockClient(Route53Client);
beforeEach(() => {
  acm.reset();
  route53.reset();
  jest.restoreAllMocks();
});

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Django/11111111-2222-3333-4444-555555555555';
const REQUEST_ID = '3f1c2a9e-8d4b-4c1e-9f2a-6b7d8e9f0a1b';
const ZONE = 'Z0123456789ABCDEFGHIJ';
const NAMES = ['www.example.com', 'example.com'];
const PROPERTIES = { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider', DomainNames: NAMES, HostedZoneId: ZONE, StackRegion: 'eu-west-1' };
const arn = (id: string) => `arn:aws:acm:us-east-1:123456789012:certificate/${id}`;
const KEY = certificateKey(STACK_ID, 'Certificate', { domainNames: NAMES, hostedZoneId: ZONE });

function event(overrides: Partial<CertificateEvent> = {}): CertificateEvent {
  return {
    RequestType: 'Create',
    RequestId: REQUEST_ID,
    StackId: STACK_ID,
    LogicalResourceId: 'Certificate',
    ResourceProperties: PROPERTIES,
    ...overrides,
  };
}

const record = (name: string) => ({ Name: `_abc.${name}.`, Type: 'CNAME' as const, Value: `_xyz.${name}.acm-validations.aws.` });

/** A certificate as DescribeCertificate returns it; `records: false` before ACM made the validation records. */
function certificate(status: CertificateDetail['Status'], options: { records?: boolean; names?: string[]; failureReason?: string; inUseBy?: string[] } = {}): CertificateDetail {
  const names = options.names ?? NAMES;
  return {
    CertificateArn: arn('new'),
    DomainName: names[0],
    Status: status,
    FailureReason: options.failureReason as any,
    InUseBy: options.inUseBy,
    DomainValidationOptions: names.map((name) => ({
      DomainName: name,
      ResourceRecord: options.records === false ? undefined : record(name),
    })),
  };
}

function givenCertificates(list: { arn: string; domainName: string; sans?: string[]; key?: string }[], region?: string): void {
  // Every region's client is the same mock; a region filter is asserted where it matters.
  void region;
  acm.on(ListCertificatesCommand).resolves({
    CertificateSummaryList: list.map((c) => ({ CertificateArn: c.arn, DomainName: c.domainName, SubjectAlternativeNameSummaries: c.sans })),
  });
  for (const c of list) {
    acm.on(ListTagsForCertificateCommand, { CertificateArn: c.arn }).resolves({ Tags: c.key ? [{ Key: KEY_TAG, Value: c.key }] : [] });
  }
}

const changes = () => route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input);

describe('onEvent Create', () => {
  test('requests a DNS-validated certificate for the names, tagged with its key, with an idempotency token from the request', async () => {
    givenCertificates([]);
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: arn('new') });

    await expect(onEvent(event())).resolves.toEqual({ PhysicalResourceId: arn('new') });

    expect(acm.commandCalls(RequestCertificateCommand).map((c) => c.args[0].input)).toEqual([{
      DomainName: 'www.example.com',
      SubjectAlternativeNames: ['example.com'],
      ValidationMethod: 'DNS',
      IdempotencyToken: createHash('sha256').update(REQUEST_ID).digest('hex').slice(0, 32),
      Tags: [{ Key: KEY_TAG, Value: KEY }],
    }]);
  });

  test('a single name has no alternative names', async () => {
    givenCertificates([]);
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: arn('new') });
    await onEvent(event({ ResourceProperties: { ...PROPERTIES, DomainNames: ['www.example.com'] } }));
    expect(acm.commandCalls(RequestCertificateCommand)[0].args[0].input.SubjectAlternativeNames).toBeUndefined();
  });

  test('a retried Create finds the certificate an earlier attempt requested (same key) instead of requesting another', async () => {
    givenCertificates([
      { arn: arn('other'), domainName: 'www.example.com', key: 'someone-else' },
      { arn: arn('earlier'), domainName: 'www.example.com', key: KEY },
    ]);
    await expect(onEvent(event())).resolves.toEqual({ PhysicalResourceId: arn('earlier') });
    expect(acm.commandCalls(RequestCertificateCommand)).toHaveLength(0);
    // Only issued or validating certificates are candidates.
    expect(acm.commandCalls(ListCertificatesCommand)[0].args[0].input.CertificateStatuses).toEqual(['ISSUED', 'PENDING_VALIDATION']);
  });

  test('pages through ListCertificates', async () => {
    acm.on(ListCertificatesCommand)
      .resolvesOnce({ CertificateSummaryList: [{ CertificateArn: arn('a'), DomainName: 'a.example.com' }], NextToken: 'page2' })
      .resolvesOnce({ CertificateSummaryList: [{ CertificateArn: arn('earlier'), DomainName: 'www.example.com' }] });
    acm.on(ListTagsForCertificateCommand).resolves({ Tags: [{ Key: KEY_TAG, Value: KEY }] });
    await expect(onEvent(event())).resolves.toEqual({ PhysicalResourceId: arn('earlier') });
    expect(acm.commandCalls(ListCertificatesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page2']);
  });

  test('fails with the property named when DomainNames is missing', async () => {
    await expect(onEvent(event({ ResourceProperties: { ...PROPERTIES, DomainNames: [] } })))
      .rejects.toThrow('Certificate property DomainNames must be a non-empty list of names, got []');
    await expect(onEvent(event({ ResourceProperties: { ...PROPERTIES, HostedZoneId: '' } })))
      .rejects.toThrow('Certificate property HostedZoneId must be a non-empty string, got ""');
  });

  test('an ACM error fails the request', async () => {
    givenCertificates([]);
    acm.on(RequestCertificateCommand).rejects(new Error('LimitExceededException: too many certificates'));
    await expect(onEvent(event())).rejects.toThrow('too many certificates');
  });
});

describe('onEvent Update', () => {
  const update = (props: object, old: Record<string, unknown> = PROPERTIES) => event({
    RequestType: 'Update',
    PhysicalResourceId: arn('current'),
    ResourceProperties: { ...PROPERTIES, ...props },
    OldResourceProperties: old,
  });

  test('the same names in the same zone keep the certificate (the stack\'s region is not part of it)', async () => {
    await expect(onEvent(update({ StackRegion: 'eu-central-1' }))).resolves.toEqual({ PhysicalResourceId: arn('current') });
    expect(acm.calls()).toHaveLength(0);
  });

  test('new names mean a new certificate: a new physical id, so CloudFormation deletes the old one afterwards', async () => {
    givenCertificates([{ arn: arn('current'), domainName: 'www.example.com', key: KEY }]);
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: arn('new') });
    await expect(onEvent(update({ DomainNames: ['www.example.com', 'shop.example.com'] }))).resolves.toEqual({ PhysicalResourceId: arn('new') });
    expect(acm.commandCalls(RequestCertificateCommand)[0].args[0].input.SubjectAlternativeNames).toEqual(['shop.example.com']);
  });

  test('another zone means a new certificate', async () => {
    givenCertificates([]);
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: arn('new') });
    await expect(onEvent(update({ HostedZoneId: 'ZOTHER' }))).resolves.toEqual({ PhysicalResourceId: arn('new') });
  });

  test('a rollback to the previous names finds the previous certificate by its key instead of requesting a third', async () => {
    const newNames = { ...PROPERTIES, DomainNames: ['www.example.com', 'shop.example.com'] };
    givenCertificates([
      { arn: arn('new'), domainName: 'www.example.com', key: certificateKey(STACK_ID, 'Certificate', { domainNames: newNames.DomainNames, hostedZoneId: ZONE }) },
      { arn: arn('previous'), domainName: 'www.example.com', key: KEY },
    ]);
    const rollback = event({ RequestType: 'Update', PhysicalResourceId: arn('new'), ResourceProperties: PROPERTIES, OldResourceProperties: newNames });
    await expect(onEvent(rollback)).resolves.toEqual({ PhysicalResourceId: arn('previous') });
    expect(acm.commandCalls(RequestCertificateCommand)).toHaveLength(0);
  });
});

describe('isComplete while creating', () => {
  const polled = (overrides: Partial<CertificateEvent> = {}) => event({ PhysicalResourceId: arn('new'), ...overrides });

  test('before ACM made the validation records: not complete, nothing written', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('PENDING_VALIDATION', { records: false }) });
    await expect(isComplete(polled())).resolves.toEqual({ IsComplete: false });
    expect(changes()).toEqual([]);
  });

  test('pending validation: UPSERTs the validation records into the zone (once per record name), not complete', async () => {
    const withWildcard = certificate('PENDING_VALIDATION', { names: ['example.com', '*.example.com'] });
    // A name and its wildcard share one record.
    withWildcard.DomainValidationOptions![1].ResourceRecord = record('example.com');
    acm.on(DescribeCertificateCommand).resolves({ Certificate: withWildcard });
    await expect(isComplete(polled())).resolves.toEqual({ IsComplete: false });
    expect(changes()).toEqual([{
      HostedZoneId: ZONE,
      ChangeBatch: {
        Comment: expect.any(String),
        Changes: [{
          Action: 'UPSERT',
          ResourceRecordSet: { Name: '_abc.example.com.', Type: 'CNAME', TTL: VALIDATION_RECORD_TTL, ResourceRecords: [{ Value: '_xyz.example.com.acm-validations.aws.' }] },
        }],
      },
    }]);
  });

  test('issued: complete, with the ARN', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED') });
    await expect(isComplete(polled())).resolves.toEqual({ IsComplete: true, Data: { CertificateArn: arn('new') } });
    expect(changes()).toEqual([]);
  });

  test('an update that kept the certificate completes at once', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED') });
    await expect(isComplete(polled({ RequestType: 'Update' }))).resolves.toMatchObject({ IsComplete: true });
  });

  test.each(['FAILED', 'VALIDATION_TIMED_OUT', 'REVOKED', 'INACTIVE'] as const)('%s: fails the deployment with the reason and what to check', async (status) => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate(status, { failureReason: 'CAA_ERROR' }) });
    await expect(isComplete(polled())).rejects.toThrow(
      `Certificate ${arn('new')} for www.example.com, example.com is ${status} (CAA_ERROR): check that the names are in hosted zone ${ZONE}`);
  });

  test('a certificate deleted by hand meanwhile fails the deployment', async () => {
    acm.on(DescribeCertificateCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(isComplete(polled())).rejects.toThrow(`Certificate ${arn('new')} no longer exists in us-east-1`);
  });
});

describe('Delete', () => {
  const deleting = (data: Record<string, string> = { DeleteRequestedAt: String(Date.now()) }, physicalId = arn('old')) =>
    event({ RequestType: 'Delete', PhysicalResourceId: physicalId, Data: data });

  test('onEvent keeps the physical id and records when the deletion was asked for; nothing is deleted yet', async () => {
    const before = Date.now();
    const response = await onEvent(event({ RequestType: 'Delete', PhysicalResourceId: arn('old') }));
    expect(response.PhysicalResourceId).toBe(arn('old'));
    expect(Number(response.Data!.DeleteRequestedAt)).toBeGreaterThanOrEqual(before);
    expect(acm.calls()).toHaveLength(0);
  });

  test('deletes the certificate, then the validation records no other certificate (us-east-1 or the stack\'s region) needs', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { ...certificate('ISSUED'), CertificateArn: arn('old') } });
    acm.on(DeleteCertificateCommand).resolves({});
    // The load balancer's certificate (stack's region) still covers www.example.com.
    givenCertificates([{ arn: arn('old'), domainName: 'www.example.com', sans: NAMES }, { arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/alb', domainName: 'www.example.com' }]);

    await expect(isComplete(deleting())).resolves.toEqual({ IsComplete: true });

    expect(acm.commandCalls(DeleteCertificateCommand).map((c) => c.args[0].input)).toEqual([{ CertificateArn: arn('old') }]);
    expect(changes().map((c) => c.ChangeBatch!.Changes!.map((ch) => `${ch.Action} ${ch.ResourceRecordSet!.Name} ${ch.ResourceRecordSet!.TTL}`))).toEqual([
      [`DELETE _abc.example.com. ${VALIDATION_RECORD_TTL}`],
    ]);
  });

  test('a certificate already gone: complete, no record touched', async () => {
    acm.on(DescribeCertificateCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(isComplete(deleting())).resolves.toEqual({ IsComplete: true });
    expect(acm.commandCalls(DeleteCertificateCommand)).toHaveLength(0);
    expect(changes()).toEqual([]);
  });

  test('a Create that failed before ACM answered left a non-ARN physical id: nothing to delete', async () => {
    await expect(isComplete(deleting(undefined, REQUEST_ID))).resolves.toEqual({ IsComplete: true });
    expect(acm.calls()).toHaveLength(0);
  });

  test('in use (CloudFront not yet let go): not complete within the grace period, records kept', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED') });
    acm.on(DeleteCertificateCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
    await expect(isComplete(deleting({ DeleteRequestedAt: String(Date.now() - 60_000) }))).resolves.toEqual({ IsComplete: false });
    expect(changes()).toEqual([]);
  });

  test('still in use after the grace period: left in place with a log line, records kept, the stack does not fail', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED', { inUseBy: ['arn:aws:cloudfront::123456789012:distribution/E1'] }) });
    acm.on(DeleteCertificateCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
    const longAgo = String(Date.now() - (IN_USE_GRACE_SECONDS + 1) * 1000);
    await expect(isComplete(deleting({ DeleteRequestedAt: longAgo }))).resolves.toEqual({ IsComplete: true });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('is still in use by arn:aws:cloudfront::123456789012:distribution/E1'));
    expect(changes()).toEqual([]);
  });

  test('deleted between describe and delete: complete', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED') });
    acm.on(DeleteCertificateCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(isComplete(deleting())).resolves.toEqual({ IsComplete: true });
  });

  test('a validation record already gone or changed by hand is skipped; the others are still deleted', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED') });
    acm.on(DeleteCertificateCommand).resolves({});
    givenCertificates([]);
    route53.on(ChangeResourceRecordSetsCommand)
      .rejectsOnce(new InvalidChangeBatch({ message: 'Tried to delete resource record set but it was not found', $metadata: {} }))
      .resolves({});
    await expect(isComplete(deleting())).resolves.toEqual({ IsComplete: true });
    expect(changes()).toHaveLength(2);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('was not deleted'));
  });

  test('another Route 53 error fails the deletion, to be retried by CloudFormation', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: certificate('ISSUED') });
    acm.on(DeleteCertificateCommand).resolves({});
    givenCertificates([]);
    route53.on(ChangeResourceRecordSetsCommand).rejects(new Error('Throttling'));
    await expect(isComplete(deleting())).rejects.toThrow('Throttling');
  });
});
