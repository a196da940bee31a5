import {
  CustomResource,
  Duration,
  RemovalPolicy,
  Stack,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { handlerProvider } from './handler-provider';
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

    const provider = handlerProvider(this, {
      handlerFolder: 'release-handler',
      purpose: 'Release commands of the Django service',
      roleDescription: 'Runs and watches the release tasks of one Django environment',
      frameworkRoleDescription: 'Custom-resource framework function of the Django release step',
      grant: (role) => {
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
      },
      handlerTimeout: Duration.seconds(30),
      queryInterval: Duration.seconds(15),
      // A margin beyond the release's own timeout, so the handler stops a
      // late task and reports it rather than the framework giving up.
      totalTimeout: props.timeout.plus(Duration.minutes(RELEASE_TIMEOUT_MARGIN_MINUTES)),
      removalPolicy: props.removalPolicy,
      handlerIdPrefix: 'Release',
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
