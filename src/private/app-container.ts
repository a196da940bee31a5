import { Duration, aws_ecs as ecs, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';

/**
 * What every task of an environment runs: the Django container with the
 * same image, plain variables and secrets, logging to one log group. The web
 * service, the release step, the workers and the scheduled commands all
 * start from it, so none of them can drift from the others.
 */
export interface AppContainerSpec {
  readonly containerName: string;
  readonly image: ecs.ContainerImage;
  /** Plain environment variables. */
  readonly environment: { readonly [name: string]: string };
  /** Secrets, injected by ECS at task start from SSM. */
  readonly secrets: { readonly [name: string]: ecs.Secret };
  readonly logGroup: logs.ILogGroup;
  /** The architecture the image is built for; every task definition runs on it. */
  readonly cpuArchitecture: ecs.CpuArchitecture;
  /** Read-only root filesystem, with a writable ephemeral volume at /tmp. */
  readonly readonlyRootFilesystem: boolean;
}

/** How one task definition differs from the others. */
export interface AppTaskOptions {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  /** Log stream prefix in the shared log group, e.g. `django`, `release`, `worker-celery`. */
  readonly streamPrefix: string;
  /** Replaces the image's command (exec form). */
  readonly command?: string[];
  /** Merged over the spec's plain variables. */
  readonly environment?: { readonly [name: string]: string };
  /** SIGTERM grace before ECS kills the container. */
  readonly stopTimeout?: Duration;
  readonly portMappings?: ecs.PortMapping[];
  /** Shared roles; without them the task definition makes its own (the web service's, which the others reuse). */
  readonly taskRole?: iam.IRole;
  readonly executionRole?: iam.IRole;
}

/** The writable ephemeral volume at /tmp of a read-only root filesystem. */
const TMP_VOLUME = 'tmp';

/** cdk-nag ECS2 on every task definition: their plain variables hold no secret. */
const PLAIN_VARIABLES_ARE_NOT_SECRETS = {
  id: 'AwsSolutions-ECS2',
  reason: 'Only non-secret settings are plain environment variables; every secret is injected from SSM through `secrets`.',
};

/**
 * A Fargate task definition (Linux, on the spec's CPU architecture) running the Django container of
 * `spec` as its only, essential container.
 *
 * Granting follows the container: the secrets and the image pull go to the
 * execution role, so with shared roles the execution role reads exactly the
 * parameters the containers inject, whichever task definition injects them.
 */
export function newAppTaskDefinition(scope: Construct, id: string, spec: AppContainerSpec, options: AppTaskOptions): ecs.FargateTaskDefinition {
  const taskDefinition = new ecs.FargateTaskDefinition(scope, id, {
    cpu: options.cpu,
    memoryLimitMiB: options.memoryLimitMiB,
    runtimePlatform: {
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      cpuArchitecture: spec.cpuArchitecture,
    },
    taskRole: options.taskRole,
    executionRole: options.executionRole,
  });
  const container = taskDefinition.addContainer('Django', {
    containerName: spec.containerName,
    image: spec.image,
    essential: true,
    command: options.command,
    environment: { ...spec.environment, ...options.environment },
    secrets: { ...spec.secrets },
    stopTimeout: options.stopTimeout,
    portMappings: options.portMappings,
    logging: ecs.LogDrivers.awsLogs({ logGroup: spec.logGroup, streamPrefix: options.streamPrefix }),
    readonlyRootFilesystem: spec.readonlyRootFilesystem || undefined,
  });
  if (spec.readonlyRootFilesystem) {
    // A volume without a host: Fargate backs it with the task's ephemeral storage.
    taskDefinition.addVolume({ name: TMP_VOLUME });
    container.addMountPoints({ sourceVolume: TMP_VOLUME, containerPath: '/tmp', readOnly: false });
  }
  suppressNag(taskDefinition, PLAIN_VARIABLES_ARE_NOT_SECRETS);
  return taskDefinition;
}

/** Target tracking on the service's average CPU between `minCapacity` and `maxCapacity` tasks. */
export function scaleOnCpu(service: ecs.FargateService, minCapacity: number, maxCapacity: number, targetUtilizationPercent: number): void {
  const scaling = service.autoScaleTaskCount({ minCapacity, maxCapacity });
  scaling.scaleOnCpuUtilization('Cpu', {
    targetUtilizationPercent,
    scaleInCooldown: Duration.seconds(60),
    scaleOutCooldown: Duration.seconds(60),
  });
}
