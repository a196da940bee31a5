import {
  Duration,
  RemovalPolicy,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_logs as logs,
  aws_s3 as s3,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Props of the `Service` construct; all already validated and defaulted. */
export interface ServiceProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly staticBucket: s3.IBucket;
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
}

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

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);

    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: props.vpc });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The task definition makes a task role and, once something needs it, a
    // separate execution role: the image pull, the log stream and the secrets
    // below are granted to the execution role, the bucket to the task role.
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });

    // Each parameter is imported by name (no lookup, no value at synthesis);
    // ecs.Secret grants the execution role read access to exactly that ARN.
    const parameters = new Construct(this, 'Parameters');
    const secrets: { [name: string]: ecs.Secret } = {};
    for (const [variable, parameterName] of Object.entries(props.secretParameters)) {
      const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(parameters, variable, { parameterName });
      secrets[variable] = ecs.Secret.fromSsmParameter(parameter);
    }

    this.container = this.taskDefinition.addContainer('Django', {
      containerName: props.containerName,
      image: props.image,
      essential: true,
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }],
      environment: props.environment,
      secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'django' }),
    });

    props.staticBucket.grantReadWrite(this.taskDefinition.taskRole);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      // No desiredCount: CloudFormation then leaves the running count alone on
      // updates, so a redeploy keeps what autoscaling chose. A new service
      // starts from minCapacity, which the scalable target enforces.
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      securityGroups: [props.securityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
    });

    props.targetGroup.addTarget(this.service.loadBalancerTarget({
      containerName: props.containerName,
      containerPort: props.containerPort,
    }));

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.targetCpuUtilizationPercent,
      scaleInCooldown: Duration.seconds(60),
      scaleOutCooldown: Duration.seconds(60),
    });
  }
}
