import { Duration, aws_scheduler as scheduler } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { BACKGROUND_WORK_PROPS } from './configurations';
import { FIXED_ENV, REGISTRY_IMAGE, idOf, serviceTaskDefinition, synthesize, type Synthesized } from './util';

/** The first phase: neither `image` nor `imageTag` (over MINIMAL_PROPS, which has a tag). */
const FIRST_PHASE = { imageTag: undefined };

const WORKERS_AND_SCHEDULES = {
  workers: [
    { name: 'celery', command: ['celery', '-A', 'config', 'worker'], maxCapacity: 4 },
    { name: 'beat', command: ['celery', '-A', 'config', 'beat'], singleton: true },
  ],
  scheduledCommands: [{
    name: 'clearsessions',
    schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
    command: ['python', 'manage.py', 'clearsessions'],
  }],
};

/** Output values whose logical id contains `name`. */
function outputNamed(s: Synthesized, name: string): any {
  const outputs = s.template.findOutputs('*');
  const ids = Object.keys(outputs).filter((id) => id.includes(name));
  if (ids.length !== 1) throw new Error(`expected one output named like ${name}, found ${ids.join(', ') || 'none'}`);
  return outputs[ids[0]];
}

/** An output's value with every token shown as its CloudFormation text, for reading. */
function outputText(s: Synthesized, name: string): string {
  return JSON.stringify(outputNamed(s, name).Value);
}

const infos = (s: Synthesized) => Annotations.fromStack(s.stack).findInfo('*', Match.stringLikeRegexp('First phase'));

describe('the first phase: neither image nor imageTag', () => {
  let s: Synthesized;
  beforeAll(() => {
    // synthesize() fails on any warning: the first phase synthesizes with --strict.
    s = synthesize({ ...FIRST_PHASE, ...WORKERS_AND_SCHEDULES }, { env: FIXED_ENV });
  });

  test('the web service is created with no task and no autoscaling', () => {
    const service = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.service.serviceArn)];
    expect(service.Properties.DesiredCount).toBe(0);
    // No scalable target at all (web or worker): registering one later is what starts the tasks.
    expect(s.template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).toEqual({});
  });

  test('every worker is created with no task, whatever its capacities', () => {
    expect(s.environment.workerServices).toHaveLength(2);
    for (const worker of s.environment.workerServices) {
      expect(s.template.findResources('AWS::ECS::Service')[idOf(s, worker.serviceArn)].Properties.DesiredCount).toBe(0);
    }
  });

  test('no running-task alarm pages for the workers kept at zero; their CPU and memory are watched', () => {
    const alarmIds = s.environment.alarms.map((a) => a.node.path.split('/Alarms/')[1]);
    expect(alarmIds.filter((id) => /^Worker-/.test(id)).sort()).toEqual([
      'Worker-beat/Cpu', 'Worker-beat/Memory', 'Worker-celery/Cpu', 'Worker-celery/Memory',
    ]);
  });

  test('the release step is off: no release custom resource, no release task definition', () => {
    expect(s.environment.release).toBeUndefined();
    expect(s.template.findResources('Custom::DjangoRelease')).toEqual({});
    // web, two workers, one scheduled command: no release task definition
    expect(Object.keys(s.template.findResources('AWS::ECS::TaskDefinition'))).toHaveLength(4);
  });

  test('the schedules exist but are disabled', () => {
    const schedules = Object.values(s.template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    expect(schedules[0].Properties.State).toBe('DISABLED');
  });

  test('the task definitions name the environment\'s repository; nothing pulls it', () => {
    const image = JSON.stringify(serviceTaskDefinition(s).properties.ContainerDefinitions[0].Image);
    expect(image).toContain(idOf(s, s.environment.repository.repositoryName));
  });

  test('an info annotation (not a warning: --strict must pass) says what happens and what to do', () => {
    const found = infos(s);
    expect(found).toHaveLength(1);
    expect(found[0].entry.data).toMatch(/zero tasks.*release commands off.*schedules disabled.*set imageTag: 'v1' and deploy again/s);
    expect(Annotations.fromStack(s.stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the outputs give the exact login, build-and-push and redeploy commands', () => {
    const repository = idOf(s, s.environment.repository.repositoryName);
    const login = outputText(s, 'FirstDeployLogin');
    expect(login).toContain('aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin ');
    // The registry is the repository URI up to its first '/'.
    expect(outputNamed(s, 'FirstDeployLogin').Value['Fn::Join'][1]).toContainEqual({
      'Fn::Select': [0, { 'Fn::Split': ['/', expect.anything()] }],
    });
    expect(login).toContain(repository);

    const push = outputText(s, 'FirstDeployPush');
    expect(push).toMatch(/^"?.*docker build -t .*:v1 \. && docker push .*:v1/);
    expect(push).toContain(repository);

    expect(outputNamed(s, 'FirstDeployNext').Value).toBe('Set imageTag: \'v1\' in the DjangoFargateEnvironment props, then run cdk deploy');
  });
});

describe('the first phase in an environment-agnostic stack', () => {
  test('the login command names the stack\'s region by reference', () => {
    const s = synthesize(FIRST_PHASE);
    expect(outputNamed(s, 'FirstDeployLogin').Value['Fn::Join'][1]).toContainEqual({ Ref: 'AWS::Region' });
  });
});

describe.each([
  ['imageTag', { imageTag: 'v1' }],
  ['image', { image: REGISTRY_IMAGE }],
])('with %s: today\'s behaviour', (_name, props) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ ...props, ...BACKGROUND_WORK_PROPS }, { env: FIXED_ENV });
  });

  test('the web service has no fixed count and autoscales from minCapacity', () => {
    const service = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.service.serviceArn)];
    expect(service.Properties.DesiredCount).toBeUndefined();
    s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 3 });
  });

  test('the release step runs, the schedules are enabled, the workers run', () => {
    expect(s.environment.release).toBeDefined();
    s.template.resourceCountIs('Custom::DjangoRelease', 1);
    s.template.allResourcesProperties('AWS::Scheduler::Schedule', { State: 'ENABLED' });
    const beat = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.workerServices[1].serviceArn)];
    expect(beat.Properties.DesiredCount).toBe(1);
  });

  test('no first-phase annotation and no first-phase outputs', () => {
    expect(infos(s)).toEqual([]);
    expect(Object.keys(s.template.findOutputs('*')).filter((id) => id.includes('FirstDeploy'))).toEqual([]);
  });
});
