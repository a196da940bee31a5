/**
 * Lambda handlers of the release custom resource (aws-cdk-lib's Provider
 * framework): `onEvent` starts the first release command as a one-off Fargate
 * task, `isComplete` (polled) follows it, starts the next command after each
 * success and fails the deployment when a command fails or the release times
 * out.
 *
 * Nothing is kept between polls: each poll finds the release's tasks again by
 * their `startedBy`, derived from the CloudFormation request id, and tells
 * them apart by the command they run. This file is the whole Lambda asset, so
 * it imports nothing from the rest of the library.
 */
import { createHash } from 'crypto';
// eslint-disable-next-line import/no-extraneous-dependencies -- provided by the Lambda runtime
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand, Task } from '@aws-sdk/client-ecs';

/** The fields of the Provider framework's event that the handlers read. */
export interface ReleaseEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  /** As CloudFormation passes them: strings and string arrays. */
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

export interface OnEventResponse {
  readonly PhysicalResourceId?: string;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Readonly<Record<string, string>>;
}

/** The resource properties, checked, plus the release id. */
interface Release {
  /** The `startedBy` of every task of this release. */
  readonly id: string;
  /** Seeds RunTask's idempotency tokens; the same for every poll of the release. */
  readonly requestId: string;
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly commands: readonly (readonly string[])[];
  readonly subnets: string[];
  readonly securityGroups: string[];
  readonly timeoutSeconds: number;
  readonly logGroupName: string;
}

const ecs = new ECSClient({});

export async function onEvent(event: ReleaseEvent): Promise<OnEventResponse> {
  // Nothing to undo: the tasks of past releases have stopped, and migrations
  // are not rolled back.
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const release = readRelease(event);
  await startCommand(release, 0);
  return { PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-release` };
}

export async function isComplete(event: ReleaseEvent): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const release = readRelease(event);
  const tasks = await findTasks(release);
  const runs = tasks
    .map((task) => ({ task, index: commandIndex(release, task) }))
    .filter((run) => run.index >= 0);
  if (runs.length === 0) {
    // ECS lists tasks eventually: right after onEvent the first task may not
    // show yet. Asking again for command 0 with the same client token returns
    // that task (or starts it if it never was), so nothing runs twice; the
    // framework's total timeout bounds the wait.
    await startCommand(release, 0);
    return { IsComplete: false };
  }
  // The furthest command is where the release stands; of several tasks for
  // it (never expected), the newest counts.
  const latest = runs.reduce((a, b) => (b.index > a.index || (b.index === a.index && createdAt(b.task) > createdAt(a.task)) ? b : a));
  const command = display(release.commands[latest.index]);
  const taskArn = latest.task.taskArn ?? '';
  const logs = `Logs: log group ${release.logGroupName}, stream release/${release.containerName}/${taskArn.split('/').pop()}`;

  if (latest.task.lastStatus !== 'STOPPED') {
    const startedAt = Math.min(...tasks.map(createdAt));
    if (Date.now() - startedAt <= release.timeoutSeconds * 1000) return { IsComplete: false };
    await ecs.send(new StopTaskCommand({
      cluster: release.cluster,
      task: taskArn,
      reason: `The release timed out after ${release.timeoutSeconds} s`,
    }));
    throw new Error(`Release command "${command}" timed out after ${release.timeoutSeconds} s and was stopped. ${logs}`);
  }

  const container = latest.task.containers?.find((c) => c.name === release.containerName);
  if (container?.exitCode === undefined) {
    // The container never ran (image pull, secrets, network...): the reasons
    // are on the task and the container, not in the logs.
    const reasons = [latest.task.stoppedReason ?? 'the task stopped', container?.reason].filter(Boolean).join('; ');
    throw new Error(`Release command "${command}" did not run: ${reasons}. ${logs}`);
  }
  if (container.exitCode !== 0) {
    throw new Error(`Release command "${command}" exited with code ${container.exitCode}. ${logs}`);
  }
  if (latest.index + 1 < release.commands.length) {
    await startCommand(release, latest.index + 1);
    return { IsComplete: false };
  }
  return { IsComplete: true, Data: { CommandsRun: String(release.commands.length) } };
}

/** Checks the resource properties; the Provider framework reports a thrown message as the reason of the failure. */
function readRelease(event: ReleaseEvent): Release {
  const props = event.ResourceProperties;
  const timeoutSeconds = Number(requireString(props, 'TimeoutSeconds'));
  if (!(timeoutSeconds > 0)) throw new Error(`Release property TimeoutSeconds must be a positive number, got ${JSON.stringify(props.TimeoutSeconds)}`);
  return {
    id: releaseId(event.RequestId),
    requestId: event.RequestId,
    cluster: requireString(props, 'Cluster'),
    taskDefinition: requireString(props, 'TaskDefinition'),
    containerName: requireString(props, 'ContainerName'),
    commands: parseCommands(requireString(props, 'Commands')),
    subnets: requireStrings(props, 'Subnets'),
    securityGroups: requireStrings(props, 'SecurityGroups'),
    timeoutSeconds,
    logGroupName: requireString(props, 'LogGroupName'),
  };
}

function requireString(props: ReleaseEvent['ResourceProperties'], name: string): string {
  const value = props[name];
  if (typeof value !== 'string' || value === '') throw new Error(`Release property ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function requireStrings(props: ReleaseEvent['ResourceProperties'], name: string): string[] {
  const value = props[name];
  if (!isNonEmptyStringArray(value)) throw new Error(`Release property ${name} must be a non-empty list of strings, got ${JSON.stringify(value)}`);
  return value;
}

function parseCommands(json: string): string[][] {
  const invalid = (why: string) => new Error(`Release property Commands must be a JSON array of commands, each a non-empty array of strings (${why}): ${json}`);
  let commands: unknown;
  try {
    commands = JSON.parse(json);
  } catch {
    throw invalid('not JSON');
  }
  if (!Array.isArray(commands) || commands.length === 0 || !commands.every(isNonEmptyStringArray)) throw invalid('wrong shape');
  // A task is matched to its command by the command itself, so a repeated
  // command would make the release loop on it.
  const distinct = new Set(commands.map((command) => JSON.stringify(command)));
  if (distinct.size !== commands.length) throw invalid('a command is repeated');
  return commands;
}

function isNonEmptyStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
}

/**
 * `startedBy` of the release's tasks: recomputed from the same request by
 * every poll. RunTask accepts up to 128 letters, digits, `-` and `_`.
 */
function releaseId(requestId: string): string {
  return `release-${requestId.replace(/[^A-Za-z0-9_-]/g, '')}`.slice(0, 128);
}

async function startCommand(release: Release, index: number): Promise<void> {
  const command = release.commands[index];
  const notStarted = `Release command "${display(command)}" could not be started`;
  const response = await ecs.send(new RunTaskCommand({
    cluster: release.cluster,
    taskDefinition: release.taskDefinition,
    launchType: 'FARGATE',
    count: 1,
    networkConfiguration: {
      awsvpcConfiguration: { subnets: release.subnets, securityGroups: release.securityGroups, assignPublicIp: 'DISABLED' },
    },
    overrides: { containerOverrides: [{ name: release.containerName, command: [...command] }] },
    startedBy: release.id,
    // Idempotent per release and command (64 hex characters, ECS's limit): a
    // retried invocation, or a poll that does not see the task it started yet
    // (ECS is eventually consistent), gets the same task instead of running
    // the command twice.
    clientToken: createHash('sha256').update(`${release.requestId}/${index}`).digest('hex'),
  })).catch((error: Error) => {
    throw new Error(`${notStarted}: ${error.message}`);
  });
  const failures = response.failures ?? [];
  if (failures.length > 0 || !response.tasks?.length) {
    const reasons = failures.map((f) => `${f.reason}${f.arn ? ` (${f.arn})` : ''}`).join('; ');
    throw new Error(`${notStarted}: ${reasons || 'RunTask returned no task'}`);
  }
}

/** All tasks of this release, running and stopped (ListTasks returns one desired status at a time). */
async function findTasks(release: Release): Promise<Task[]> {
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListTasksCommand({ cluster: release.cluster, startedBy: release.id, desiredStatus, nextToken }));
      arns.push(...page.taskArns ?? []);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  if (arns.length === 0) return [];
  // A release has a task per command, far below DescribeTasks' 100 per call.
  const described = await ecs.send(new DescribeTasksCommand({ cluster: release.cluster, tasks: arns }));
  return described.tasks ?? [];
}

/** The index of the command the task runs, or -1 for a task that runs none of them. */
function commandIndex(release: Release, task: Task): number {
  const override = task.overrides?.containerOverrides?.find((o) => o.name === release.containerName)?.command;
  if (!override) return -1;
  return release.commands.findIndex((command) => command.length === override.length && command.every((arg, i) => arg === override[i]));
}

function createdAt(task: Task): number {
  return task.createdAt?.getTime() ?? Number.POSITIVE_INFINITY;
}

function display(command: readonly string[]): string {
  return command.join(' ');
}
