import { Duration } from 'aws-cdk-lib';
import {
  FIXED_ENV,
  environmentOf,
  idOf,
  onlyResource,
  referencedId,
  secretsOf,
  serviceTaskDefinition,
  statementsOfRole,
  synthesize,
  taskDefinitionOf,
  type Synthesized,
} from './util';
import type { WorkerOptions } from '../src';
import { workerSettings } from '../src/private/worker';

const CELERY: WorkerOptions = {
  name: 'celery',
  command: ['celery', '-A', 'config', 'worker', '-l', 'info'],
  cpu: 512,
  memoryLimitMiB: 1024,
  minCapacity: 2,
  maxCapacity: 6,
  targetCpuUtilizationPercent: 55,
  spot: true,
  stopTimeout: Duration.seconds(120),
  environment: { CELERY_WORKER_CONCURRENCY: '4', DEBUG: 'True' },
};
const BEAT: WorkerOptions = { name: 'beat', command: ['celery', '-A', 'config', 'beat'], singleton: true };
const REPORTS: WorkerOptions = { name: 'reports', command: ['python', 'manage.py', 'reports'], minCapacity: 3 };

describe('workers: a spot autoscaled worker, a beat singleton and a fixed worker, with extra secrets', () => {
  let s: Synthesized;
  let web: any;
  let services: { [name: string]: { id: string; resource: any } };
  let tasks: { [name: string]: any };
  let scalableTargets: [string, any][];
  beforeAll(() => {
    s = synthesize({
      workers: [CELERY, BEAT, REPORTS],
      containerSecrets: { DATABASE_URL: 'database_url' },
      containerEnvironment: { SENTRY_ENVIRONMENT: 'production' },
      enableCache: true,
    }, { env: FIXED_ENV });
    web = serviceTaskDefinition(s).properties;
    services = {};
    tasks = {};
    ['celery', 'beat', 'reports'].forEach((name, i) => {
      const id = idOf(s, s.environment.workerServices[i].serviceArn);
      services[name] = { id, resource: s.template.findResources('AWS::ECS::Service')[id] };
      tasks[name] = s.template.findResources('AWS::ECS::TaskDefinition')[referencedId(services[name].resource.Properties.TaskDefinition)].Properties;
    });
    scalableTargets = Object.entries(s.template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).map(([id, r]) => [id, r.Properties]);
  });

  const targetOf = (name: string) => scalableTargets.filter(([, t]) => JSON.stringify(t.ResourceId).includes(services[name].id));

  test('one ECS service per worker besides the web service, exposed in the order of `workers`, ids named after the workers', () => {
    expect(Object.keys(s.template.findResources('AWS::ECS::Service'))).toHaveLength(4);
    expect(s.environment.workerServices).toHaveLength(3);
    expect(s.environment.workerServices.map((w) => w.node.path)).toEqual([
      'TestStack/Env/Workers/Worker-celery/Service',
      'TestStack/Env/Workers/Worker-beat/Service',
      'TestStack/Env/Workers/Worker-reports/Service',
    ]);
    expect(new Set(Object.values(services).map((x) => x.id)).size).toBe(3);
  });

  test('every worker runs the web container\'s image, variables and secrets plus its own variables, with its own command', () => {
    const [webContainer] = web.ContainerDefinitions;
    for (const [name, options] of [['celery', CELERY], ['beat', BEAT], ['reports', REPORTS]] as const) {
      expect(tasks[name].ContainerDefinitions).toHaveLength(1);
      const [container] = tasks[name].ContainerDefinitions;
      expect(container.Name).toBe('django-app');
      expect(container.Essential).toBe(true);
      expect(container.Image).toEqual(webContainer.Image);
      expect(container.Command).toEqual(options.command);
      expect(environmentOf(container)).toEqual({ ...environmentOf(webContainer), ...options.environment });
      expect(secretsOf(container)).toEqual(secretsOf(webContainer));
      expect(container.PortMappings).toBeUndefined();
    }
    // The worker's own variables win over the web container's.
    expect(environmentOf(tasks.celery.ContainerDefinitions[0]).DEBUG).toBe('True');
    expect(environmentOf(webContainer).DEBUG).toBe('False');
    expect(Object.keys(secretsOf(webContainer))).toContain('DATABASE_URL');
    expect(Object.keys(environmentOf(webContainer))).toEqual(expect.arrayContaining(['REDIS_URL', 'CELERY_BROKER_URL', 'AWS_MEDIA_BUCKET_NAME', 'SENTRY_ENVIRONMENT']));
  });

  test('each worker logs to the environment\'s log group under worker-<name>', () => {
    const logGroup = idOf(s, s.environment.logGroup.logGroupName);
    for (const name of ['celery', 'beat', 'reports']) {
      expect(tasks[name].ContainerDefinitions[0].LogConfiguration).toEqual({
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': { Ref: logGroup }, 'awslogs-stream-prefix': `worker-${name}`, 'awslogs-region': FIXED_ENV.region },
      });
    }
  });

  test('size and SIGTERM grace follow the options, with the documented defaults', () => {
    expect([tasks.celery.Cpu, tasks.celery.Memory]).toEqual(['512', '1024']);
    expect([tasks.beat.Cpu, tasks.beat.Memory]).toEqual(['256', '512']);
    expect(tasks.celery.ContainerDefinitions[0].StopTimeout).toBe(120);
    expect(tasks.beat.ContainerDefinitions[0].StopTimeout).toBe(30);
    expect(tasks.reports.ContainerDefinitions[0].StopTimeout).toBe(30);
  });

  test('workers share the web tasks\' task role and execution role', () => {
    for (const name of ['celery', 'beat', 'reports']) {
      expect(tasks[name].TaskRoleArn).toEqual(web.TaskRoleArn);
      expect(tasks[name].ExecutionRoleArn).toEqual(web.ExecutionRoleArn);
    }
  });

  test('the execution role reads exactly the parameters the containers inject', () => {
    const injected = new Set(Object.values(s.template.findResources('AWS::ECS::TaskDefinition'))
      .flatMap((t) => t.Properties.ContainerDefinitions.flatMap((c: any) => (c.Secrets ?? []).map((x: any) => JSON.stringify(x.ValueFrom)))));
    expect(injected.size).toBe(5);
    const readable = statementsOfRole(s.template, referencedId(web.ExecutionRoleArn))
      .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('ssm:')))
      .flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r));
    expect(readable.sort()).toEqual([...injected].sort());
  });

  test('the task role may use the static bucket and the media bucket, nothing else in S3', () => {
    const s3Resources = statementsOfRole(s.template, referencedId(web.TaskRoleArn))
      .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:')))
      .flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r));
    const buckets = [s.environment.staticBucket, s.environment.mediaBucket].map((b) => idOf(s, b.bucketName));
    expect(s3Resources).toHaveLength(4);
    for (const r of s3Resources) expect(buckets.some((b) => r.includes(b))).toBe(true);
  });

  test('no load balancer; private subnets, no public IP, the worker security group', () => {
    const privateIds = s.environment.vpc.privateSubnets.map((x) => idOf(s, x.subnetId)).sort();
    const workerGroup = idOf(s, s.environment.workerSecurityGroup.securityGroupId);
    for (const { resource } of Object.values(services)) {
      expect(resource.Properties.LoadBalancers).toBeUndefined();
      expect(resource.Properties.HealthCheckGracePeriodSeconds).toBeUndefined();
      const config = resource.Properties.NetworkConfiguration.AwsvpcConfiguration;
      expect(config.AssignPublicIp).toBe('DISABLED');
      expect(config.Subnets.map(referencedId).sort()).toEqual(privateIds);
      expect(config.SecurityGroups.map(referencedId)).toEqual([workerGroup]);
      expect(referencedId(resource.Properties.Cluster)).toBe(onlyResource(s.template, 'AWS::ECS::Cluster').id);
    }
  });

  test('every worker moves to a new version only after the release step: it depends on the release resource', () => {
    const release = onlyResource(s.template, 'Custom::DjangoRelease').id;
    for (const { resource } of Object.values(services)) expect(resource.DependsOn).toContain(release);
  });

  test('deployments roll back on failure; a non-singleton keeps full capacity', () => {
    for (const name of ['celery', 'reports']) {
      expect(services[name].resource.Properties.DeploymentConfiguration).toMatchObject({
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
    }
  });

  test('the singleton runs exactly one task, stopping the old one before starting the new one, without autoscaling', () => {
    const beat = services.beat.resource.Properties;
    expect(beat.DesiredCount).toBe(1);
    expect(beat.DeploymentConfiguration).toMatchObject({
      MinimumHealthyPercent: 0,
      MaximumPercent: 100,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    expect(targetOf('beat')).toEqual([]);
    expect(beat.LaunchType).toBe('FARGATE');
  });

  test('a fixed worker (maxCapacity = minCapacity) has its count in the template and no scalable target', () => {
    expect(services.reports.resource.Properties.DesiredCount).toBe(3);
    expect(targetOf('reports')).toEqual([]);
  });

  test('an autoscaled worker has no count in the template (a redeploy keeps autoscaling\'s) and tracks its CPU target', () => {
    expect(services.celery.resource.Properties.DesiredCount).toBeUndefined();
    expect(targetOf('celery')).toHaveLength(1);
    const [[targetId, target]] = targetOf('celery');
    expect(target).toMatchObject({ MinCapacity: 2, MaxCapacity: 6, ScalableDimension: 'ecs:service:DesiredCount' });
    const policies = Object.values(s.template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .filter((p) => referencedId(p.Properties.ScalingTargetId) === targetId);
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.TargetTrackingScalingPolicyConfiguration).toMatchObject({
      TargetValue: 55,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    });
    // Only the web service and celery scale.
    expect(scalableTargets).toHaveLength(2);
  });

  test('a spot worker runs on FARGATE_SPOT, which the cluster offers before the service is created', () => {
    const celery = services.celery.resource;
    expect(celery.Properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(celery.Properties.LaunchType).toBeUndefined();
    const associations = onlyResource(s.template, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(associations.properties.CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(associations.properties.DefaultCapacityProviderStrategy).toEqual([]);
    expect(celery.DependsOn).toContain(associations.id);
    // The web service keeps its explicit launch type.
    const webService = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.service.serviceArn)];
    expect(webService.Properties.LaunchType).toBe('FARGATE');
  });
});

describe('workers without release commands and without spot, with ECS Exec', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({
      enableReleaseCommands: false,
      enableExecuteCommand: true,
      workers: [{ name: 'rq', command: ['python', 'manage.py', 'rqworker'] }],
    });
  });

  test('a shell can be opened in a worker\'s task as in the web service\'s', () => {
    const id = idOf(s, s.environment.workerServices[0].serviceArn);
    expect(s.template.findResources('AWS::ECS::Service')[id].Properties.EnableExecuteCommand).toBe(true);
  });

  test('a worker defaults to one task of 256 CPU units and 512 MiB, with nothing to wait for', () => {
    const id = idOf(s, s.environment.workerServices[0].serviceArn);
    const worker = s.template.findResources('AWS::ECS::Service')[id];
    expect(worker.Properties.DesiredCount).toBe(1);
    expect(worker.Properties.LaunchType).toBe('FARGATE');
    expect(JSON.stringify(worker.DependsOn ?? [])).not.toMatch(/Release/);
    const task = taskDefinitionOf(s, s.environment.workerServices[0].taskDefinition);
    expect(task.id).toBe(referencedId(worker.Properties.TaskDefinition));
    expect([task.properties.Cpu, task.properties.Memory]).toEqual(['256', '512']);
    s.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
  });

  test('the cluster gets no capacity providers when no worker uses Spot', () => {
    s.template.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 0);
  });
});

describe('workerSettings', () => {
  test('applies the documented defaults: 256 CPU, 512 MiB, one task, no autoscaling, 70 %, 30 s, on-demand', () => {
    expect(workerSettings({ name: 'rq', command: ['rq', 'worker'] })).toEqual({
      name: 'rq',
      command: ['rq', 'worker'],
      cpu: 256,
      memoryLimitMiB: 512,
      minCapacity: 1,
      maxCapacity: 1,
      targetCpuUtilizationPercent: 70,
      singleton: false,
      spot: false,
      stopTimeout: Duration.seconds(30),
      environment: {},
    });
  });

  test('maxCapacity defaults to minCapacity; a singleton runs exactly one task', () => {
    expect(workerSettings({ name: 'w', command: ['x'], minCapacity: 3 })).toMatchObject({ minCapacity: 3, maxCapacity: 3 });
    expect(workerSettings({ name: 'w', command: ['x'], singleton: true })).toMatchObject({ minCapacity: 1, maxCapacity: 1, singleton: true });
  });
});
