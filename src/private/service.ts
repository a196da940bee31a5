import {
  Duration,
  RemovalPolicy,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_s3 as s3,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newAppTaskDefinition, scaleOnCpu, type AppContainerSpec } from './app-container';
import { suppressNag } from './nag';
import { grantStorageAccess } from './storage-access';

/** Props of the `Service` construct; all already validated and defaulted. */
export interface ServiceProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly staticBucket: s3.IBucket;
  /** User uploads: the task role may read and write it. */
  readonly mediaBucket: s3.IBucket;
  readonly image: ecs.ContainerImage;
  readonly containerName: string;
  readonly containerPort: number;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetCpuUtilizationPercent: number;
  readonly logRetention: logs.RetentionDays;
  /** Plain environment variables of the container. */
  readonly environment: { [name: string]: string };
  /** Secrets of the container: environment variable name to full SSM parameter name. */
  readonly secretParameters: { [name: string]: string };
  /** Customer key the parameters are encrypted with, if not the AWS-managed `aws/ssm`. */
  readonly parameterEncryptionKey?: kms.IKey;
  readonly enableExecuteCommand: boolean;
  /** RETAIN, or DESTROY for a disposable environment: the log group goes with the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** Also make a task definition for the release commands. */
  readonly withReleaseTaskDefinition: boolean;
  /** Of every task definition of the environment. */
  readonly cpuArchitecture: ecs.CpuArchitecture;
  /** Of every container of the environment, with a writable /tmp. */
  readonly readonlyRootFilesystem: boolean;
  /** The web service's tasks on FARGATE_SPOT. */
  readonly spot: boolean;
  readonly containerInsights: boolean;
  /**
   * The first phase, before an image exists: the service is created with no
   * task and without autoscaling, so nothing pulls the missing image.
   */
  readonly awaitingImage: boolean;
}

/** Log stream prefixes in the service's log group: the web tasks' and the release tasks'. */
export const SERVICE_STREAM_PREFIX = 'django';
export const RELEASE_STREAM_PREFIX = 'release';

/**
 * The ECS cluster and the Fargate service running the Django container behind
 * the target group, with CPU target-tracking autoscaling.
 */
export class Service extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly service: ecs.FargateService;
  public readonly logGroup: logs.LogGroup;
  /** Same image, environment, secrets and roles as the service's, logging under `release/`. */
  public readonly releaseTaskDefinition?: ecs.FargateTaskDefinition;
  /** The container every task of the environment runs, for the other task definitions. */
  public readonly containerSpec: AppContainerSpec;
  /** The roles every task of the environment shares. */
  public readonly taskRole: iam.IRole;
  public readonly executionRole: iam.IRole;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: props.containerInsights ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
      // ECS Exec sessions are recorded in the service's log group, which also
      // scopes the task role's log permissions to that group.
      executeCommandConfiguration: props.enableExecuteCommand
        ? { logging: ecs.ExecuteCommandLogging.OVERRIDE, logConfiguration: { cloudWatchLogGroup: this.logGroup } }
        : undefined,
    });
    if (!props.containerInsights) {
      suppressNag(this.cluster, {
        id: 'AwsSolutions-ECS4',
        reason: 'Container Insights is off on request (`containerInsights: false`) to save its metrics\' cost; ECS\'s free service CPU and memory metrics remain.',
      });
    }
    if (props.spot) this.cluster.enableFargateCapacityProviders();

    // Each parameter is imported by name (no lookup, no value at synthesis);
    // ecs.Secret grants the execution role read access to exactly that ARN.
    const parameters = new Construct(this, 'Parameters');
    const secrets: { [name: string]: ecs.Secret } = {};
    for (const [variable, parameterName] of Object.entries(props.secretParameters)) {
      const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(parameters, variable, { parameterName });
      secrets[variable] = ecs.Secret.fromSsmParameter(parameter);
    }
    this.containerSpec = {
      containerName: props.containerName,
      image: props.image,
      environment: props.environment,
      secrets,
      logGroup: this.logGroup,
      cpuArchitecture: props.cpuArchitecture,
      readonlyRootFilesystem: props.readonlyRootFilesystem,
    };

    // The service's task definition makes a task role and a separate
    // execution role: the image pull, the log stream and the secrets are
    // granted to the execution role, the buckets to the task role. Every
    // other task of the environment (release, workers, scheduled commands)
    // runs the same code with the same secrets, so it shares both roles.
    const taskSize = { cpu: props.cpu, memoryLimitMiB: props.memoryLimitMiB };
    this.taskDefinition = newAppTaskDefinition(this, 'TaskDefinition', this.containerSpec, {
      ...taskSize,
      streamPrefix: SERVICE_STREAM_PREFIX,
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }],
    });
    this.container = this.taskDefinition.defaultContainer!;
    this.taskRole = this.taskDefinition.taskRole;
    this.executionRole = this.taskDefinition.obtainExecutionRole();

    grantStorageAccess(this.taskRole, props.staticBucket, {
      description: 'static bucket',
      logicalIdPart: 'StaticFilesBucket',
      objectActions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      bucketActions: ['s3:ListBucket', 's3:GetBucketLocation'],
    });
    // User uploads: django-storages also aborts the multipart uploads of large files it gives up on.
    grantStorageAccess(this.taskRole, props.mediaBucket, {
      description: 'media bucket',
      logicalIdPart: 'MediaBucket',
      objectActions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      bucketActions: ['s3:ListBucket', 's3:GetBucketLocation'],
    });
    props.parameterEncryptionKey?.grantDecrypt(this.executionRole);

    if (props.withReleaseTaskDefinition) {
      this.releaseTaskDefinition = newAppTaskDefinition(this, 'ReleaseTaskDefinition', this.containerSpec, {
        ...taskSize,
        streamPrefix: RELEASE_STREAM_PREFIX,
        taskRole: this.taskRole,
        executionRole: this.executionRole,
      });
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      // No desiredCount: CloudFormation then leaves the running count alone on
      // updates, so a redeploy keeps what autoscaling chose. A new service
      // starts from minCapacity, which the scalable target enforces.
      // Awaiting its first image, the service runs no task; the deploy that
      // sets imageTag drops the 0 (ECS keeps it) and creates the scalable
      // target, whose registration raises the count to minCapacity.
      desiredCount: props.awaitingImage ? 0 : undefined,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      securityGroups: [props.securityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: props.enableExecuteCommand,
      capacityProviderStrategies: props.spot ? [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] : undefined,
    });
    if (props.spot) {
      // The service may only name FARGATE_SPOT once the cluster has it.
      this.service.node.addDependency(this.cluster);
    }

    props.targetGroup.addTarget(this.service.loadBalancerTarget({
      containerName: props.containerName,
      containerPort: props.containerPort,
    }));

    if (!props.awaitingImage) {
      scaleOnCpu(this.service, props.minCapacity, props.maxCapacity, props.targetCpuUtilizationPercent);
    }

    if (props.enableExecuteCommand) {
      suppressNag(this.taskRole.node.findChild('DefaultPolicy'), {
        id: 'AwsSolutions-IAM5',
        reason: 'ECS Exec: the ssmmessages channel actions and logs:DescribeLogGroups have no resource-level permissions.',
        appliesTo: ['Resource::*'],
      });
    }
    const executionPolicy = this.executionRole.node.tryFindChild('DefaultPolicy');
    if (executionPolicy) {
      suppressNag(executionPolicy, {
        id: 'AwsSolutions-IAM5',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; image pulls themselves are limited to the repository.',
        appliesTo: ['Resource::*'],
      });
    }
  }
}
