import { createHash } from 'crypto';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand, Task } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { isComplete, onEvent, ReleaseEvent } from '../src/private/release-handler';

const ecs = mockClient(ECSClient);
beforeEach(() => ecs.reset());

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/app-cluster';
const TASK_DEFINITION = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app-release:7';
const MIGRATE = ['python', 'manage.py', 'migrate', '--noinput'];
const COLLECTSTATIC = ['python', 'manage.py', 'collectstatic', '--noinput'];
const REQUEST_ID = '3f1c2a9e-8d4b-4c1e-9f2a-6b7d8e9f0a1b';
const RELEASE_ID = `release-${REQUEST_ID}`;
const PROPERTIES = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  Cluster: CLUSTER,
  TaskDefinition: TASK_DEFINITION,
  ServiceTaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7',
  ContainerName: 'django-app',
  Commands: JSON.stringify([MIGRATE, COLLECTSTATIC]),
  Subnets: ['subnet-a', 'subnet-b'],
  SecurityGroups: ['sg-app'],
  TimeoutSeconds: '900',
  LogGroupName: '/app/django',
};

function event(overrides: Partial<ReleaseEvent> = {}): ReleaseEvent {
  return { RequestType: 'Create', RequestId: REQUEST_ID, LogicalResourceId: 'Release', ResourceProperties: PROPERTIES, ...overrides };
}

const taskArn = (id: string) => `arn:aws:ecs:eu-west-1:123456789012:task/app-cluster/${id}`;

/** A task of the release as DescribeTasks returns it. */
function task(id: string, command: string[], state: {
  lastStatus?: string;
  exitCode?: number;
  secondsAgo?: number;
  stoppedReason?: string;
  containerReason?: string;
} = {}): Task {
  return {
    taskArn: taskArn(id),
    lastStatus: state.lastStatus ?? 'STOPPED',
    startedBy: RELEASE_ID,
    createdAt: new Date(Date.now() - (state.secondsAgo ?? 10) * 1000),
    stoppedReason: state.stoppedReason,
    overrides: { containerOverrides: [{ name: 'django-app', command }] },
    containers: [{ name: 'django-app', exitCode: state.exitCode, reason: state.containerReason }],
  };
}

/** ECS knows these tasks of the release (ListTasks by desired status, then DescribeTasks). */
function givenTasks(running: Task[], stopped: Task[]): void {
  ecs.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: running.map((t) => t.taskArn!) });
  ecs.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: stopped.map((t) => t.taskArn!) });
  ecs.on(DescribeTasksCommand).resolves({ tasks: [...running, ...stopped] });
}

function givenRunTaskStarts(id: string): void {
  ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: taskArn(id) }], failures: [] });
}

const runTaskInputs = () => ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
const clientToken = (requestId: string, index: number) => createHash('sha256').update(`${requestId}/${index}`).digest('hex');

/** The RunTask input expected for one command of the release. */
function expectedRunTask(command: string[], index: number, requestId = REQUEST_ID) {
  return {
    cluster: CLUSTER,
    taskDefinition: TASK_DEFINITION,
    launchType: 'FARGATE',
    count: 1,
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-app'], assignPublicIp: 'DISABLED' },
    },
    overrides: { containerOverrides: [{ name: 'django-app', command }] },
    startedBy: `release-${requestId}`,
    clientToken: clientToken(requestId, index),
  };
}

describe('onEvent', () => {
  test('Create starts the first command as a Fargate task with the exact RunTask input', async () => {
    // GIVEN
    givenRunTaskStarts('t0');
    // WHEN
    const result = await onEvent(event());
    // THEN
    expect(runTaskInputs()).toEqual([expectedRunTask(MIGRATE, 0)]);
    expect(ecs.calls()).toHaveLength(1);
    expect(result).toEqual({ PhysicalResourceId: 'Release-release' });
  });

  test('Update runs like Create and keeps the physical resource id', async () => {
    // GIVEN
    givenRunTaskStarts('t0');
    const requestId = 'a0b1c2d3-0000-4000-8000-123456789abc';
    // WHEN
    const result = await onEvent(event({ RequestType: 'Update', RequestId: requestId, PhysicalResourceId: 'Release-release' }));
    // THEN
    expect(runTaskInputs()).toEqual([expectedRunTask(MIGRATE, 0, requestId)]);
    expect(result).toEqual({ PhysicalResourceId: 'Release-release' });
  });

  test('Delete does nothing, even with unusable properties', async () => {
    // GIVEN
    const deletion = event({ RequestType: 'Delete', PhysicalResourceId: 'Release-release', ResourceProperties: { Commands: 'not json' } });
    // WHEN
    const result = await onEvent(deletion);
    // THEN
    expect(result).toEqual({ PhysicalResourceId: 'Release-release' });
    expect(ecs.calls()).toHaveLength(0);
  });

  test('a RunTask failure names the command, the reason and the ARN', async () => {
    // GIVEN
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/x', reason: 'RESOURCE:ENI' }] });
    // WHEN / THEN
    await expect(onEvent(event())).rejects.toThrow(
      'Release command "python manage.py migrate --noinput" could not be started: RESOURCE:ENI (arn:aws:ecs:eu-west-1:123456789012:container-instance/x)',
    );
    expect(runTaskInputs()).toHaveLength(1);
  });

  test('a RunTask response without a task fails', async () => {
    // GIVEN
    ecs.on(RunTaskCommand).resolves({});
    // WHEN / THEN
    await expect(onEvent(event())).rejects.toThrow('Release command "python manage.py migrate --noinput" could not be started: RunTask returned no task');
  });

  test('a RunTask API error is reported with the command', async () => {
    // GIVEN
    ecs.on(RunTaskCommand).rejects(new Error('User is not authorized to perform: iam:PassRole'));
    // WHEN / THEN
    await expect(onEvent(event())).rejects.toThrow(
      'Release command "python manage.py migrate --noinput" could not be started: User is not authorized to perform: iam:PassRole',
    );
  });

  test.each([
    ['not JSON', 'migrate'],
    ['not an array', '{"command":["python"]}'],
    ['empty', '[]'],
    ['an empty command', '[[]]'],
    ['a command that is a string', '["python manage.py migrate"]'],
    ['a non-string argument', '[["python", 1]]'],
    ['a repeated command', JSON.stringify([MIGRATE, MIGRATE])],
  ])('Commands that are %s are rejected before any call', async (_, commands) => {
    // GIVEN
    const invalid = event({ ResourceProperties: { ...PROPERTIES, Commands: commands } });
    // WHEN / THEN
    await expect(onEvent(invalid)).rejects.toThrow(/^Release property Commands must be a JSON array of commands, each a non-empty array of strings/);
    await expect(isComplete(invalid)).rejects.toThrow(/^Release property Commands must be/);
    expect(ecs.calls()).toHaveLength(0);
  });

  test.each([
    ['Subnets', [], /^Release property Subnets must be a non-empty list of strings/],
    ['Cluster', undefined, /^Release property Cluster must be a non-empty string/],
    ['TimeoutSeconds', 'soon', /^Release property TimeoutSeconds must be a positive number/],
  ])('an invalid %s is rejected', async (name, value, message) => {
    // GIVEN
    const invalid = event({ ResourceProperties: { ...PROPERTIES, [name]: value } });
    // WHEN / THEN
    await expect(onEvent(invalid)).rejects.toThrow(message);
    expect(ecs.calls()).toHaveLength(0);
  });

  test('startedBy is deterministic per request, distinct across requests and always valid', async () => {
    // GIVEN
    givenRunTaskStarts('t0');
    const odd = `arn:aws:cloudformation:eu-west-1:1234/stack:${'x'.repeat(200)}`;
    // WHEN
    await onEvent(event());
    await onEvent(event());
    await onEvent(event({ RequestId: 'b0b1c2d3-0000-4000-8000-123456789abc' }));
    await onEvent(event({ RequestId: odd }));
    // THEN
    const startedBy = runTaskInputs().map((input) => input.startedBy!);
    expect(startedBy[0]).toBe(RELEASE_ID);
    expect(startedBy[1]).toBe(startedBy[0]);
    expect(startedBy[2]).not.toBe(startedBy[0]);
    for (const id of startedBy) expect(id).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
    expect(startedBy[3]).toBe(`release-arnawscloudformationeu-west-11234stack${'x'.repeat(200)}`.slice(0, 128));
  });
});

describe('isComplete', () => {
  test('runs both commands across polls and completes after the last exits 0', async () => {
    // GIVEN the first poll: migrate is running
    givenTasks([task('t0', MIGRATE, { lastStatus: 'RUNNING' })], []);
    // WHEN / THEN
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: false });
    expect(ecs.commandCalls(ListTasksCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, startedBy: RELEASE_ID, desiredStatus: 'RUNNING', nextToken: undefined },
      { cluster: CLUSTER, startedBy: RELEASE_ID, desiredStatus: 'STOPPED', nextToken: undefined },
    ]);
    expect(ecs.commandCalls(DescribeTasksCommand)[0].args[0].input).toEqual({ cluster: CLUSTER, tasks: [taskArn('t0')] });
    expect(runTaskInputs()).toEqual([]);

    // GIVEN the second poll: migrate exited 0
    ecs.reset();
    givenTasks([], [task('t0', MIGRATE, { exitCode: 0 })]);
    givenRunTaskStarts('t1');
    // WHEN / THEN collectstatic starts, with the same startedBy
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: false });
    expect(runTaskInputs()).toEqual([expectedRunTask(COLLECTSTATIC, 1)]);

    // GIVEN the third poll: collectstatic exited 0 too (listed first, found by its command)
    ecs.reset();
    givenTasks([], [task('t1', COLLECTSTATIC, { exitCode: 0, secondsAgo: 5 }), task('t0', MIGRATE, { exitCode: 0, secondsAgo: 40 })]);
    // WHEN / THEN
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: true, Data: { CommandsRun: '2' } });
    expect(runTaskInputs()).toEqual([]);
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  test('waits for the second command while it runs', async () => {
    // GIVEN
    givenTasks([task('t1', COLLECTSTATIC, { lastStatus: 'PROVISIONING' })], [task('t0', MIGRATE, { exitCode: 0 })]);
    // WHEN / THEN
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: false });
    expect(runTaskInputs()).toEqual([]);
  });

  test('of two tasks for the same command, the newer counts', async () => {
    // GIVEN an older failed run of migrate and a newer one still running
    givenTasks([task('t0-new', MIGRATE, { lastStatus: 'RUNNING', secondsAgo: 5 })], [task('t0-old', MIGRATE, { exitCode: 1, secondsAgo: 60 })]);
    // WHEN / THEN
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: false });
    expect(runTaskInputs()).toEqual([]);
  });

  test('a non-zero exit fails with the command, the code and where the logs are', async () => {
    // GIVEN
    givenTasks([], [task('0123abcd', MIGRATE, { exitCode: 1 })]);
    // WHEN / THEN
    await expect(isComplete(event())).rejects.toThrow(
      'Release command "python manage.py migrate --noinput" exited with code 1. Logs: log group /app/django, stream release/django-app/0123abcd',
    );
    expect(runTaskInputs()).toEqual([]);
  });

  test('a task that never ran fails with the task and container reasons', async () => {
    // GIVEN
    givenTasks([], [task('t0', MIGRATE, {
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      containerReason: 'CannotPullContainerError: ref not found',
    })]);
    // WHEN / THEN
    await expect(isComplete(event())).rejects.toThrow(
      'Release command "python manage.py migrate --noinput" did not run: CannotPullContainerError: pull image manifest has been retried 5 time(s); '
      + 'CannotPullContainerError: ref not found. Logs: log group /app/django, stream release/django-app/t0',
    );
    expect(runTaskInputs()).toEqual([]);
  });

  test('a task that never ran and has no container reason reports the task reason alone', async () => {
    // GIVEN
    givenTasks([], [task('t1', COLLECTSTATIC, { stoppedReason: 'ResourceInitializationError: unable to pull secrets' }), task('t0', MIGRATE, { exitCode: 0 })]);
    // WHEN / THEN
    await expect(isComplete(event())).rejects.toThrow(
      'Release command "python manage.py collectstatic --noinput" did not run: ResourceInitializationError: unable to pull secrets. '
      + 'Logs: log group /app/django, stream release/django-app/t1',
    );
  });

  test('a release that runs too long is stopped and fails', async () => {
    // GIVEN migrate started 600 s ago and collectstatic is still running, with a 300 s limit
    const late = event({ ResourceProperties: { ...PROPERTIES, TimeoutSeconds: '300' } });
    givenTasks([task('t1', COLLECTSTATIC, { lastStatus: 'RUNNING', secondsAgo: 20 })], [task('t0', MIGRATE, { exitCode: 0, secondsAgo: 600 })]);
    ecs.on(StopTaskCommand).resolves({});
    // WHEN / THEN
    await expect(isComplete(late)).rejects.toThrow(
      'Release command "python manage.py collectstatic --noinput" timed out after 300 s and was stopped. Logs: log group /app/django, stream release/django-app/t1',
    );
    expect(ecs.commandCalls(StopTaskCommand).map((call) => call.args[0].input)).toEqual([
      { cluster: CLUSTER, task: taskArn('t1'), reason: 'The release timed out after 300 s' },
    ]);
  });

  test('a running task within the limit is left alone', async () => {
    // GIVEN
    givenTasks([task('t0', MIGRATE, { lastStatus: 'RUNNING', secondsAgo: 890 })], []);
    // WHEN / THEN
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: false });
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  test('no task listed yet: command 0 is asked for again with the same client token, and the release waits', async () => {
    // GIVEN ListTasks does not show the task onEvent started (ECS lists eventually)
    givenTasks([], []);
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: taskArn('t0') }], failures: [] });
    await onEvent(event());
    // WHEN
    const result = await isComplete(event());
    // THEN the same request is repeated, which ECS answers with the same task
    expect(result).toEqual({ IsComplete: false });
    const [first, again] = ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
    expect(again).toEqual(first);
    expect(again.overrides?.containerOverrides?.[0].command).toEqual(MIGRATE);
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });

  test('tasks that run none of the commands are ignored', async () => {
    // GIVEN only a task of another command under the same release id
    givenTasks([task('other', ['python', 'manage.py', 'shell'], { lastStatus: 'RUNNING' })], []);
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: taskArn('t0') }], failures: [] });
    // WHEN / THEN the release does not count it and asks for command 0
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: false });
    expect(ecs.commandCalls(RunTaskCommand).map((call) => call.args[0].input.overrides?.containerOverrides?.[0].command)).toEqual([MIGRATE]);
  });

  test('follows ListTasks pages', async () => {
    // GIVEN
    ecs.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: [] });
    ecs.on(ListTasksCommand, { desiredStatus: 'STOPPED' })
      .resolvesOnce({ taskArns: [taskArn('t0')], nextToken: 'page-2' })
      .resolvesOnce({ taskArns: [taskArn('t1')] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task('t0', MIGRATE, { exitCode: 0 }), task('t1', COLLECTSTATIC, { exitCode: 0 })] });
    // WHEN / THEN
    await expect(isComplete(event())).resolves.toEqual({ IsComplete: true, Data: { CommandsRun: '2' } });
    const stopped = ecs.commandCalls(ListTasksCommand).map((call) => call.args[0].input).filter((input) => input.desiredStatus === 'STOPPED');
    expect(stopped.map((input) => input.nextToken)).toEqual([undefined, 'page-2']);
    expect(ecs.commandCalls(DescribeTasksCommand)[0].args[0].input).toEqual({ cluster: CLUSTER, tasks: [taskArn('t0'), taskArn('t1')] });
  });

  test('a failure to start the next command fails the release', async () => {
    // GIVEN
    givenTasks([], [task('t0', MIGRATE, { exitCode: 0 })]);
    ecs.on(RunTaskCommand).resolves({ failures: [{ reason: 'Capacity is unavailable at this time', arn: TASK_DEFINITION }] });
    // WHEN / THEN
    await expect(isComplete(event())).rejects.toThrow(
      `Release command "python manage.py collectstatic --noinput" could not be started: Capacity is unavailable at this time (${TASK_DEFINITION})`,
    );
  });

  test('Delete completes at once without a call', async () => {
    // WHEN
    const result = await isComplete(event({ RequestType: 'Delete', PhysicalResourceId: 'Release-release', ResourceProperties: {} }));
    // THEN
    expect(result).toEqual({ IsComplete: true });
    expect(ecs.calls()).toHaveLength(0);
  });
});
