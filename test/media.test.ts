import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FIXED_ENV,
  environmentOf,
  idOf,
  referencedId,
  serviceTaskDefinition,
  statementsOfRole,
  synthesize,
  type Synthesized,
} from './util';

describe('the media bucket (user uploads)', () => {
  let s: Synthesized;
  let id: string;
  let bucket: any;
  beforeAll(() => {
    s = synthesize({ workers: [{ name: 'celery', command: ['celery', '-A', 'config', 'worker'] }] }, { env: FIXED_ENV });
    id = idOf(s, s.environment.mediaBucket.bucketName);
    bucket = s.template.findResources('AWS::S3::Bucket')[id];
  });

  test('is its own bucket, private with all public access blocked, versioned, encrypted, owner-enforced', () => {
    expect(id).not.toBe(idOf(s, s.environment.staticBucket.bucketName));
    expect(id).not.toBe(idOf(s, s.environment.accessLogsBucket.bucketName));
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('logs its accesses to the access-log bucket under media-bucket/ and aborts abandoned uploads after 7 days', () => {
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: idOf(s, s.environment.accessLogsBucket.bucketName) },
      LogFilePrefix: 'media-bucket/',
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }),
    ]);
  });

  test('its policy only refuses requests without TLS: no principal, CloudFront included, is let in', () => {
    const policies = Object.values(s.template.findResources('AWS::S3::BucketPolicy')).filter((p) => referencedId(p.Properties.Bucket) === id);
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([expect.objectContaining({
      Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    })]);
    const origins = JSON.stringify(Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig.Origins);
    expect(origins).not.toContain(id);
  });

  test('is retained when the stack goes away', () => {
    expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('the tasks may read, write and delete its objects with named actions scoped to it, and nothing else may', () => {
    const task = serviceTaskDefinition(s).properties;
    const taskRole = referencedId(task.TaskRoleArn);
    const onMedia = (st: any) => JSON.stringify(st.Resource).includes(id);
    expect(statementsOfRole(s.template, taskRole).filter(onMedia)).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
      },
      { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: { 'Fn::GetAtt': [id, 'Arn'] } },
    ]);
    const others = Object.values(s.template.findResources('AWS::IAM::Policy'))
      .filter((p) => !p.Properties.Roles.map(referencedId).includes(taskRole))
      .flatMap((p) => p.Properties.PolicyDocument.Statement).filter(onMedia);
    expect(others).toEqual([]);
  });

  test('every container gets its name as AWS_MEDIA_BUCKET_NAME', () => {
    const containers = Object.values(s.template.findResources('AWS::ECS::TaskDefinition')).flatMap((t) => t.Properties.ContainerDefinitions);
    expect(containers).toHaveLength(3);
    for (const container of containers) expect(environmentOf(container).AWS_MEDIA_BUCKET_NAME).toEqual({ Ref: id });
  });
});

describe('the media bucket of a disposable environment', () => {
  test('is emptied and deleted with the stack', () => {
    const s = synthesize({ removalPolicy: RemovalPolicy.DESTROY });
    const id = idOf(s, s.environment.mediaBucket.bucketName);
    const bucket = s.template.findResources('AWS::S3::Bucket')[id];
    expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
    const emptied = Object.values(s.template.findResources('Custom::S3AutoDeleteObjects')).map((r) => referencedId(r.Properties.BucketName));
    expect(emptied).toContain(id);
  });
});
