import { Duration, aws_logs as logs, aws_scheduler as scheduler } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import {
  FIXED_ENV,
  REGISTRY_IMAGE,
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

/** The Django container of the service's task definition. */
const webContainer = (s: Synthesized) => serviceTaskDefinition(s).properties.ContainerDefinitions[0];

/** A parameter's ARN as synthesized in a stack with FIXED_ENV (the partition stays a reference). */
function parameterArn(name: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${FIXED_ENV.region}:${FIXED_ENV.account}:parameter/${name}`]] };
}

describe('service, default settings in a stack with a concrete environment', () => {
  let s: Synthesized;
  let task: any;
  beforeAll(() => {
    s = synthesize({}, { env: FIXED_ENV });
    task = serviceTaskDefinition(s).properties;
  });

  test('a Fargate task definition (awsvpc) of 256 CPU units and 512 MiB with the django-app container on 8000', () => {
    expect(task).toMatchObject({
      Cpu: '256',
      Memory: '512',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
    });
    expect(task.ContainerDefinitions).toHaveLength(1);
    expect(task.ContainerDefinitions[0]).toMatchObject({
      Name: 'django-app',
      Essential: true,
      PortMappings: [{ ContainerPort: 8000, Protocol: 'tcp' }],
    });
  });

  test('the container gets the documented plain variables', () => {
    const db = onlyResource(s.template, 'AWS::RDS::DBInstance').id;
    const bucket = idOf(s, s.environment.staticBucket.bucketName);
    expect(environmentOf(webContainer(s))).toEqual({
      DEBUG: 'False',
      DJANGO_ALLOWED_HOSTS: '*',
      DEVELOPMENT_MODE: 'False',
      DATABASE_HOST: { 'Fn::GetAtt': [db, 'Endpoint.Address'] },
      DATABASE_PORT: { 'Fn::GetAtt': [db, 'Endpoint.Port'] },
      AWS_STORAGE_BUCKET_NAME: { Ref: bucket },
      AWS_MEDIA_BUCKET_NAME: { Ref: idOf(s, s.environment.mediaBucket.bucketName) },
    });
  });

  test('the container gets the four secrets from their SSM parameters, by ARN', () => {
    expect(secretsOf(webContainer(s))).toEqual({
      DATABASE_NAME: parameterArn('team-task-production_postgres_db'),
      DATABASE_USER: parameterArn('team-task-production_database_username'),
      DATABASE_PASSWORD: parameterArn('team-task-production_database_password'),
      DJANGO_SECRET_KEY: parameterArn('team-task-production_django_secret_key'),
    });
  });

  test('task role and execution role are separate roles assumed by ECS tasks', () => {
    const taskRole = referencedId(task.TaskRoleArn);
    const executionRole = referencedId(task.ExecutionRoleArn);
    expect(taskRole).not.toBe(executionRole);
    for (const role of [taskRole, executionRole]) {
      expect(s.template.findResources('AWS::IAM::Role')[role].Properties.AssumeRolePolicyDocument.Statement)
        .toEqual([expect.objectContaining({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' })]);
    }
  });

  test('the execution role may read exactly the parameters it injects', () => {
    const statements = statementsOfRole(s.template, referencedId(task.ExecutionRoleArn));
    const ssmStatements = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('ssm:')));
    const readable = ssmStatements.flatMap((st) => [st.Resource].flat()).map((r) => JSON.stringify(r)).sort();
    expect(readable).toEqual(Object.values(secretsOf(webContainer(s))).map((r) => JSON.stringify(r)).sort());
    expect(readable).toHaveLength(4);
    for (const st of ssmStatements) {
      expect([st.Action].flat().every((a: string) => /^ssm:(Get|Describe)/.test(a))).toBe(true);
    }
  });

  test('the execution role pulls from this repository and writes to this log group; the task role has no SSM access', () => {
    const execution = statementsOfRole(s.template, referencedId(task.ExecutionRoleArn));
    const repo = onlyResource(s.template, 'AWS::ECR::Repository').id;
    const logGroup = idOf(s, s.environment.logGroup.logGroupName);
    expect(execution).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']),
      Resource: { 'Fn::GetAtt': [repo, 'Arn'] },
    }));
    expect(execution).toContainEqual(expect.objectContaining({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
    }));
    const taskStatements = statementsOfRole(s.template, referencedId(task.TaskRoleArn));
    expect(JSON.stringify(taskStatements)).not.toMatch(/ssm:|ecr:|logs:/);
  });

  test('the container logs through awslogs to a log group kept for a month', () => {
    const logGroup = idOf(s, s.environment.logGroup.logGroupName);
    expect(s.template.findResources('AWS::Logs::LogGroup')[logGroup].Properties.RetentionInDays).toBe(30);
    expect(task.ContainerDefinitions[0].LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: {
        'awslogs-group': { Ref: logGroup },
        'awslogs-stream-prefix': 'django',
        'awslogs-region': FIXED_ENV.region,
      },
    });
  });

  test('the service runs on Fargate in the private subnets without public IPs', () => {
    const svc = onlyResource(s.template, 'AWS::ECS::Service').properties;
    expect(svc.LaunchType).toBe('FARGATE');
    expect(referencedId(svc.Cluster)).toBe(onlyResource(s.template, 'AWS::ECS::Cluster').id);
    const config = svc.NetworkConfiguration.AwsvpcConfiguration;
    expect(config.AssignPublicIp).toBe('DISABLED');
    const privateIds = s.environment.vpc.privateSubnets.map((x) => referencedId(s.stack.resolve(x.subnetId)));
    expect(config.Subnets.map(referencedId).sort()).toEqual(privateIds.sort());
  });

  test('the template sets no desired count, so a redeploy keeps the count autoscaling chose', () => {
    s.template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: Match.absent() });
  });

  test('deployments keep full capacity and roll back when tasks fail to start', () => {
    s.template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
      HealthCheckGracePeriodSeconds: 60,
    });
  });

  test('the cluster has container insights; ECS Exec is off', () => {
    expect(onlyResource(s.template, 'AWS::ECS::Cluster').properties.ClusterSettings)
      .toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
    expect(onlyResource(s.template, 'AWS::ECS::Service').properties.EnableExecuteCommand).toBe(false);
    const taskRole = referencedId(task.TaskRoleArn);
    expect(JSON.stringify(statementsOfRole(s.template, taskRole))).not.toContain('ssmmessages:');
  });

  test('autoscaling keeps 2 to 3 tasks, tracking 70 % average CPU', () => {
    const target = onlyResource(s.template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 3,
      ScalableDimension: 'ecs:service:DesiredCount',
      ServiceNamespace: 'ecs',
    });
    const svc = onlyResource(s.template, 'AWS::ECS::Service').id;
    expect(JSON.stringify(target.properties.ResourceId)).toContain(svc);
    const policy = onlyResource(s.template, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    expect(referencedId(policy.properties.ScalingTargetId)).toBe(target.id);
    expect(policy.properties.TargetTrackingScalingPolicyConfiguration).toMatchObject({
      TargetValue: 70,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    });
  });
});

describe('service with ECS Exec', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize({ enableExecuteCommand: true }, { env: FIXED_ENV }); });

  test('the service allows execute-command and the task role may open its channels', () => {
    expect(onlyResource(s.template, 'AWS::ECS::Service').properties.EnableExecuteCommand).toBe(true);
    const task = serviceTaskDefinition(s).properties;
    const actions = statementsOfRole(s.template, referencedId(task.TaskRoleArn)).flatMap((st) => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel']));
  });

  test('sessions are recorded in the service\'s log group', () => {
    const logGroup = idOf(s, s.environment.logGroup.logGroupName);
    expect(onlyResource(s.template, 'AWS::ECS::Cluster').properties.Configuration.ExecuteCommandConfiguration).toEqual({
      Logging: 'OVERRIDE',
      LogConfiguration: { CloudWatchLogGroupName: { Ref: logGroup } },
    });
  });
});

describe('service with custom settings (environment-agnostic stack)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({
      image: REGISTRY_IMAGE,
      cpu: 1024,
      memoryLimitMiB: 4096,
      minCapacity: 3,
      maxCapacity: 10,
      targetCpuUtilizationPercent: 50,
      logRetention: logs.RetentionDays.ONE_YEAR,
      containerEnvironment: { DJANGO_ALLOWED_HOSTS: 'www.example.com', SENTRY_ENVIRONMENT: 'production' },
      containerSecrets: { DATABASE_URL: 'database_url', SENTRY_DSN: 'sentry_dsn' },
    });
  });

  test('task size, image, scaling and retention follow the props', () => {
    const task = serviceTaskDefinition(s).properties;
    expect(task).toMatchObject({ Cpu: '1024', Memory: '4096' });
    expect(task.ContainerDefinitions[0].Image).toBe('public.ecr.aws/docker/library/python:3.12-slim');
    s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 3, MaxCapacity: 10 });
    s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 50 }),
    });
    expect(s.template.findResources('AWS::Logs::LogGroup')[idOf(s, s.environment.logGroup.logGroupName)].Properties.RetentionInDays).toBe(365);
  });

  test('containerEnvironment is merged over the defaults', () => {
    const env = environmentOf(webContainer(s));
    expect(env.DJANGO_ALLOWED_HOSTS).toBe('www.example.com');
    expect(env.SENTRY_ENVIRONMENT).toBe('production');
    expect(env.DEBUG).toBe('False');
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['DATABASE_HOST', 'DATABASE_PORT', 'AWS_STORAGE_BUCKET_NAME']));
  });

  test('containerSecrets add parameters (environment-agnostic ARNs) and the execution role may read them too', () => {
    const secrets = secretsOf(webContainer(s));
    expect(Object.keys(secrets).sort()).toEqual(
      ['DATABASE_NAME', 'DATABASE_PASSWORD', 'DATABASE_URL', 'DATABASE_USER', 'DJANGO_SECRET_KEY', 'SENTRY_DSN'],
    );
    expect(secrets.DATABASE_URL).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/team-task-production_database_url']],
    });
    const task = serviceTaskDefinition(s).properties;
    const readable = statementsOfRole(s.template, referencedId(task.ExecutionRoleArn))
      .filter((st) => [st.Action].flat().some((a: string) => a.startsWith('ssm:')))
      .flatMap((st) => [st.Resource].flat());
    expect(readable.map((r) => JSON.stringify(r)).sort()).toEqual(Object.values(secrets).map((r) => JSON.stringify(r)).sort());
  });

  test('with an external image, the execution role gets no ECR pull rights on the repository', () => {
    const task = serviceTaskDefinition(s).properties;
    const execution = JSON.stringify(statementsOfRole(s.template, referencedId(task.ExecutionRoleArn)));
    expect(execution).not.toContain(onlyResource(s.template, 'AWS::ECR::Repository').id);
  });
});

describe('readonlyRootFilesystem', () => {
  const BACKGROUND = {
    workers: [{ name: 'celery', command: ['celery', '-A', 'config', 'worker'] }],
    scheduledCommands: [{ name: 'clearsessions', schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), command: ['python', 'manage.py', 'clearsessions'] }],
  };
  const taskDefinitions = (s: Synthesized) => Object.values(s.template.findResources('AWS::ECS::TaskDefinition')).map((r: any) => r.Properties);

  test('every container (web, release, worker, scheduled command) is read-only with a writable ephemeral /tmp', () => {
    const s = synthesize({ ...BACKGROUND, readonlyRootFilesystem: true });
    const definitions = taskDefinitions(s);
    expect(definitions).toHaveLength(4);
    for (const definition of definitions) {
      // A volume without a host (or EFS): Fargate's ephemeral storage.
      expect(definition.Volumes).toEqual([{ Name: 'tmp' }]);
      expect(definition.ContainerDefinitions).toHaveLength(1);
      const [container] = definition.ContainerDefinitions;
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.MountPoints).toEqual([{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }]);
    }
  });

  test('off by default: writable root filesystem, no volume', () => {
    for (const definition of taskDefinitions(synthesize(BACKGROUND))) {
      expect(definition.Volumes).toBeUndefined();
      expect(definition.ContainerDefinitions[0].ReadonlyRootFilesystem).toBeUndefined();
      expect(definition.ContainerDefinitions[0].MountPoints).toBeUndefined();
    }
  });

  test('rejected with enableExecuteCommand, whose agent writes to the root filesystem', () => {
    expect(() => synthesize({ readonlyRootFilesystem: true, enableExecuteCommand: true })).toThrow(
      '`readonlyRootFilesystem` (true) is set with `enableExecuteCommand` (true): ECS Exec\'s agent must write to the root filesystem');
  });
});
