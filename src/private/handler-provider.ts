import * as fs from 'fs';
import * as path from 'path';
import {
  type Duration,
  type RemovalPolicy,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_stepfunctions as sfn,
  custom_resources as cr,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { suppressNag } from './nag';

/** Options of `handlerProvider`: what differs between this library's custom resources. */
export interface HandlerProviderOptions {
  /** Folder of the handler under `lib/private` (compiled by jsii): an `index.js` exporting `onEvent` and `isComplete`. */
  readonly handlerFolder: string;
  /** What the handlers do, for error messages and descriptions, e.g. `Release commands of the Django service`. */
  readonly purpose: string;
  /** Description of the handlers' role. */
  readonly roleDescription: string;
  /** Description of the framework functions' roles. */
  readonly frameworkRoleDescription: string;
  /** Adds what the handlers may call to their role (it may already write its logs). */
  readonly grant: (role: iam.Role) => void;
  readonly handlerTimeout: Duration;
  readonly queryInterval: Duration;
  readonly totalTimeout: Duration;
  readonly removalPolicy: RemovalPolicy;
  /** Construct id prefix of the handler functions' logical ids, e.g. `Release`, for the IAM5 suppression. */
  readonly handlerIdPrefix: string;
}

/**
 * The Provider framework behind one of this library's custom resources, made
 * the same way for each, under `scope`: its two handlers (`OnEvent`,
 * `IsComplete`) with one role of exactly what they call and a log group with a
 * retention, the framework's own functions on roles of ours (only their logs;
 * the framework adds invoke rights on the handlers and the waiter) instead of
 * the AWS-managed basic-execution policy, and a waiter state machine that logs
 * every event. Returns the provider whose `serviceToken` the resource uses.
 */
export function handlerProvider(scope: Construct, options: HandlerProviderOptions): cr.Provider {
  const dir = path.resolve(__dirname, '..', '..', 'lib', 'private', options.handlerFolder);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`${options.purpose}: the handler is not compiled (${dir}/index.js is missing): run \`npx projen compile\` first`);
  }

  const handlerLogs = new logs.LogGroup(scope, 'HandlerLogs', {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: options.removalPolicy,
  });
  // One role for both handlers, with exactly what they call.
  const role = new iam.Role(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
  });
  handlerLogs.grantWrite(role);
  options.grant(role);

  const code = lambda.Code.fromAsset(dir, { exclude: ['*.ts'] });
  const handler = (handlerId: string, name: string) => new lambda.Function(scope, handlerId, {
    // The runtime aws-cdk-lib gives its own handlers in this region: the
    // newest Node.js it knows (nodejs22.x on the floor, newer after it).
    runtime: lambda.determineLatestNodeRuntime(scope),
    code,
    handler: `index.${name}`,
    role,
    logGroup: handlerLogs,
    timeout: options.handlerTimeout,
    memorySize: 256,
    description: `${options.purpose} (${name})`,
  });

  const frameworkRole = (roleId: string) => {
    const r = new iam.Role(scope, roleId, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: options.frameworkRoleDescription,
    });
    handlerLogs.grantWrite(r);
    return r;
  };
  const onEventRole = frameworkRole('FrameworkOnEventRole');
  const completeRole = frameworkRole('FrameworkCompleteRole');
  const stateMachineLogs = new logs.LogGroup(scope, 'WaiterLogs', {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: options.removalPolicy,
  });
  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler: handler('OnEvent', 'onEvent'),
    isCompleteHandler: handler('IsComplete', 'isComplete'),
    queryInterval: options.queryInterval,
    totalTimeout: options.totalTimeout,
    frameworkOnEventRole: onEventRole,
    frameworkCompleteAndTimeoutRole: completeRole,
    logGroup: handlerLogs,
    disableWaiterStateMachineLogging: false,
    waiterStateMachineLogOptions: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });

  for (const r of [onEventRole, completeRole]) {
    suppressNag(r.node.findChild('DefaultPolicy'), {
      id: 'AwsSolutions-IAM5',
      reason: `aws-cdk-lib's Provider framework invokes the handlers (${options.purpose}) by ARN including their versions (arn:*).`,
      appliesTo: [{ regex: `/^Resource::<.*${options.handlerIdPrefix}(OnEvent|IsComplete).*\\.Arn>:\\*$/` }],
    });
  }
  const waiter = provider.node.findChild('waiter-state-machine');
  suppressNag(waiter.node.findChild('Role').node.findChild('DefaultPolicy'), {
    id: 'AwsSolutions-IAM5',
    reason: 'The waiter state machine invokes the framework functions including their versions (arn:*), and CloudWatch Logs delivery actions have no resource-level permissions.',
    appliesTo: ['Resource::*', { regex: '/^Resource::<.*Provider.*\\.Arn>:\\*$/' }],
  });
  suppressNag(waiter.node.findChild('Resource'), {
    id: 'AwsSolutions-SF2',
    reason: 'aws-cdk-lib\'s Provider framework does not expose X-Ray tracing for its waiter state machine; it logs every event instead.',
  });
  return provider;
}
