import { Duration, aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newAppTaskDefinition, scaleOnCpu, type AppContainerSpec } from './app-container';
import { DEFAULTS } from './defaults';
import type { WorkerOptions } from '../options/worker-options';

/** A worker's options with every default applied. */
export interface WorkerSettings {
  readonly name: string;
  readonly command: string[];
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetCpuUtilizationPercent: number;
  readonly singleton: boolean;
  readonly spot: boolean;
  readonly stopTimeout: Duration;
  /** Merged over the web container's plain variables. */
  readonly environment: { [name: string]: string };
}

/** The settings of a (validated) worker: its options over the defaults; a singleton runs exactly one task. */
export function workerSettings(options: WorkerOptions): WorkerSettings {
  const singleton = options.singleton ?? DEFAULTS.worker.singleton;
  const minCapacity = singleton ? 1 : options.minCapacity ?? DEFAULTS.worker.minCapacity;
  return {
    name: options.name,
    command: options.command,
    cpu: options.cpu ?? DEFAULTS.worker.cpu,
    memoryLimitMiB: options.memoryLimitMiB ?? DEFAULTS.worker.memoryLimitMiB,
    minCapacity,
    // No autoscaling unless asked for: the maximum defaults to the minimum.
    maxCapacity: singleton ? 1 : options.maxCapacity ?? minCapacity,
    targetCpuUtilizationPercent: options.targetCpuUtilizationPercent ?? DEFAULTS.worker.targetCpuUtilizationPercent,
    singleton,
    spot: options.spot ?? DEFAULTS.worker.spot,
    stopTimeout: options.stopTimeout ?? DEFAULTS.worker.stopTimeout,
    environment: options.environment ?? {},
  };
}

/** Props of one `Worker`. */
export interface WorkerProps extends WorkerSettings {
  readonly cluster: ecs.Cluster;
  readonly container: AppContainerSpec;
  readonly taskRole: iam.IRole;
  readonly executionRole: iam.IRole;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly enableExecuteCommand: boolean;
  /** The first phase, before an image exists: no task and no autoscaling (see `Service`). */
  readonly awaitingImage: boolean;
}

/** Log stream prefix of a worker's tasks in the environment's log group. */
export function workerStreamPrefix(name: string): string {
  return `worker-${name}`;
}

/**
 * A background process (a Celery worker, Celery beat, ...): an ECS Fargate
 * service without load balancer, running the web container's image,
 * variables and secrets with its own command, in the private subnets.
 */
export class Worker extends Construct {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);

    this.taskDefinition = newAppTaskDefinition(this, 'TaskDefinition', props.container, {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      streamPrefix: workerStreamPrefix(props.name),
      command: props.command,
      environment: props.environment,
      stopTimeout: props.stopTimeout,
      taskRole: props.taskRole,
      executionRole: props.executionRole,
    });

    if (props.spot) props.cluster.enableFargateCapacityProviders();
    const autoscaled = !props.awaitingImage && props.maxCapacity > props.minCapacity;
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      // A fixed count is in the template, so a redeploy sets it again. An
      // autoscaled worker has none, so a redeploy keeps the count autoscaling
      // chose (as the web service does); the scalable target enforces the minimum.
      desiredCount: props.awaitingImage ? 0 : autoscaled ? undefined : props.minCapacity,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      securityGroups: [props.securityGroup],
      // A singleton (Celery beat) must never run twice, even for a moment:
      // the deployment stops the old task before it starts the new one.
      minHealthyPercent: props.singleton ? 0 : 100,
      maxHealthyPercent: props.singleton ? 100 : 200,
      circuitBreaker: { rollback: true },
      capacityProviderStrategies: props.spot ? [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] : undefined,
      enableExecuteCommand: props.enableExecuteCommand,
    });
    if (props.spot) {
      // The service may only name FARGATE_SPOT once the cluster has it.
      this.service.node.addDependency(props.cluster);
    }

    if (autoscaled) scaleOnCpu(this.service, props.minCapacity, props.maxCapacity, props.targetCpuUtilizationPercent);
  }
}
