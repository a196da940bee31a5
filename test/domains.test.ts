import { Duration, type Stack, aws_certificatemanager as acm, aws_route53 as route53, aws_scheduler as scheduler } from 'aws-cdk-lib';
import { FIXED_ENV, environmentOf, idOf, onlyResource, referencedId, statementsOfRole, synthesize, synthesizeWith, taskDefinitionOf, type Synthesized } from './util';
import { originDomainName } from '../src/private/domain';
import { nameInZone } from '../src/private/validation';

const US_EAST_1 = { account: FIXED_ENV.account, region: 'us-east-1' };
const CERT_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CERT_EU_WEST_1 = 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

/** Plain variables of every container of the environment, by task definition logical id. */
function everyContainerEnvironment(s: Synthesized): { [taskDefinition: string]: { [name: string]: any } } {
  const all = s.template.findResources('AWS::ECS::TaskDefinition');
  return Object.fromEntries(Object.entries(all).map(([id, r]) => [id, environmentOf(r.Properties.ContainerDefinitions[0])]));
}

describe('DJANGO_CSRF_TRUSTED_ORIGINS with domainNames', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesizeWith((stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_US_EAST_1),
      domainNames: ['www.example.com', 'example.com'],
      workers: [{ name: 'celery', command: ['celery', '-A', 'config', 'worker'] }],
      scheduledCommands: [{
        name: 'clearsessions',
        schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
        command: ['python', 'manage.py', 'clearsessions'],
      }],
    }), { env: US_EAST_1 });
  });

  test('every container (web, release, worker, schedule) gets https://<name> for each name, comma-separated', () => {
    const environments = everyContainerEnvironment(s);
    // web, release, one worker, one scheduled command
    expect(Object.keys(environments)).toHaveLength(4);
    for (const environment of Object.values(environments)) {
      expect(environment.DJANGO_CSRF_TRUSTED_ORIGINS).toBe('https://www.example.com,https://example.com');
    }
    expect(environmentOf(taskDefinitionOf(s, s.environment.taskDefinition).properties.ContainerDefinitions[0]))
      .toHaveProperty('DJANGO_CSRF_TRUSTED_ORIGINS');
  });
});

describe('DJANGO_CSRF_TRUSTED_ORIGINS without domainNames', () => {
  test('is not set: the distribution\'s own name is the Host Django compares the Origin with', () => {
    const s = synthesize();
    for (const environment of Object.values(everyContainerEnvironment(s))) {
      expect(environment).not.toHaveProperty('DJANGO_CSRF_TRUSTED_ORIGINS');
    }
  });

  test('containerEnvironment replaces it, like the other defaults', () => {
    const s = synthesizeWith((stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_US_EAST_1),
      domainNames: ['www.example.com'],
      containerEnvironment: { DJANGO_CSRF_TRUSTED_ORIGINS: 'https://www.example.com,https://admin.example.org' },
    }), { env: US_EAST_1 });
    for (const environment of Object.values(everyContainerEnvironment(s))) {
      expect(environment.DJANGO_CSRF_TRUSTED_ORIGINS).toBe('https://www.example.com,https://admin.example.org');
    }
  });
});

const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const zoneIn = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: ZONE_ID, zoneName: 'example.com' });
const NAMES = ['www.example.com', 'example.com'];

/** The distribution's config. */
const distributionConfig = (s: Synthesized) => onlyResource(s.template, 'AWS::CloudFront::Distribution').properties.DistributionConfig;
/** The origin CloudFront sends dynamic pages to (the default behavior's). */
function loadBalancerOrigin(s: Synthesized): any {
  const config = distributionConfig(s);
  return config.Origins.find((o: any) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
}
const nagSuppressions = (s: Synthesized) => (s.template.findResources('AWS::CloudFront::Distribution')[onlyResource(s.template, 'AWS::CloudFront::Distribution').id]
  .Metadata?.cdk_nag?.rules_to_suppress ?? []).map((r: any) => r.id);
/** Route 53 records as `TYPE name -> alias target's logical id`. */
function records(s: Synthesized): string[] {
  return Object.values(s.template.findResources('AWS::Route53::RecordSet')).map((r) => {
    const p = r.Properties;
    expect(p.HostedZoneId).toBe(ZONE_ID);
    // A load balancer's alias is dualstack.<its DNS name>.
    const target = p.AliasTarget.DNSName['Fn::Join']?.[1][1] ?? p.AliasTarget.DNSName;
    return `${p.Type} ${p.Name} -> ${referencedId(target)}`;
  }).sort();
}

describe('hostedZone in a us-east-1 stack, no certificate given', () => {
  let s: Synthesized;
  let certificate: { id: string; properties: any };
  beforeAll(() => {
    s = synthesizeWith((stack) => ({ hostedZone: zoneIn(stack), domainNames: NAMES }), { env: US_EAST_1 });
    certificate = onlyResource(s.template, 'AWS::CertificateManager::Certificate');
  });

  test('one certificate, DNS-validated in the zone, covers every name and the origin name', () => {
    expect(certificate.properties).toEqual({
      DomainName: 'www.example.com',
      SubjectAlternativeNames: ['example.com', 'origin.www.example.com'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'www.example.com', HostedZoneId: ZONE_ID },
        { DomainName: 'example.com', HostedZoneId: ZONE_ID },
        { DomainName: 'origin.www.example.com', HostedZoneId: ZONE_ID },
      ],
      Tags: expect.anything(),
    });
  });

  test('the load balancer\'s HTTPS listener and CloudFront both use it (us-east-1 is both regions)', () => {
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Certificates: [{ CertificateArn: { Ref: certificate.id } }],
    });
    expect(distributionConfig(s)).toMatchObject({
      Aliases: NAMES,
      ViewerCertificate: { AcmCertificateArn: { Ref: certificate.id }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    });
  });

  test('A and AAAA alias records for every name to the distribution, and an A record for the origin name to the load balancer', () => {
    const distribution = onlyResource(s.template, 'AWS::CloudFront::Distribution').id;
    const loadBalancer = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').id;
    expect(records(s)).toEqual([
      `A example.com. -> ${distribution}`,
      `A origin.www.example.com. -> ${loadBalancer}`,
      `A www.example.com. -> ${distribution}`,
      `AAAA example.com. -> ${distribution}`,
      `AAAA www.example.com. -> ${distribution}`,
    ]);
  });

  test('CloudFront reaches the load balancer over HTTPS only (TLSv1.2), by the origin name, still with the origin header', () => {
    expect(loadBalancerOrigin(s)).toMatchObject({
      DomainName: 'origin.www.example.com',
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      OriginCustomHeaders: [{ HeaderName: 'X-Origin-Secret', HeaderValue: expect.anything() }],
    });
  });

  test('no cdk-nag CFR5 suppression: the origin connection is TLS', () => {
    expect(nagSuppressions(s)).not.toContain('AwsSolutions-CFR5');
  });

  test('the containers trust the names as CSRF origins', () => {
    expect(environmentOf(taskDefinitionOf(s, s.environment.taskDefinition).properties.ContainerDefinitions[0]).DJANGO_CSRF_TRUSTED_ORIGINS)
      .toBe('https://www.example.com,https://example.com');
  });
});

describe('hostedZone with given certificates: they win', () => {
  test('certificate in us-east-1 given: no certificate is made, the origin stays HTTP, the names get their records', () => {
    const s = synthesizeWith((stack) => ({
      hostedZone: zoneIn(stack),
      domainNames: NAMES,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Given', CERT_US_EAST_1),
    }), { env: US_EAST_1 });
    s.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(distributionConfig(s).ViewerCertificate.AcmCertificateArn).toBe(CERT_US_EAST_1);
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: CERT_US_EAST_1 }] });
    expect(loadBalancerOrigin(s).CustomOriginConfig.OriginProtocolPolicy).toBe('http-only');
    expect(nagSuppressions(s)).toContain('AwsSolutions-CFR5');
    const distribution = onlyResource(s.template, 'AWS::CloudFront::Distribution').id;
    // A given certificate may not cover origin.<name>: no origin record.
    expect(records(s)).toEqual([
      `A example.com. -> ${distribution}`,
      `A www.example.com. -> ${distribution}`,
      `AAAA example.com. -> ${distribution}`,
      `AAAA www.example.com. -> ${distribution}`,
    ]);
  });

  test('cloudFrontCertificate given: CloudFront uses it; the load balancer\'s certificate is made, with the HTTPS origin', () => {
    const s = synthesizeWith((stack) => ({
      hostedZone: zoneIn(stack),
      domainNames: NAMES,
      cloudFrontCertificate: acm.Certificate.fromCertificateArn(stack, 'Given', CERT_US_EAST_1),
    }), { env: FIXED_ENV });
    const made = onlyResource(s.template, 'AWS::CertificateManager::Certificate');
    expect(made.properties.SubjectAlternativeNames).toEqual(['example.com', 'origin.www.example.com']);
    expect(distributionConfig(s).ViewerCertificate.AcmCertificateArn).toBe(CERT_US_EAST_1);
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: { Ref: made.id } }] });
    expect(loadBalancerOrigin(s).CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });
});

describe('without hostedZone', () => {
  test('no records, no certificate made, and the origin is HTTP (today\'s behaviour)', () => {
    const s = synthesizeWith((stack) => ({
      domainNames: ['www.example.com'],
      certificate: acm.Certificate.fromCertificateArn(stack, 'Given', CERT_US_EAST_1),
    }), { env: US_EAST_1 });
    s.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    s.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(loadBalancerOrigin(s).CustomOriginConfig.OriginProtocolPolicy).toBe('http-only');
  });
});

describe('origin name', () => {
  test('is origin.<first name>, a wildcard\'s "*." dropped', () => {
    expect(originDomainName(['www.example.com', 'example.com'])).toBe('origin.www.example.com');
    expect(originDomainName(['*.example.com'])).toBe('origin.example.com');
  });

  test('a name is in a zone when it is the apex or a subdomain, whatever the case or trailing dot', () => {
    expect(nameInZone('example.com', 'example.com.')).toBe(true);
    expect(nameInZone('a.b.example.com', 'Example.com')).toBe(true);
    expect(nameInZone('myexample.com', 'example.com')).toBe(false);
    expect(nameInZone('example.org', 'example.com')).toBe(false);
  });
});

describe('hostedZone in an eu-west-1 stack, no certificate given', () => {
  let s: Synthesized;
  let custom: { id: string; properties: any };
  beforeAll(() => {
    s = synthesizeWith((stack) => ({ hostedZone: zoneIn(stack), domainNames: NAMES }), { env: FIXED_ENV });
    custom = onlyResource(s.template, 'Custom::DjangoCloudFrontCertificate');
  });

  test('CloudFront\'s certificate comes from the custom resource, for the domain names, validated in the zone', () => {
    expect(custom.properties).toMatchObject({ DomainNames: NAMES, HostedZoneId: ZONE_ID, StackRegion: 'eu-west-1' });
    expect(distributionConfig(s).ViewerCertificate.AcmCertificateArn).toEqual({ Ref: custom.id });
    expect(distributionConfig(s).Aliases).toEqual(NAMES);
  });

  test('the load balancer\'s certificate is made in the stack\'s region and covers the origin name: HTTPS origin', () => {
    const made = onlyResource(s.template, 'AWS::CertificateManager::Certificate');
    expect(made.properties.SubjectAlternativeNames).toEqual(['example.com', 'origin.www.example.com']);
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: { Ref: made.id } }] });
    expect(loadBalancerOrigin(s).CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(nagSuppressions(s)).not.toContain('AwsSolutions-CFR5');
  });

  test('the handler may touch us-east-1 certificates and CNAME validation records of these names in this zone only', () => {
    const role = idOf(s, (s.environment.node.findChild('Domain').node.findChild('CloudFrontCertificate').node.findChild('HandlerRole') as any).roleArn);
    const statements = statementsOfRole(s.template, role).filter((st: any) => !String(st.Action).startsWith('logs:'));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'acm:RequestCertificate',
        Resource: '*',
        Condition: {
          'StringEquals': { 'aws:RequestedRegion': 'us-east-1', 'acm:ValidationMethod': 'DNS' },
          'ForAllValues:StringEquals': { 'acm:DomainNames': NAMES },
        },
      },
      {
        Effect: 'Allow',
        Action: ['acm:AddTagsToCertificate', 'acm:DescribeCertificate', 'acm:ListTagsForCertificate', 'acm:DeleteCertificate'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:acm:us-east-1:${FIXED_ENV.account}:certificate/*`]] },
      },
      { Effect: 'Allow', Action: 'acm:ListCertificates', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'route53:ChangeResourceRecordSets',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:route53:::hostedzone/${ZONE_ID}`]] },
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
            'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'DELETE'],
          },
          'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_*.www.example.com', '_*.example.com'] },
        },
      },
    ]);
  });

  test('the waiter polls every 30 s for at most an hour', () => {
    // The release step has its own waiter; this one is the certificate's.
    const machines = Object.entries(s.template.findResources('AWS::StepFunctions::StateMachine'))
      .filter(([id]) => id.includes('CloudFrontCertificate'));
    expect(machines).toHaveLength(1);
    expect(JSON.stringify(machines[0][1].Properties.DefinitionString)).toMatch(/\\"IntervalSeconds\\":30,\\"MaxAttempts\\":120/);
  });
});

describe('hostedZone in an environment-agnostic stack', () => {
  test('CloudFront\'s certificate is made in us-east-1 by the custom resource; the region is a reference', () => {
    const s = synthesizeWith((stack) => ({ hostedZone: zoneIn(stack), domainNames: ['www.example.com'] }));
    const custom = onlyResource(s.template, 'Custom::DjangoCloudFrontCertificate');
    expect(custom.properties.StackRegion).toEqual({ Ref: 'AWS::Region' });
    expect(distributionConfig(s).ViewerCertificate.AcmCertificateArn).toEqual({ Ref: custom.id });
  });
});

describe('hostedZone with a regional certificate given', () => {
  test('the load balancer uses it; CloudFront gets one made in us-east-1; the origin stays HTTP', () => {
    const s = synthesizeWith((stack) => ({
      hostedZone: zoneIn(stack),
      domainNames: NAMES,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Given', CERT_EU_WEST_1),
    }), { env: FIXED_ENV });
    s.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: CERT_EU_WEST_1 }] });
    expect(distributionConfig(s).ViewerCertificate.AcmCertificateArn).toEqual({ Ref: onlyResource(s.template, 'Custom::DjangoCloudFrontCertificate').id });
    expect(loadBalancerOrigin(s).CustomOriginConfig.OriginProtocolPolicy).toBe('http-only');
  });
});
