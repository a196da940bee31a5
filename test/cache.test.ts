import { Duration, RemovalPolicy, aws_scheduler as scheduler } from 'aws-cdk-lib';
import {
  FIXED_ENV,
  environmentOf,
  idOf,
  ingressOf,
  onlyResource,
  referencedId,
  synthesize,
  type Synthesized,
} from './util';
import { serverlessCacheName } from '../src/private/cache';

/** A CloudFormation string value as text, with `${id.attribute}` for each GetAtt and `${id}` for each Ref. */
function render(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  if (value?.['Fn::GetAtt']) return `\${${value['Fn::GetAtt'].join('.')}}`;
  if (value?.Ref) return `\${${value.Ref}}`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

describe('the cache, with a worker, in a stack with a concrete environment', () => {
  let s: Synthesized;
  let cache: { id: string; properties: any };
  beforeAll(() => {
    s = synthesize({
      enableCache: true,
      cacheMaxDataStorageGiB: 5,
      workers: [{ name: 'celery', command: ['celery', '-A', 'config', 'worker'] }],
      scheduledCommands: [{ name: 'clearsessions', schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), command: ['python', 'manage.py', 'clearsessions'] }],
    }, { env: FIXED_ENV });
    cache = onlyResource(s.template, 'AWS::ElastiCache::ServerlessCache');
  });

  test('one ElastiCache Serverless Valkey 8 cache, exposed as `cache`, named after the environment', () => {
    expect(idOf(s, s.environment.cache!.ref)).toBe(cache.id);
    expect(cache.properties).toMatchObject({
      Engine: 'valkey',
      MajorEngineVersion: '8',
      ServerlessCacheName: 'team-task-production',
    });
  });

  test('its data storage is capped by cacheMaxDataStorageGiB; one daily snapshot is kept', () => {
    expect(cache.properties.CacheUsageLimits).toEqual({ DataStorage: { Maximum: 5, Unit: 'GB' } });
    expect(cache.properties).toMatchObject({ SnapshotRetentionLimit: 1, DailySnapshotTime: '03:00' });
  });

  test('it lives in the private subnets, in its own security group', () => {
    const privateIds = s.environment.vpc.privateSubnets.map((x) => idOf(s, x.subnetId)).sort();
    expect(cache.properties.SubnetIds.map(referencedId).sort()).toEqual(privateIds);
    const group = idOf(s, s.environment.cacheSecurityGroup!.securityGroupId);
    expect(cache.properties.SecurityGroupIds.map(referencedId)).toEqual([group]);
    const groups = [s.environment.serviceSecurityGroup, s.environment.workerSecurityGroup, s.environment.databaseSecurityGroup,
      s.environment.loadBalancerSecurityGroup].map((g) => idOf(s, g.securityGroupId));
    expect(groups).not.toContain(group);
  });

  test('only the web service\'s and the workers\' groups reach the cache, on 6379 and the reader port 6380; it opens nothing itself', () => {
    const group = idOf(s, s.environment.cacheSecurityGroup!.securityGroupId);
    const service = idOf(s, s.environment.serviceSecurityGroup.securityGroupId);
    const worker = idOf(s, s.environment.workerSecurityGroup.securityGroupId);
    expect(ingressOf(s.template, group)).toEqual([
      { from: 6379, to: 6380, protocol: 'tcp', cidr: undefined, sourceGroup: service },
      { from: 6379, to: 6380, protocol: 'tcp', cidr: undefined, sourceGroup: worker },
    ]);
    expect(s.template.findResources('AWS::EC2::SecurityGroup')[group].Properties.SecurityGroupEgress)
      .toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' })]);
  });

  test('every container (web, release, worker, scheduled command) gets REDIS_URL and CELERY_BROKER_URL over TLS', () => {
    const containers = Object.values(s.template.findResources('AWS::ECS::TaskDefinition')).flatMap((t) => t.Properties.ContainerDefinitions);
    expect(containers).toHaveLength(4);
    const url = `rediss://\${${cache.id}.Endpoint.Address}:\${${cache.id}.Endpoint.Port}`;
    for (const container of containers) {
      const env = environmentOf(container);
      expect(render(env.REDIS_URL)).toBe(url);
      expect(render(env.CELERY_BROKER_URL)).toBe(`${url}?ssl_cert_reqs=required`);
    }
  });

  test('the cache is retained when the stack or the resource goes away', () => {
    const resource = s.template.findResources('AWS::ElastiCache::ServerlessCache')[cache.id];
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('the cache, its group, the workers\' and the schedules\' resources carry the Project and Environment tags', () => {
    const resources = Object.entries(s.template.toJSON().Resources as { [id: string]: any })
      .filter(([, r]) => ['AWS::ElastiCache::ServerlessCache', 'AWS::EC2::SecurityGroup', 'AWS::ECS::Service',
        'AWS::Scheduler::ScheduleGroup', 'AWS::SQS::Queue', 'AWS::ECS::TaskDefinition'].includes(r.Type));
    expect(resources.length).toBeGreaterThan(10);
    for (const [resourceId, r] of resources) {
      const tags = Object.fromEntries((r.Properties.Tags ?? []).map((t: any) => [t.Key, t.Value]));
      expect([resourceId, tags.Project, tags.Environment]).toEqual([resourceId, 'team-task', 'production']);
    }
  });
});

describe('the cache in a disposable environment', () => {
  test('is deleted with the stack; its size cap defaults to 1 GB', () => {
    const s = synthesize({ enableCache: true, removalPolicy: RemovalPolicy.DESTROY });
    const resource = Object.values(s.template.findResources('AWS::ElastiCache::ServerlessCache'))[0];
    expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
    expect(resource.Properties.CacheUsageLimits).toEqual({ DataStorage: { Maximum: 1, Unit: 'GB' } });
  });
});

describe('without the cache (the default)', () => {
  test('no cache, no cache security group, no cache variables', () => {
    const s = synthesize();
    s.template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
    expect([s.environment.cache, s.environment.cacheSecurityGroup]).toEqual([undefined, undefined]);
    const env = environmentOf(s.template.findResources('AWS::ECS::TaskDefinition')[idOf(s, s.environment.taskDefinition.taskDefinitionArn)]
      .Properties.ContainerDefinitions[0]);
    expect(Object.keys(env)).not.toContain('REDIS_URL');
    expect(Object.keys(env)).not.toContain('CELERY_BROKER_URL');
  });
});

describe('serverlessCacheName', () => {
  test('is project-environment in lower case', () => {
    expect(serverlessCacheName('Team-Task', 'Production')).toBe('team-task-production');
  });

  test('squashes repeated hyphens and starts with a letter', () => {
    expect(serverlessCacheName('a--b', 'prod')).toBe('a-b-prod');
    expect(serverlessCacheName('1shop', 'prod')).toBe('c-1shop-prod');
  });

  test('keeps long names within 40 characters, distinct, without a trailing hyphen', () => {
    const a = serverlessCacheName('p'.repeat(32), 'staging-one');
    const b = serverlessCacheName('p'.repeat(32), 'staging-two');
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(40);
      expect(name).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    }
    expect(a).not.toBe(b);
    expect(serverlessCacheName('p'.repeat(32), 'environment')).toMatch(/^p{31}-[0-9a-f]{8}$/);
    expect(serverlessCacheName('p'.repeat(30), 'x-long-env')).toMatch(/^p{30}-[0-9a-f]{8}$/);
    expect(serverlessCacheName('p'.repeat(32), 'staging')).toBe(`${'p'.repeat(32)}-staging`);
  });
});
