import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { onlyResource, synthesize } from './util';

/** The distinct DeletionPolicy values of the resources of each stateful type. */
function deletionPolicies(template: Template): { [type: string]: string[] } {
  const out: { [type: string]: string[] } = {};
  for (const type of ['AWS::RDS::DBInstance', 'AWS::S3::Bucket', 'AWS::ECR::Repository', 'AWS::Logs::LogGroup']) {
    const resources = Object.values(template.findResources(type));
    expect(resources.length).toBeGreaterThan(0);
    out[type] = [...new Set(resources.map((r) => r.DeletionPolicy))];
  }
  return out;
}

describe.each([
  ['by default', undefined],
  ['with removalPolicy RETAIN', RemovalPolicy.RETAIN],
  ['with removalPolicy SNAPSHOT', RemovalPolicy.SNAPSHOT],
])('%s, data outlives the stack', (_name, removalPolicy) => {
  let template: Template;
  beforeAll(() => { ({ template } = synthesize({ removalPolicy })); });

  test('the database has deletion protection and leaves a snapshot; buckets, repository and logs are retained', () => {
    expect(onlyResource(template, 'AWS::RDS::DBInstance').properties.DeletionProtection).toBe(true);
    expect(deletionPolicies(template)).toEqual({
      'AWS::RDS::DBInstance': ['Snapshot'],
      'AWS::S3::Bucket': ['Retain'],
      'AWS::ECR::Repository': ['Retain'],
      'AWS::Logs::LogGroup': ['Retain'],
    });
  });

  test('the load balancer has deletion protection', () => {
    expect(onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').properties.LoadBalancerAttributes)
      .toContainEqual({ Key: 'deletion_protection.enabled', Value: 'true' });
  });

  test('nothing empties a bucket or repository on deletion', () => {
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(onlyResource(template, 'AWS::ECR::Repository').properties.EmptyOnDelete).toBeFalsy();
  });
});

describe('a disposable environment (removalPolicy DESTROY)', () => {
  let template: Template;
  beforeAll(() => { ({ template } = synthesize({ removalPolicy: RemovalPolicy.DESTROY })); });

  test('everything is deleted with the stack, the database without protection or snapshot', () => {
    expect(onlyResource(template, 'AWS::RDS::DBInstance').properties.DeletionProtection).toBe(false);
    expect(deletionPolicies(template)).toEqual({
      'AWS::RDS::DBInstance': ['Delete'],
      'AWS::S3::Bucket': ['Delete'],
      'AWS::ECR::Repository': ['Delete'],
      'AWS::Logs::LogGroup': ['Delete'],
    });
  });

  test('the load balancer has no deletion protection', () => {
    const attributes = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').properties.LoadBalancerAttributes;
    expect(attributes).toContainEqual({ Key: 'deletion_protection.enabled', Value: 'false' });
  });

  test('buckets and the repository are emptied first, so deletion succeeds', () => {
    // The access-log, static and media buckets.
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 3);
    expect(onlyResource(template, 'AWS::ECR::Repository').properties.EmptyOnDelete).toBe(true);
  });
});
