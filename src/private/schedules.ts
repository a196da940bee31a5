import {
  Duration,
  RemovalPolicy,
  Stack,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_scheduler as scheduler,
  aws_scheduler_targets as targets,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { newAppTaskDefinition, type AppContainerSpec } from './app-container';
import { suppressNag } from './nag';

/** One scheduled command; already validated and defaulted. */
export interface ScheduledCommand {
  readonly name: string;
  readonly schedule: scheduler.ScheduleExpression;
  readonly command: string[];
  readonly cpu: number;
  readonly memoryLimitMiB: number;
}

/** Props of the `Schedules` construct. */
export interface SchedulesProps {
  readonly cluster: ecs.ICluster;
  readonly container: AppContainerSpec;
  readonly taskRole: iam.IRole;
  readonly executionRole: iam.IRole;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly commands: readonly ScheduledCommand[];
  /** Create the schedules disabled: the first phase, before an image exists. */
  readonly disabled: boolean;
}

/** ECS task group of a scheduled command's tasks, for finding and alarming on its runs. */
export function scheduledTaskGroup(name: string): string {
  return `scheduled:${name}`;
}

/** Log stream prefix of a scheduled command's tasks in the environment's log group. */
export function scheduledStreamPrefix(name: string): string {
  return `scheduled-${name}`;
}

/**
 * Retries of a failed RunTask call (no capacity, throttling): a few, and not
 * later than an hour, so a late run does not overlap the next one. A task
 * that starts and exits non-zero is not retried; that is the command's own
 * failure, in its logs.
 */
export const SCHEDULE_RETRY_ATTEMPTS = 3;
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);
/** How long an undelivered run waits in the dead-letter queue (SQS's maximum). */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * EventBridge Scheduler schedules that each run a management command as a
 * one-off Fargate task from the web container's image, variables and
 * secrets, in the private subnets. Runs that cannot be started after the
 * retries land in one encrypted dead-letter queue.
 *
 * Each command has its own task definition (its command and size are in it,
 * so a run is exactly what the template says, and the scheduler's role may
 * start exactly these); all share the environment's task and execution roles.
 */
export class Schedules extends Construct {
  public readonly schedules: scheduler.Schedule[] = [];
  public readonly group: scheduler.ScheduleGroup;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    suppressNag(this.deadLetterQueue, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the scheduled commands; a dead-letter queue needs none of its own.',
    });

    // The environment's own group: the role below trusts only its schedules.
    // It holds nothing but them, and a retained group would block a new stack
    // of the same name, so it goes with the stack.
    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'Starts the scheduled management commands of one Django environment',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
    });

    for (const command of props.commands) {
      const entry = new Construct(this, `ScheduledCommand-${command.name}`);
      const taskDefinition = newAppTaskDefinition(entry, 'TaskDefinition', props.container, {
        cpu: command.cpu,
        memoryLimitMiB: command.memoryLimitMiB,
        streamPrefix: scheduledStreamPrefix(command.name),
        command: command.command,
        taskRole: props.taskRole,
        executionRole: props.executionRole,
      });
      // The target grants the role ecs:RunTask on this task definition and
      // iam:PassRole on its two roles, and sqs:SendMessage on the queue.
      const target = new targets.EcsRunFargateTask(props.cluster, {
        taskDefinition,
        role: this.role,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        assignPublicIp: false,
        securityGroups: [props.securityGroup],
        group: scheduledTaskGroup(command.name),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
      });
      const schedule = new scheduler.Schedule(entry, 'Schedule', {
        schedule: command.schedule,
        target,
        scheduleGroup: this.group,
        enabled: !props.disabled,
        description: `${command.command.join(' ')} (${command.name})`.slice(0, 512),
      });
      // The schedule names its group by a literal name, not a reference, so
      // CloudFormation needs to be told to create the group first.
      schedule.node.addDependency(this.group);
      this.schedules.push(schedule);
    }
  }
}
