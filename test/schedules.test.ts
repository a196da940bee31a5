import { Duration, TimeZone, aws_scheduler as scheduler } from 'aws-cdk-lib';
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
  type Synthesized,
} from './util';

const CLEARSESSIONS = {
  name: 'clearsessions',
  schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '4', timeZone: TimeZone.EUROPE_PARIS }),
  command: ['python', 'manage.py', 'clearsessions'],
};
const DIGEST = {
  name: 'send-digest',
  schedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
  command: ['python', 'manage.py', 'send_digest'],
  cpu: 1024,
  memoryLimitMiB: 2048,
};

describe('scheduled commands', () => {
  let s: Synthesized;
  let web: any;
  let schedules: { id: string; properties: any }[];
  let tasks: { id: string; properties: any }[];
  beforeAll(() => {
    s = synthesize({
      scheduledCommands: [CLEARSESSIONS, DIGEST],
      cpu: 512,
      memoryLimitMiB: 1024,
      containerSecrets: { DATABASE_URL: 'database_url' },
    }, { env: FIXED_ENV });
    web = serviceTaskDefinition(s).properties;
    schedules = s.environment.schedules.map((x) => {
      const id = idOf(s, x.scheduleArn);
      return { id, properties: s.template.findResources('AWS::Scheduler::Schedule')[id].Properties };
    });
    tasks = schedules.map((x) => {
      const id = referencedId(x.properties.Target.EcsParameters.TaskDefinitionArn);
      return { id, properties: s.template.findResources('AWS::ECS::TaskDefinition')[id].Properties };
    });
  });

  test('one EventBridge Scheduler schedule per command, exposed in the order of `scheduledCommands`', () => {
    expect(Object.keys(s.template.findResources('AWS::Scheduler::Schedule'))).toHaveLength(2);
    expect(s.environment.schedules.map((x) => x.node.path)).toEqual([
      'TestStack/Env/Schedules/ScheduledCommand-clearsessions/Schedule',
      'TestStack/Env/Schedules/ScheduledCommand-send-digest/Schedule',
    ]);
    expect(schedules[0].properties).toMatchObject({
      ScheduleExpression: 'cron(0 4 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(schedules[1].properties).toMatchObject({ ScheduleExpression: 'rate(6 hours)' });
  });

  test('the schedules are in the environment\'s own schedule group, created before them', () => {
    const group = onlyResource(s.template, 'AWS::Scheduler::ScheduleGroup');
    expect(group.properties.Name).toMatch(/^[0-9a-zA-Z-_.]{1,64}$/);
    const resources = s.template.findResources('AWS::Scheduler::Schedule');
    for (const x of schedules) {
      expect(x.properties.GroupName).toBe(group.properties.Name);
      expect(resources[x.id].DependsOn).toContain(group.id);
    }
    // It holds only these schedules; a retained one would block a new stack of the same name.
    expect(s.template.findResources('AWS::Scheduler::ScheduleGroup')[group.id].DeletionPolicy).toBe('Delete');
  });

  test('each runs its command as a one-off Fargate task in the private subnets, in the worker group, in task group scheduled:<name>', () => {
    const privateIds = s.environment.vpc.privateSubnets.map((x) => idOf(s, x.subnetId)).sort();
    const workerGroup = idOf(s, s.environment.workerSecurityGroup.securityGroupId);
    const cluster = onlyResource(s.template, 'AWS::ECS::Cluster').id;
    ['clearsessions', 'send-digest'].forEach((name, i) => {
      const target = schedules[i].properties.Target;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [cluster, 'Arn'] });
      expect(target.EcsParameters).toMatchObject({ LaunchType: 'FARGATE', Group: `scheduled:${name}` });
      expect(target.EcsParameters.TaskCount ?? 1).toBe(1);
      const network = target.EcsParameters.NetworkConfiguration.AwsvpcConfiguration;
      expect(network.AssignPublicIp).toBe('DISABLED');
      expect(network.Subnets.map(referencedId).sort()).toEqual(privateIds);
      expect(network.SecurityGroups.map(referencedId)).toEqual([workerGroup]);
    });
  });

  test('each command has its own task definition: the web container\'s image, variables, secrets and roles with the command', () => {
    const [webContainer] = web.ContainerDefinitions;
    expect(new Set(tasks.map((t) => t.id)).size).toBe(2);
    [CLEARSESSIONS, DIGEST].forEach((options, i) => {
      const task = tasks[i].properties;
      expect(task.ContainerDefinitions).toHaveLength(1);
      const [container] = task.ContainerDefinitions;
      expect(container.Name).toBe('django-app');
      expect(container.Image).toEqual(webContainer.Image);
      expect(container.Command).toEqual(options.command);
      expect(environmentOf(container)).toEqual(environmentOf(webContainer));
      expect(secretsOf(container)).toEqual(secretsOf(webContainer));
      expect(container.PortMappings).toBeUndefined();
      expect(container.LogConfiguration.Options).toEqual({
        ...webContainer.LogConfiguration.Options,
        'awslogs-stream-prefix': `scheduled-${options.name}`,
      });
      expect(task.TaskRoleArn).toEqual(web.TaskRoleArn);
      expect(task.ExecutionRoleArn).toEqual(web.ExecutionRoleArn);
    });
  });

  test('a schedule moves to a new task definition only after the release step: it depends on the release resource', () => {
    const release = onlyResource(s.template, 'Custom::DjangoRelease').id;
    const resources = s.template.findResources('AWS::Scheduler::Schedule');
    for (const x of schedules) expect(resources[x.id].DependsOn).toContain(release);
  });

  test('a command\'s size defaults to the web service\'s and follows its own options', () => {
    expect([tasks[0].properties.Cpu, tasks[0].properties.Memory]).toEqual(['512', '1024']);
    expect([tasks[1].properties.Cpu, tasks[1].properties.Memory]).toEqual(['1024', '2048']);
  });

  test('a run that cannot start is retried 3 times within an hour, then goes to an encrypted, TLS-only dead-letter queue', () => {
    const queue = onlyResource(s.template, 'AWS::SQS::Queue');
    for (const x of schedules) {
      expect(x.properties.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
      expect(x.properties.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queue.id, 'Arn'] } });
    }
    expect(queue.properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const policy = onlyResource(s.template, 'AWS::SQS::QueuePolicy').properties;
    expect(policy.Queues).toEqual([{ Ref: queue.id }]);
    expect(policy.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Deny',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  test('only EventBridge Scheduler, for this account and this environment\'s schedule group, may assume the scheduler role', () => {
    const roleId = referencedId(schedules[0].properties.Target.RoleArn);
    for (const x of schedules) expect(referencedId(x.properties.Target.RoleArn)).toBe(roleId);
    const group = onlyResource(s.template, 'AWS::Scheduler::ScheduleGroup').id;
    expect(s.template.findResources('AWS::IAM::Role')[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': FIXED_ENV.account, 'aws:SourceArn': { 'Fn::GetAtt': [group, 'Arn'] } } },
    }]);
  });

  test('the scheduler role may run exactly these task definitions, pass exactly their two roles and send to the queue, nothing more', () => {
    const roleId = referencedId(schedules[0].properties.Target.RoleArn);
    const statements = statementsOfRole(s.template, roleId);
    const byAction = (action: string) => statements.filter((st) => [st.Action].flat().includes(action));
    const runnable = byAction('ecs:RunTask').flatMap((st) => [st.Resource].flat()).map(referencedId);
    expect(runnable.sort()).toEqual(tasks.map((t) => t.id).sort());
    const passable = byAction('iam:PassRole').flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r));
    expect([...new Set(passable)].sort()).toEqual([JSON.stringify(web.TaskRoleArn), JSON.stringify(web.ExecutionRoleArn)].sort());
    expect(byAction('sqs:SendMessage').flatMap((st) => [st.Resource].flat()))
      .toEqual([{ 'Fn::GetAtt': [onlyResource(s.template, 'AWS::SQS::Queue').id, 'Arn'] }]);
    const actions = [...new Set(statements.flatMap((st) => [st.Action].flat()))].sort();
    expect(actions).toEqual(['ecs:RunTask', 'iam:PassRole', 'sqs:SendMessage']);
  });
});

describe('no scheduled commands', () => {
  test('no schedule, group, queue or scheduler role', () => {
    const s = synthesize();
    for (const type of ['AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup', 'AWS::SQS::Queue']) s.template.resourceCountIs(type, 0);
    expect(JSON.stringify(s.template.toJSON())).not.toContain('scheduler.amazonaws.com');
    expect(s.environment.schedules).toEqual([]);
  });
});
