import { Duration } from 'aws-cdk-lib';
import { FIXED_ENV, idOf, onlyResource, referencedId, serviceTaskDefinition, statementsOfRole, synthesize, type Synthesized } from './util';
import { DjangoFargateEnvironment } from '../src';

describe('release commands, default settings', () => {
  let s: Synthesized;
  let release: { id: string; properties: any };
  let releaseTaskId: string;
  beforeAll(() => {
    s = synthesize({}, { env: FIXED_ENV });
    release = onlyResource(s.template, 'Custom::DjangoRelease');
    releaseTaskId = referencedId(release.properties.TaskDefinition);
  });

  test('run migrate, then collectstatic, in the private subnets with the worker security group', () => {
    expect(JSON.parse(release.properties.Commands)).toEqual([
      ['python', 'manage.py', 'migrate', '--noinput'],
      ['python', 'manage.py', 'collectstatic', '--noinput'],
    ]);
    expect(DjangoFargateEnvironment.DEFAULT_RELEASE_COMMANDS).toEqual(JSON.parse(release.properties.Commands));
    const privateIds = s.environment.vpc.privateSubnets.map((x) => idOf(s, x.subnetId));
    expect(release.properties.Subnets.map(referencedId).sort()).toEqual(privateIds.sort());
    expect(release.properties.SecurityGroups.map(referencedId)).toEqual([idOf(s, s.environment.workerSecurityGroup.securityGroupId)]);
    expect(release.properties).toMatchObject({
      ContainerName: 'django-app',
      TimeoutSeconds: '900',
      LogGroupName: { Ref: idOf(s, s.environment.logGroup.logGroupName) },
      Cluster: { 'Fn::GetAtt': [idOf(s, s.environment.cluster.clusterName), 'Arn'] },
    });
  });

  test('a new service task definition triggers a new release', () => {
    expect(referencedId(release.properties.ServiceTaskDefinition)).toBe(serviceTaskDefinition(s).id);
  });

  test('the service waits for the release: its update depends on the release resource', () => {
    const svc = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.service.serviceName)];
    expect(svc.DependsOn).toContain(release.id);
  });

  test('the release waits for every policy of the task and execution roles, so a new secret or key is readable when it runs', () => {
    const service = serviceTaskDefinition(s).properties;
    const policiesOf = (roleArn: any) => {
      const roleId = referencedId(roleArn);
      return Object.entries(s.template.findResources('AWS::IAM::Policy'))
        .filter(([, p]) => p.Properties.Roles.map(referencedId).includes(roleId))
        .map(([id]) => id);
    };
    const policies = [...policiesOf(service.TaskRoleArn), ...policiesOf(service.ExecutionRoleArn)];
    expect(policies.length).toBeGreaterThanOrEqual(2);
    const dependsOn = s.template.findResources('Custom::DjangoRelease')[release.id].DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining(policies));
  });

  test('the release task definition runs the service\'s container with its roles, logging under release/', () => {
    const service = serviceTaskDefinition(s).properties;
    const releaseTask = s.template.findResources('AWS::ECS::TaskDefinition')[releaseTaskId].Properties;
    expect(releaseTask.TaskRoleArn).toEqual(service.TaskRoleArn);
    expect(releaseTask.ExecutionRoleArn).toEqual(service.ExecutionRoleArn);
    expect([releaseTask.Cpu, releaseTask.Memory]).toEqual([service.Cpu, service.Memory]);
    const [web] = service.ContainerDefinitions;
    const [job] = releaseTask.ContainerDefinitions;
    expect(job.Name).toBe('django-app');
    expect(job.Image).toEqual(web.Image);
    expect(job.Environment).toEqual(web.Environment);
    expect(job.Secrets).toEqual(web.Secrets);
    expect(job.PortMappings).toBeUndefined();
    expect(job.LogConfiguration.Options).toEqual({ ...web.LogConfiguration.Options, 'awslogs-stream-prefix': 'release' });
    expect(web.LogConfiguration.Options['awslogs-stream-prefix']).toBe('django');
  });

  test('two handlers on the Node.js runtime aws-cdk-lib gives its own handlers, share one role', () => {
    const all = s.template.findResources('AWS::Lambda::Function');
    const functions = Object.values(all).filter((f) => /^index\.(onEvent|isComplete)$/.test(f.Properties.Handler));
    expect(functions.map((f) => f.Properties.Handler).sort()).toEqual(['index.isComplete', 'index.onEvent']);
    // aws-cdk-lib's own AwsCustomResource function (the parameter lookup).
    const [ownId] = Object.keys(all).filter((id) => id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'));
    const ownRuntime = all[ownId].Properties.Runtime;
    expect(ownRuntime).toMatch(/^nodejs(2[2-9]|[3-9][0-9])\.x$/);
    expect(new Set(functions.map((f) => f.Properties.Runtime))).toEqual(new Set([ownRuntime]));
    expect(new Set(functions.map((f) => referencedId(f.Properties.Role))).size).toBe(1);
  });

  test('the handlers may run the release task family, pass exactly its two roles, and nothing broader', () => {
    const handler = Object.values(s.template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Handler === 'index.onEvent')!;
    const statements = statementsOfRole(s.template, referencedId(handler.Properties.Role));
    const service = serviceTaskDefinition(s).properties;
    const cluster = { 'ecs:cluster': { 'Fn::GetAtt': [idOf(s, s.environment.cluster.clusterName), 'Arn'] } };
    const byAction = (action: string) => statements.filter((st) => [st.Action].flat().includes(action));

    // Every revision of the release family (a release's new revision is then
    // runnable at once), never the service's family.
    const family = s.template.findResources('AWS::ECS::TaskDefinition')[releaseTaskId].Properties.Family;
    expect(family).not.toEqual(service.Family);
    expect(byAction('ecs:RunTask')).toEqual([{
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecs:eu-west-1:123456789012:task-definition/${family}:*`]] },
      Condition: { ArnEquals: cluster },
    }]);
    expect(byAction('iam:PassRole')).toEqual([{
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [service.TaskRoleArn, service.ExecutionRoleArn],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }]);
    expect(byAction('ecs:StopTask')).toEqual([expect.objectContaining({
      Action: ['ecs:DescribeTasks', 'ecs:StopTask'], Condition: { ArnEquals: cluster },
    })]);
    expect(JSON.stringify(byAction('ecs:StopTask')[0].Resource)).toMatch(/:task\/".*Ref.*Cluster.*"\/\*"/);
    expect(byAction('ecs:ListTasks')).toEqual([{ Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*', Condition: { ArnEquals: cluster } }]);
    const all = statements.flatMap((st) => [st.Action].flat()).sort();
    expect(all).toEqual(['ecs:DescribeTasks', 'ecs:ListTasks', 'ecs:RunTask', 'ecs:StopTask', 'iam:PassRole', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  test('an output gives the one-off run-task command line with cluster, task definition, subnets and security group', () => {
    const output = Object.values(s.template.toJSON().Outputs as { [id: string]: any }).find((o) => /one-off manage\.py/.test(o.Description));
    const text = JSON.stringify(output.Value);
    expect(text).toContain('aws ecs run-task --cluster ');
    expect(text).toContain(idOf(s, s.environment.cluster.clusterName));
    expect(text).toContain(releaseTaskId);
    expect(text).toContain(idOf(s, s.environment.workerSecurityGroup.securityGroupId));
    expect(text).not.toContain(idOf(s, s.environment.serviceSecurityGroup.securityGroupId));
    for (const subnet of s.environment.vpc.privateSubnets) expect(text).toContain(idOf(s, subnet.subnetId));
    expect(text).toContain('--launch-type FARGATE');
    expect(text).toContain('\\"command\\":[\\"python\\",\\"manage.py\\",\\"COMMAND\\"]');
  });
});

describe('release commands, customized', () => {
  test('an extra command and a longer timeout reach the release resource', () => {
    const s = synthesize({
      releaseCommands: [...DjangoFargateEnvironment.DEFAULT_RELEASE_COMMANDS, ['python', 'manage.py', 'createcachetable']],
      releaseTimeout: Duration.minutes(30),
    });
    const release = onlyResource(s.template, 'Custom::DjangoRelease').properties;
    expect(JSON.parse(release.Commands)).toHaveLength(3);
    expect(JSON.parse(release.Commands)[2]).toEqual(['python', 'manage.py', 'createcachetable']);
    expect(release.TimeoutSeconds).toBe('1800');
  });
});

describe('release commands turned off', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize({ enableReleaseCommands: false }); });

  test('no release resource, no handler, one task definition, and the service depends on nothing of it', () => {
    s.template.resourceCountIs('Custom::DjangoRelease', 0);
    s.template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    const handlers = Object.values(s.template.findResources('AWS::Lambda::Function'))
      .filter((f) => /^index\.(onEvent|isComplete)$/.test(f.Properties.Handler));
    expect(handlers).toEqual([]);
    expect(s.environment.release).toBeUndefined();
  });

  test('the one-off command uses the service\'s task definition', () => {
    const output = Object.values(s.template.toJSON().Outputs as { [id: string]: any }).find((o) => /one-off manage\.py/.test(o.Description));
    expect(JSON.stringify(output.Value)).toContain(serviceTaskDefinition(s).id);
  });
});
