import * as fs from 'fs';
import * as path from 'path';
import {
  CustomResource,
  Duration,
  RemovalPolicy,
  Stack,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_stepfunctions as sfn,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';
import { RELEASE_TIMEOUT_MARGIN_MINUTES } from './validation';

/** Props of the `Release` construct; all already validated. */
export interface ReleaseProps {
  readonly cluster: ecs.ICluster;
  /** The task definition the commands run from (the service's container, logging under `release/`). */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The service's task definition: a new revision means a new release. */
  readonly serviceTaskDefinition: ecs.TaskDefinition;
  readonly containerName: string;
  readonly commands: readonly (readonly string[])[];
  readonly subnets: ec2.SubnetSelection;
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly timeout: Duration;
  readonly logGroup: logs.ILogGroup;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The compiled release handler. The library may run from `src` (ts-node,
 * jest) or `lib` (the package); either way Lambda gets the JavaScript jsii
 * wrote to `lib/private/release-handler`, so the asset is the same everywhere.
 */
function handlerDirectory(): string {
  const dir = path.resolve(__dirname, '..', '..', 'lib', 'private', 'release-handler');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`The release handler is not compiled (${dir}/index.js is missing): run \`npx projen compile\` first`);
  }
  return dir;
}

/**
 * Runs the release commands (migrate, collectstatic, ...) as one-off Fargate
 * tasks during the deployment, one after the other, and fails the deployment
 * when one fails or the whole release times out. The service depends on it,
 * so it moves to a new task definition only after a successful release.
 */
export class Release extends Construct {
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ReleaseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const taskRole = props.taskDefinition.taskRole;
    const executionRole = props.taskDefinition.obtainExecutionRole();

    const handlerLogs = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    // One role for both handlers, with exactly what they call.
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs and watches the release tasks of one Django environment',
    });
    handlerLogs.grantWrite(role);
    const inCluster = { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } };
    // Every revision of the release family: each release registers a new
    // revision, and a grant on the exact one would rewrite this policy seconds
    // before the handler uses it (IAM is eventually consistent).
    const releaseFamily = stack.formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${props.taskDefinition.family}:*`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecs:RunTask'],
      resources: [releaseFamily],
      conditions: inCluster,
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [taskRole.roleArn, executionRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }));
    const clusterTasks = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
      resources: [clusterTasks],
      conditions: inCluster,
    }));
    // ecs:ListTasks has no task-level resource; the condition keeps it to this cluster.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: inCluster,
    }));
    suppressNag(role.node.findChild('DefaultPolicy'), {
      id: 'AwsSolutions-IAM5',
      reason: 'Release tasks get new ids on every run, each release registers a new revision of the release task family, and ecs:ListTasks has no resource-level permission; the ecs:cluster condition limits all of them to this cluster.',
      appliesTo: [
        'Resource::*',
        { regex: '/^Resource::arn:<AWS::Partition>:ecs:.*:task\\/.*\\/\\*$/' },
        { regex: '/^Resource::arn:<AWS::Partition>:ecs:.*:task-definition\\/.*:\\*$/' },
      ],
    });

    const code = lambda.Code.fromAsset(handlerDirectory(), { exclude: ['*.ts'] });
    const handler = (handlerId: string, name: string) => new lambda.Function(this, handlerId, {
      // The runtime aws-cdk-lib gives its own handlers in this region: the
      // newest Node.js it knows (nodejs22.x on the floor, newer after it).
      runtime: lambda.determineLatestNodeRuntime(this),
      code,
      handler: `index.${name}`,
      role,
      logGroup: handlerLogs,
      timeout: Duration.seconds(30),
      memorySize: 256,
      description: `Release commands of the Django service (${name})`,
    });

    // The Provider framework's own functions get roles of ours (only their
    // logs; the framework adds invoke rights on the handlers and the waiter)
    // instead of the AWS-managed basic-execution policy, and its waiter state
    // machine logs every event.
    const frameworkRole = (roleId: string) => {
      const r = new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Custom-resource framework function of the Django release step',
      });
      handlerLogs.grantWrite(r);
      return r;
    };
    const onEventRole = frameworkRole('FrameworkOnEventRole');
    const completeRole = frameworkRole('FrameworkCompleteRole');
    const stateMachineLogs = new logs.LogGroup(this, 'WaiterLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler('OnEvent', 'onEvent'),
      isCompleteHandler: handler('IsComplete', 'isComplete'),
      queryInterval: Duration.seconds(15),
      // A margin beyond the release's own timeout, so the handler stops a
      // late task and reports it rather than the framework giving up.
      totalTimeout: props.timeout.plus(Duration.minutes(RELEASE_TIMEOUT_MARGIN_MINUTES)),
      frameworkOnEventRole: onEventRole,
      frameworkCompleteAndTimeoutRole: completeRole,
      logGroup: handlerLogs,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const r of [onEventRole, completeRole]) {
      suppressNag(r.node.findChild('DefaultPolicy'), {
        id: 'AwsSolutions-IAM5',
        reason: 'aws-cdk-lib\'s Provider framework invokes the release handlers by ARN including their versions (arn:*).',
        appliesTo: [{ regex: '/^Resource::<.*Release(OnEvent|IsComplete).*\\.Arn>:\\*$/' }],
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

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DjangoRelease',
      properties: {
        Cluster: props.cluster.clusterArn,
        TaskDefinition: props.taskDefinition.taskDefinitionArn,
        ServiceTaskDefinition: props.serviceTaskDefinition.taskDefinitionArn,
        ContainerName: props.containerName,
        Commands: JSON.stringify(props.commands),
        Subnets: props.vpc.selectSubnets(props.subnets).subnetIds,
        SecurityGroups: [props.securityGroup.securityGroupId],
        TimeoutSeconds: String(props.timeout.toSeconds()),
        LogGroupName: props.logGroup.logGroupName,
      },
    });
    // The tasks need the network's egress (image, parameters) to run.
    this.resource.node.addDependency(props.vpc.internetConnectivityEstablished);
    // And their roles' policies, whole: a secret or key added in the same
    // deployment must be readable before the first task starts. A dependency
    // on a construct covers every resource under it at synthesis, so grants
    // made after this point (the roles' DefaultPolicy) are included.
    this.resource.node.addDependency(taskRole, executionRole);
  }
}
