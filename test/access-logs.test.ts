import { FIXED_ENV, idOf, onlyResource, referencedId, synthesize, type Synthesized } from './util';

describe('access logs in a stack with a concrete region', () => {
  let s: Synthesized;
  let logs: string;
  beforeAll(() => {
    s = synthesize({}, { env: FIXED_ENV });
    logs = idOf(s, s.environment.accessLogsBucket.bucketName);
  });

  test('the log bucket is private, encrypted with SSE-S3 (ALB logs need it), expires logs after 90 days and is retained', () => {
    const bucket = s.template.findResources('AWS::S3::Bucket')[logs];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  test('CloudFront writes its standard logs there', () => {
    const logging = onlyResource(s.template, 'AWS::CloudFront::Distribution').properties.DistributionConfig.Logging;
    expect(referencedId(logging.Bucket)).toBe(logs);
    expect(logging.Prefix).toBe('cloudfront/');
  });

  test('the load balancer writes its access logs there', () => {
    const attributes = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').properties.LoadBalancerAttributes;
    expect(attributes).toEqual(expect.arrayContaining([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: { Ref: logs } },
      { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ]));
  });

  test('the VPC sends all its flow logs there', () => {
    const flowLog = onlyResource(s.template, 'AWS::EC2::FlowLog').properties;
    expect(flowLog).toMatchObject({ ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 's3' });
    expect(JSON.stringify(flowLog.LogDestination)).toContain(logs);
    expect(referencedId(flowLog.ResourceId)).toBe(onlyResource(s.template, 'AWS::EC2::VPC').id);
  });
});

describe('access logs in an environment-agnostic stack', () => {
  test('the load balancer cannot log (its log-delivery principal depends on the region); the rest still does', () => {
    const s = synthesize();
    const attributes = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').properties.LoadBalancerAttributes;
    expect(attributes.find((a: any) => a.Key === 'access_logs.s3.enabled')).toBeUndefined();
    expect(onlyResource(s.template, 'AWS::CloudFront::Distribution').properties.DistributionConfig.Logging).toBeDefined();
    s.template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });
});
