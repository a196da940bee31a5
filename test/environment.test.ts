import { Template } from 'aws-cdk-lib/assertions';
import { FIXED_ENV, allStrings, onlyResource, referencedId, synthesize, type Synthesized } from './util';

const PARAMETER_NAMES = [
  'team-task-production_postgres_db',
  'team-task-production_database_username',
  'team-task-production_database_password',
  'team-task-production_django_secret_key',
  'team-task-production_database_url',
];

/** The value of tag `key` on a resource, whether Tags is a list or a map. */
function tagValue(resource: any, key: string): string | undefined {
  const tags = resource.Properties?.Tags;
  if (Array.isArray(tags)) return tags.find((t: any) => t.Key === key)?.Value;
  return tags?.[key];
}

describe.each([
  ['environment-agnostic', {}],
  ['concrete account and region', { env: FIXED_ENV }],
])('whole environment in a stack that is %s', (_name, stackProps) => {
  let s: Synthesized;
  let resources: { [id: string]: any };
  beforeAll(() => {
    s = synthesize({ containerSecrets: { DATABASE_URL: 'database_url' } }, stackProps);
    resources = s.template.toJSON().Resources;
  });

  test('creates every component of the architecture', () => {
    for (const type of [
      'AWS::EC2::VPC', 'AWS::EC2::NatGateway', 'AWS::EC2::InternetGateway', 'AWS::ECR::Repository', 'AWS::S3::Bucket',
      'AWS::CloudFront::Distribution', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::RDS::DBInstance', 'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service',
      'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::Logs::LogGroup',
    ]) {
      expect(Object.keys(s.template.findResources(type)).length).toBeGreaterThanOrEqual(1);
    }
  });

  test('every taggable resource carries the Project and Environment tags', () => {
    const taggable = Object.entries(resources).filter(([, r]) => r.Properties?.Tags !== undefined);
    expect(taggable.length).toBeGreaterThan(25);
    for (const [id, r] of taggable) {
      expect([id, tagValue(r, 'Project'), tagValue(r, 'Environment')]).toEqual([id, 'team-task', 'production']);
    }
  });

  test('the resources users need to reach are exposed', () => {
    const e = s.environment;
    const idOf = (token: string) => referencedId(s.stack.resolve(token));
    expect(idOf(e.vpc.vpcId)).toBe(onlyResource(s.template, 'AWS::EC2::VPC').id);
    expect(idOf(e.repository.repositoryName)).toBe(onlyResource(s.template, 'AWS::ECR::Repository').id);
    const buckets = Object.keys(s.template.findResources('AWS::S3::Bucket'));
    expect([idOf(e.staticBucket.bucketName), idOf(e.accessLogsBucket.bucketName), idOf(e.mediaBucket.bucketName)].sort()).toEqual(buckets.sort());
    expect(idOf(e.distribution.distributionId)).toBe(onlyResource(s.template, 'AWS::CloudFront::Distribution').id);
    expect(idOf(e.loadBalancer.loadBalancerArn)).toBe(onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').id);
    expect(idOf(e.targetGroup.targetGroupArn)).toBe(onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::TargetGroup').id);
    expect(idOf(e.database.instanceIdentifier)).toBe(onlyResource(s.template, 'AWS::RDS::DBInstance').id);
    expect(idOf(e.cluster.clusterName)).toBe(onlyResource(s.template, 'AWS::ECS::Cluster').id);
    expect(Object.keys(s.template.findResources('AWS::ECS::TaskDefinition'))).toContain(idOf(e.taskDefinition.taskDefinitionArn));
    expect(idOf(e.service.serviceArn)).toBe(onlyResource(s.template, 'AWS::ECS::Service').id);
    expect(Object.keys(s.template.findResources('AWS::Logs::LogGroup'))).toContain(idOf(e.logGroup.logGroupName));
    const groups = [e.loadBalancerSecurityGroup, e.serviceSecurityGroup, e.databaseSecurityGroup, e.workerSecurityGroup]
      .map((g) => idOf(g.securityGroupId));
    expect(groups.sort()).toEqual(Object.keys(s.template.findResources('AWS::EC2::SecurityGroup')).sort());
    expect([e.workerServices, e.schedules, e.cache, e.cacheSecurityGroup]).toEqual([[], [], undefined, undefined]);
  });

  test('outputs give the site URL, repository URI, load balancer DNS name and database endpoint', () => {
    const outputs = Object.values(s.template.toJSON().Outputs as { [id: string]: any });
    const byDescription = (text: RegExp) => outputs.find((o) => text.test(o.Description))?.Value;
    const distribution = onlyResource(s.template, 'AWS::CloudFront::Distribution').id;
    expect(byDescription(/URL of the site/)).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] });
    expect(JSON.stringify(byDescription(/ECR repository/))).toContain(onlyResource(s.template, 'AWS::ECR::Repository').id);
    expect(byDescription(/DNS name of the load balancer/)).toEqual({
      'Fn::GetAtt': [onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').id, 'DNSName'],
    });
    expect(JSON.stringify(byDescription(/PostgreSQL database/))).toContain('Endpoint.Address');
  });

  test('SSM parameters are only referenced: ARNs, an ssm-secure reference and deploy-time reads, never values', () => {
    const strings = allStrings(s.template.toJSON());
    // A synthesis-time lookup would leave CDK's placeholder value in the template.
    expect(strings.filter((x) => x.includes('dummy-value-for-'))).toEqual([]);
    // CloudFormation refuses plain ssm references to SecureStrings.
    expect(strings.filter((x) => x.includes('{{resolve:ssm:'))).toEqual([]);
    for (const name of PARAMETER_NAMES) {
      const mentions = strings.filter((x) => x.includes(name));
      expect(mentions.length).toBeGreaterThan(0);
      for (const m of mentions) {
        const isArn = m.endsWith(`:parameter/${name}`);
        const isSecureReference = m === `{{resolve:ssm-secure:${name}}}`;
        const isDeployTimeRead = m.startsWith('{"service":"SSM","action":"GetParameter"') && m.includes('"logApiResponseData":false');
        expect([name, m, isArn || isSecureReference || isDeployTimeRead]).toEqual([name, m, true]);
      }
    }
  });

  test('every Lambda function the construct brings uses a runtime AWS still accepts', () => {
    const runtimes = Object.values(s.template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Runtime);
    expect(runtimes.length).toBeGreaterThan(0);
    for (const runtime of runtimes) {
      const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
      expect([runtime, major >= 22]).toEqual([runtime, true]);
    }
  });
});

describe('resource count', () => {
  test('the default environment is the same set of resources in both kinds of stack', () => {
    const count = (t: Template) => Object.keys(t.toJSON().Resources).length;
    expect(count(synthesize().template)).toBe(count(synthesize({}, { env: FIXED_ENV }).template));
  });
});
