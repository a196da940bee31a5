import { aws_certificatemanager as acm, aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FIXED_ENV, idOf, onlyResource, referencedId, serviceTaskDefinition, synthesize, synthesizeWith, type Synthesized } from './util';

// AWS-managed cache policies, by their documented ids.
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

const CERT_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const CERT_EU_WEST_1 = 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

function distributionConfig(template: Template): any {
  return onlyResource(template, 'AWS::CloudFront::Distribution').properties.DistributionConfig;
}

function originOf(template: Template, originId: string): any {
  return distributionConfig(template).Origins.find((o: any) => o.Id === originId);
}

describe('static files bucket and CloudFront, default settings', () => {
  let s: Synthesized;
  let bucketId: string;
  beforeAll(() => {
    s = synthesize();
    bucketId = idOf(s, s.environment.staticBucket.bucketName);
  });

  test('the bucket is private, versioned, encrypted, owner-enforced and logged', () => {
    expect(s.template.findResources('AWS::S3::Bucket')[bucketId].Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: idOf(s, s.environment.accessLogsBucket.bucketName) },
        LogFilePrefix: 'static-bucket/',
      },
    });
    expect(s.template.findResources('AWS::S3::Bucket')[bucketId].DeletionPolicy).toBe('Retain');
  });

  test('old versions of static files (each collectstatic makes some) expire after 30 days, and nothing else does', () => {
    expect(s.template.findResources('AWS::S3::Bucket')[bucketId].Properties.LifecycleConfiguration).toEqual({
      Rules: [{ Id: 'ExpireOldVersions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }],
    });
  });

  test('the bucket policy refuses non-TLS access and lets only this distribution read', () => {
    const policies = Object.values(s.template.findResources('AWS::S3::BucketPolicy'))
      .filter((p) => referencedId(p.Properties.Bucket) === bucketId);
    expect(policies).toHaveLength(1);
    const statements: any[] = policies[0].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    const allows = statements.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0].Action).toBe('s3:GetObject');
    const distributionId = onlyResource(s.template, 'AWS::CloudFront::Distribution').id;
    expect(JSON.stringify(allows[0].Condition.StringEquals['AWS:SourceArn'])).toContain(distributionId);
  });

  test('/static/* is the first behavior and goes to the bucket through Origin Access Control, cached', () => {
    const config = distributionConfig(s.template);
    expect(config.CacheBehaviors).toHaveLength(1);
    const behavior = config.CacheBehaviors[0];
    expect(behavior).toMatchObject({
      PathPattern: '/static/*',
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CACHING_OPTIMIZED,
      Compress: true,
    });
    const origin = originOf(s.template, behavior.TargetOriginId);
    expect(referencedId(origin.DomainName)).toBe(bucketId);
    expect(origin.DomainName['Fn::GetAtt'][1]).toBe('RegionalDomainName');
    expect(referencedId(origin.OriginAccessControlId)).toBe(onlyResource(s.template, 'AWS::CloudFront::OriginAccessControl').id);
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  test('everything else goes to the load balancer over HTTP, uncached, with all methods', () => {
    const behavior = distributionConfig(s.template).DefaultCacheBehavior;
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CACHING_DISABLED,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    });
    const origin = originOf(s.template, behavior.TargetOriginId);
    expect(referencedId(origin.DomainName)).toBe(onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').id);
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('http-only');
  });

  test('the origin request policy\'s name has the region in it, so one stack name in two regions does not collide', () => {
    const policyName = (region: string) => {
      const t = synthesize({}, { env: { ...FIXED_ENV, region } }).template;
      return onlyResource(t, 'AWS::CloudFront::OriginRequestPolicy').properties.OriginRequestPolicyConfig.Name;
    };
    const [west, central] = [policyName('eu-west-1'), policyName('eu-central-1')];
    expect(west).toMatch(/^[A-Za-z0-9]+-Pages-eu-west-1$/);
    expect(central).toMatch(/-Pages-eu-central-1$/);
    expect(west.length).toBeLessThanOrEqual(128);
    // An environment-agnostic stack names it at deployment.
    const agnostic = onlyResource(s.template, 'AWS::CloudFront::OriginRequestPolicy').properties.OriginRequestPolicyConfig.Name;
    expect(JSON.stringify(agnostic)).toContain('{"Ref":"AWS::Region"}');
  });

  test('the load balancer gets every viewer header, cookie and query string, plus CloudFront-Forwarded-Proto', () => {
    const behavior = distributionConfig(s.template).DefaultCacheBehavior;
    const policy = onlyResource(s.template, 'AWS::CloudFront::OriginRequestPolicy');
    expect(referencedId(behavior.OriginRequestPolicyId)).toBe(policy.id);
    const config = policy.properties.OriginRequestPolicyConfig;
    expect(config.HeadersConfig.HeaderBehavior).toBe('allViewerAndWhitelistCloudFront');
    expect(config.HeadersConfig.Headers).toContain('CloudFront-Forwarded-Proto');
    expect(config.CookiesConfig.CookieBehavior).toBe('all');
    expect(config.QueryStringsConfig.QueryStringBehavior).toBe('all');
  });

  test('price class 100, HTTP/2 and 3, and CloudFront\'s own certificate without aliases', () => {
    const config = distributionConfig(s.template);
    expect(config.PriceClass).toBe('PriceClass_100');
    expect(config.HttpVersion).toBe('http2and3');
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
  });

  test('the task role may read, write and list the bucket with named actions; nobody else is granted it', () => {
    const task = serviceTaskDefinition(s);
    const taskRoleId = referencedId(task.properties.TaskRoleArn);
    const policies = Object.values(s.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(bucketId));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles.map(referencedId)).toEqual([taskRoleId]);
    const statements = policies[0].Properties.PolicyDocument.Statement
      .filter((st: any) => JSON.stringify(st.Resource).includes(bucketId));
    expect(statements).toEqual([
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      }),
      expect.objectContaining({ Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } }),
    ]);
  });
});

describe('CloudFront with aliases and a us-east-1 certificate', () => {
  test('serves the aliases with the certificate over SNI and TLS 1.2 (2021)', () => {
    const s = synthesizeWithCerts({ certificate: CERT_US_EAST_1, domainNames: ['www.example.com', 'example.com'] }, 'us-east-1');
    const config = distributionConfig(s.template);
    expect(config.Aliases).toEqual(['www.example.com', 'example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERT_US_EAST_1,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });
});

describe('CloudFront certificate separate from a regional ALB certificate', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesizeWithCerts({
      certificate: CERT_EU_WEST_1,
      cloudFrontCertificate: CERT_US_EAST_1,
      domainNames: ['www.example.com'],
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
    }, FIXED_ENV.region);
  });

  test('CloudFront uses the us-east-1 certificate and the given price class', () => {
    const config = distributionConfig(s.template);
    expect(config.ViewerCertificate.AcmCertificateArn).toBe(CERT_US_EAST_1);
    expect(config.PriceClass).toBe('PriceClass_All');
  });

  test('the load balancer\'s HTTPS listener uses the regional certificate', () => {
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Certificates: [{ CertificateArn: CERT_EU_WEST_1 }],
    });
  });

  test('the site URL output is the first alias', () => {
    s.template.hasOutput('*', { Value: 'https://www.example.com' });
  });
});

/** Synthesizes with certificates imported from ARNs. */
function synthesizeWithCerts(
  props: { certificate?: string; cloudFrontCertificate?: string; domainNames?: string[]; priceClass?: cloudfront.PriceClass },
  region: string,
): Synthesized {
  return synthesizeWith((stack) => ({
    certificate: props.certificate ? acm.Certificate.fromCertificateArn(stack, 'Cert', props.certificate) : undefined,
    cloudFrontCertificate: props.cloudFrontCertificate
      ? acm.Certificate.fromCertificateArn(stack, 'CfCert', props.cloudFrontCertificate) : undefined,
    domainNames: props.domainNames,
    priceClass: props.priceClass,
  }), { env: { account: FIXED_ENV.account, region } });
}
