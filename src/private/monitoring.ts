import {
  Annotations,
  ArnFormat,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as actions,
  aws_ecs as ecs,
  aws_elasticache as elasticache,
  aws_elasticloadbalancingv2 as elbv2,
  aws_events as events,
  aws_events_targets as targets,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_rds as rds,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  type aws_cloudfront as cloudfront,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ALARM_SETTINGS } from './alarm-settings';
import { buildDashboard, type MonitoredMetrics } from './dashboard';
import { scheduledStreamPrefix, scheduledTaskGroup } from './schedules';

/** A worker service to watch, with the task count it must keep. */
export interface MonitoredWorker {
  readonly name: string;
  readonly service: ecs.FargateService;
  readonly minCapacity: number;
}

/** Props of the `Monitoring` construct; all already validated and defaulted. */
export interface MonitoringProps {
  /** `<project>-<environment>`, to tell the environment's alarms and messages apart. */
  readonly environmentName: string;
  /** Notify this topic rather than a new one. */
  readonly topic?: sns.ITopic;
  readonly emails: readonly string[];
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly cluster: ecs.ICluster;
  readonly service: ecs.FargateService;
  readonly workers: readonly MonitoredWorker[];
  readonly database: rds.IDatabaseInstance;
  /** The database's initial storage: the free-storage alarm fires below 10 % of it. */
  readonly databaseAllocatedStorageGiB: number;
  readonly cache?: elasticache.CfnServerlessCache;
  readonly cacheMaxDataStorageGiB: number;
  readonly distribution: cloudfront.IDistribution;
  /** Names of the scheduled commands; their failed runs are reported to the topic. */
  readonly scheduledCommandNames: readonly string[];
  readonly logGroup: logs.ILogGroup;
  readonly latencyThreshold: Duration;
  readonly enableDeploymentAlarms: boolean;
  /**
   * The cluster has Container Insights: the `ECS/ContainerInsights`
   * `RunningTaskCount` metric exists, for the workers' running-task alarms
   * and the task-count graphs. Without it those are left out.
   */
  readonly containerInsights: boolean;
}

/** CloudFront publishes its metrics in us-east-1 only. */
export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

const GIB = 1024 * 1024 * 1024;
const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** What an alarm means, for its description: "fires when…, typical cause…, first thing to check…". */
interface Meaning {
  readonly when: string;
  readonly cause: string;
  readonly check: string;
}

interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly meaning: Meaning;
}

/**
 * The environment's alarms, the topic they notify on ALARM and on OK, the
 * report of failed scheduled commands, the web service's deployment alarms
 * and one dashboard drawn from the same metric objects as the alarms.
 */
export class Monitoring extends Construct {
  public readonly topic: sns.ITopic;
  /** Every alarm, in a stable order: load balancer, web service, workers, database, cache, CloudFront. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The alarms ECS watches during a deployment of the web service: the target 5xx rate and the latency. */
  public readonly deploymentAlarms: cloudwatch.Alarm[];
  public readonly dashboard: cloudwatch.Dashboard;
  /** Reports failed scheduled-command runs to the topic; only with scheduled commands. */
  public readonly scheduledCommandFailureRule?: events.Rule;

  private readonly action: actions.SnsAction;
  private readonly environmentName: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.environmentName = props.environmentName;
    const stack = Stack.of(this);

    this.topic = props.topic ?? this.newTopic();
    // A topic policy replaces SNS's default one (the failure rule's target,
    // enforceSSL): CloudWatch alarms of this account get their own statement.
    // A topic imported by ARN keeps its policy; it is its owner's to grant.
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'PublishFromCloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }));
    props.emails.forEach((email) => this.topic.addSubscription(new subscriptions.EmailSubscription(email)));
    this.action = new actions.SnsAction(this.topic);

    const floor = ALARM_SETTINGS.requestFloorPerMinute;
    const alarms = new Construct(this, 'Alarms');

    // The load balancer and the web service.
    // The target group's own metrics carry both dimensions; built here from
    // the load balancer's and target group's full names (GetAtt).
    const alb = (metricName: string, statistic: string, label: string, targetGroup = true) => new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensionsMap: {
        LoadBalancer: props.loadBalancer.loadBalancerFullName,
        ...(targetGroup ? { TargetGroup: props.targetGroup.targetGroupFullName } : {}),
      },
      statistic,
      period: targetGroup ? ONE_MINUTE : FIVE_MINUTES,
      label,
    });
    const requests = alb('RequestCount', 'Sum', 'requests');
    const targetErrors = alb('HTTPCode_Target_5XX_Count', 'Sum', 'target 5xx');
    const loadBalancerErrors = alb('HTTPCode_ELB_5XX_Count', 'Sum', 'load balancer 5xx', false);
    const latencyP99 = alb('TargetResponseTime', 'p99', 'p99');
    const latencyP50 = alb('TargetResponseTime', 'p50', 'p50');
    const healthyTargets = alb('HealthyHostCount', 'Minimum', 'healthy');
    const unhealthyTargets = alb('UnHealthyHostCount', 'Maximum', 'unhealthy');
    // Below the floor a minute counts as 0: a single error or slow request
    // on a quiet night is no incident. No traffic at all is no data.
    const errorRate = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${floor}, 100 * FILL(errors, 0) / requests, 0)`,
      usingMetrics: { requests, errors: targetErrors },
      period: ONE_MINUTE,
      label: 'target 5xx (% of requests)',
    });
    const latency = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${floor}, latency, 0)`,
      usingMetrics: { requests, latency: latencyP99 },
      period: ONE_MINUTE,
      label: 'p99 (s), above the request floor',
    });
    // A token in seconds stays a token (validation skipped it); a known value may be fractional.
    const latencySeconds = props.latencyThreshold.isUnresolved()
      ? props.latencyThreshold.toSeconds()
      : props.latencyThreshold.toMilliseconds({ integral: false }) / 1000;

    const errorRateAlarm = this.alarm(alarms, 'TargetErrorRate', {
      metric: errorRate,
      threshold: ALARM_SETTINGS.errorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: `more than ${ALARM_SETTINGS.errorRatePercent} % of the requests to Django got a 5xx in 3 of the last 5 minutes (minutes with fewer than ${floor} requests count as fine)`,
        cause: 'a new version that fails (rolled back automatically during a deployment), a database or cache outage, an unhandled exception on a busy page',
        check: 'the django log stream (aws logs tail <log group> --log-stream-name-prefix django --since 15m) for tracebacks, and the Target 5xx graph of the dashboard',
      },
    });
    this.alarm(alarms, 'LoadBalancerErrors', {
      metric: loadBalancerErrors,
      threshold: ALARM_SETTINGS.loadBalancerErrors,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: `the load balancer itself answered ${ALARM_SETTINGS.loadBalancerErrors} or more 5xx in 5 minutes (502, 503, 504: no healthy task, a task closing connections, a request over the idle timeout)`,
        cause: 'no healthy web task (crash loop, failing health check), gunicorn workers killed (out of memory, timeout), requests slower than 60 s',
        check: 'the Targets graph of the dashboard and the service\'s events (aws ecs describe-services); then the django log stream',
      },
    });
    const latencyAlarm = this.alarm(alarms, 'Latency', {
      metric: latency,
      threshold: latencySeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: `the 99th percentile of Django's response time was above ${latencySeconds} s in 3 of the last 5 minutes (minutes with fewer than ${floor} requests count as fine)`,
        cause: 'a slow query or a missing index after a release, a saturated database, too few web tasks for the traffic, a slow external API',
        check: 'the Latency and database graphs of the dashboard, then the slow views in the django log stream',
      },
    });
    this.alarm(alarms, 'UnhealthyTargets', {
      metric: unhealthyTargets,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: 'at least one web task failed the load balancer\'s health check for 5 minutes in a row',
        cause: 'the health-check path answering other than 200 (DisallowedHost after narrowing DJANGO_ALLOWED_HOSTS, a redirect, a database error), a task out of memory',
        check: 'the target group\'s health reasons (aws elbv2 describe-target-health) and the django log stream',
      },
    });
    this.serviceAlarms(alarms, 'Service', 'the web service', props.service);

    // The workers, under ids named after them: a rename replaces its alarms.
    const workerMetrics = props.workers.map((worker) => {
      const group = new Construct(alarms, `Worker-${worker.name}`);
      const what = `the ${worker.name} worker`;
      const metrics = this.serviceAlarms(group, '', what, worker.service);
      const runningTasks = props.containerInsights ? runningTaskCount(props.cluster, worker.service) : undefined;
      // A worker stopped on purpose (minCapacity 0) has nothing to miss.
      if (runningTasks && worker.minCapacity > 0) {
        this.alarm(group, 'RunningTasks', {
          metric: runningTasks,
          threshold: worker.minCapacity,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 3,
          // No data means no task reports: fewer than the minimum.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          meaning: {
            when: `${what} ran fewer than its ${worker.minCapacity} task(s) on average for 15 minutes`,
            cause: 'tasks that exit (a bad command, a broker it cannot reach, out of memory), no Fargate Spot capacity, a deployment stuck by the circuit breaker',
            check: `the stopped tasks' reasons (aws ecs list-tasks --desired-status STOPPED --service-name <service>) and the worker-${worker.name} log stream`,
          },
        });
      }
      return { name: worker.name, ...metrics, runningTasks, minCapacity: worker.minCapacity };
    });

    // The database.
    const databaseCpu = props.database.metricCPUUtilization({ statistic: 'Average', period: FIVE_MINUTES, label: 'CPU' });
    const databaseConnections = props.database.metricDatabaseConnections({ statistic: 'Maximum', period: FIVE_MINUTES, label: 'connections' });
    const freeStorage = props.database.metricFreeStorageSpace({ statistic: 'Minimum', period: FIVE_MINUTES, label: 'free storage' });
    const freeableMemory = props.database.metricFreeableMemory({ statistic: 'Minimum', period: FIVE_MINUTES, label: 'freeable memory' });
    const freeStorageThreshold = Math.round(ALARM_SETTINGS.databaseFreeStorageShare * props.databaseAllocatedStorageGiB * GIB);
    this.alarm(alarms, 'DatabaseCpu', {
      metric: databaseCpu,
      threshold: ALARM_SETTINGS.databaseCpuPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: `the database's CPU averaged ${ALARM_SETTINGS.databaseCpuPercent} % or more for 15 minutes`,
        cause: 'a query without an index, a new N+1 pattern, a heavy scheduled command; on burstable classes (t4g) exhausted CPU credits',
        check: 'Performance Insights or pg_stat_statements for the top queries, and the dashboard\'s database graphs',
      },
    });
    this.alarm(alarms, 'DatabaseFreeStorage', {
      metric: freeStorage,
      threshold: freeStorageThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // Storage does not free itself: without data the alarm keeps its state.
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      meaning: {
        when: `the database had less than ${formatGiB(freeStorageThreshold)} free for 15 minutes (storage autoscaling grows the volume at 10 % free of its current size first)`,
        cause: 'the volume reached databaseMaxAllocatedStorageGiB, or grew faster than autoscaling (at most once every 6 hours)',
        check: 'aws rds describe-db-instances (AllocatedStorage against MaxAllocatedStorage); then raise databaseMaxAllocatedStorageGiB or find what grows',
      },
    });
    this.alarm(alarms, 'DatabaseFreeableMemory', {
      metric: freeableMemory,
      threshold: ALARM_SETTINGS.databaseFreeableMemoryBytes,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      meaning: {
        when: `the database's freeable memory stayed below ${ALARM_SETTINGS.databaseFreeableMemoryBytes / 1024 / 1024} MiB for 15 minutes`,
        cause: 'too many connections for the instance class (each costs memory: more tasks, more gunicorn workers, CONN_MAX_AGE), large sorts or hashes',
        check: 'the connections graph of the dashboard; then a larger databaseInstanceType or fewer connections (a pooler)',
      },
    });

    // The cache.
    let cacheMetrics: MonitoredMetrics['cache'];
    if (props.cache) {
      const dimensionsMap = { clusterId: props.cache.ref };
      const data = new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName: 'BytesUsedForCache',
        dimensionsMap,
        statistic: 'Maximum',
        period: FIVE_MINUTES,
        label: 'data stored',
      });
      const processingUnits = new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName: 'ElastiCacheProcessingUnits',
        dimensionsMap,
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label: 'ECPUs',
      });
      const capBytes = props.cacheMaxDataStorageGiB * GIB;
      const dataThreshold = Math.round(ALARM_SETTINGS.cacheDataShare * capBytes);
      this.alarm(alarms, 'CacheData', {
        metric: data,
        threshold: dataThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        meaning: {
          when: `the cache holds ${ALARM_SETTINGS.cacheDataShare * 100} % or more of its ${props.cacheMaxDataStorageGiB} GB cap (cacheMaxDataStorageGiB)`,
          cause: 'keys without a TTL piling up, a Celery queue no worker consumes; at the cap keys with a TTL are evicted, then writes fail',
          check: 'the largest keys and queue lengths (valkey-cli --bigkeys, LLEN on the Celery queues); then raise cacheMaxDataStorageGiB or add TTLs',
        },
      });
      this.alarm(alarms, 'CacheProcessingUnits', {
        metric: processingUnits,
        threshold: ALARM_SETTINGS.cacheProcessingUnitsPer5Minutes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        meaning: {
          when: 'the cache used 10,000 ECPUs a second or more for 15 minutes (about $60 a month if it lasted; an idle Celery worker uses a few)',
          cause: 'a loop hitting the cache, very large values (ECPUs grow with the bytes moved), a worker polling without a blocking timeout',
          check: 'the cache graphs of the dashboard and the commands your code sends (valkey-cli MONITOR for a few seconds)',
        },
      });
      cacheMetrics = { data, processingUnits, dataThreshold, capBytes };
    }

    // CloudFront publishes its metrics in us-east-1 only, and an alarm
    // watches metrics of its own region: the alarm exists in us-east-1 stacks.
    // The dashboard reads them from us-east-1 whatever the stack's region.
    const cloudFrontMetric = (metricName: string, statistic: string, label: string) => new cloudwatch.Metric({
      namespace: 'AWS/CloudFront',
      metricName,
      dimensionsMap: { DistributionId: props.distribution.distributionId, Region: 'Global' },
      region: CLOUDFRONT_METRICS_REGION,
      statistic,
      period: FIVE_MINUTES,
      label,
    });
    const cloudFront = {
      requests: cloudFrontMetric('Requests', 'Sum', 'requests'),
      errorRate: cloudFrontMetric('5xxErrorRate', 'Average', '5xx (%)'),
      clientErrorRate: cloudFrontMetric('4xxErrorRate', 'Average', '4xx (%)'),
      alarmed: false,
    };
    const region = stack.region;
    if (!Token.isUnresolved(region) && region === CLOUDFRONT_METRICS_REGION) {
      const cfFloor = ALARM_SETTINGS.cloudFrontRequestFloorPer5Minutes;
      this.alarm(alarms, 'CloudFrontErrorRate', {
        metric: new cloudwatch.MathExpression({
          expression: `IF(requests >= ${cfFloor}, rate, 0)`,
          usingMetrics: { requests: cloudFront.requests, rate: cloudFront.errorRate },
          period: FIVE_MINUTES,
          label: 'CloudFront 5xx (% of requests)',
        }),
        threshold: ALARM_SETTINGS.cloudFrontErrorRatePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        meaning: {
          when: `more than ${ALARM_SETTINGS.cloudFrontErrorRatePercent} % of the viewers' requests got a 5xx from CloudFront for 15 minutes (5-minute periods with fewer than ${cfFloor} requests count as fine)`,
          cause: 'the origin failing (see the load balancer alarms), CloudFront unable to reach the load balancer (502/504: its security group, origin protection, TLS)',
          check: 'whether TargetErrorRate or LoadBalancerErrors fire too; if not, the distribution\'s error responses in the CloudFront console',
        },
      });
      cloudFront.alarmed = true;
    } else {
      Annotations.of(this).addInfo(
        'No CloudFront 5xx-rate alarm: CloudFront publishes its metrics in us-east-1 only, and an alarm can only watch '
        + `metrics of its stack's region (${Token.isUnresolved(region) ? 'unknown in an environment-agnostic stack' : region}). `
        + 'The dashboard still graphs them; the load balancer alarms cover the origin.',
      );
    }

    if (props.scheduledCommandNames.length > 0) {
      this.scheduledCommandFailureRule = this.reportFailedScheduledCommands(props);
    }

    this.deploymentAlarms = [errorRateAlarm, latencyAlarm];
    if (props.enableDeploymentAlarms) {
      // The two alarms watch the target group, not the service, so the
      // service may depend on them without a cycle.
      props.service.enableDeploymentAlarms(this.deploymentAlarms.map((a) => a.alarmName), {
        behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      });
    }

    const web = this.serviceMetrics(props.service);
    this.dashboard = buildDashboard(this, 'Dashboard', {
      environmentName: props.environmentName,
      logGroup: props.logGroup,
      alarms: this.alarms,
      loadBalancer: { requests, targetErrors, loadBalancerErrors, errorRate, latencyP50, latencyP99, healthyTargets, unhealthyTargets },
      latencyThresholdSeconds: latencySeconds,
      services: [
        { name: 'web', ...web, runningTasks: props.containerInsights ? runningTaskCount(props.cluster, props.service) : undefined },
        ...workerMetrics,
      ],
      database: { cpu: databaseCpu, connections: databaseConnections, freeStorage, freeableMemory, freeStorageThreshold },
      cache: cacheMetrics,
      cloudFront,
      scheduledCommandFailures: this.scheduledCommandFailureRule && new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'MatchedEvents',
        dimensionsMap: { RuleName: this.scheduledCommandFailureRule.ruleName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label: 'failed runs',
      }),
    });
  }

  /** A new topic: encrypted with its own key (CloudWatch and EventBridge cannot use the AWS-managed SNS key), TLS only. */
  private newTopic(): sns.Topic {
    // The key encrypts notifications in transit through SNS only; nothing
    // stays encrypted under it, so it goes with the stack.
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the alarm notifications of ${this.environmentName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const topic = new sns.Topic(this, 'Topic', {
      displayName: `${this.environmentName} alarms`.slice(0, 100),
      masterKey: key,
      enforceSSL: true,
    });
    for (const [sid, service] of [['CloudWatchAlarms', 'cloudwatch.amazonaws.com'], ['EventBridgeRules', 'events.amazonaws.com']]) {
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: `PublishFrom${sid}`,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
    }
    return topic;
  }

  /** An alarm notifying the topic on ALARM and on OK, named by CloudFormation, described for the person it wakes. */
  private alarm(scope: Construct, id: string, spec: AlarmSpec): cloudwatch.Alarm {
    const { when, cause, check } = spec.meaning;
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      alarmDescription: `${this.environmentName}: fires when ${when}. Typical cause: ${cause}. First thing to check: ${check}.`.slice(0, 1024),
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private serviceMetrics(service: ecs.FargateService) {
    return {
      cpu: service.metricCpuUtilization({ statistic: 'Average', period: FIVE_MINUTES, label: 'CPU (average)' }),
      memory: service.metricMemoryUtilization({ statistic: 'Maximum', period: FIVE_MINUTES, label: 'memory (fullest task)' }),
    };
  }

  /** CPU and memory alarms of an ECS service: `<prefix>Cpu` and `<prefix>Memory`. */
  private serviceAlarms(scope: Construct, prefix: string, what: string, service: ecs.FargateService) {
    const metrics = this.serviceMetrics(service);
    this.alarm(scope, `${prefix}Cpu`, {
      metric: metrics.cpu,
      threshold: ALARM_SETTINGS.serviceCpuPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: `the tasks of ${what} averaged ${ALARM_SETTINGS.serviceCpuPercent} % CPU or more for 15 minutes`,
        cause: 'more load than maxCapacity tasks can take (autoscaling is at its maximum), a busy loop in a new version',
        check: 'the task count on the dashboard against maxCapacity; then raise maxCapacity or cpu',
      },
    });
    this.alarm(scope, `${prefix}Memory`, {
      metric: metrics.memory,
      threshold: ALARM_SETTINGS.serviceMemoryPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: {
        when: `a task of ${what} used ${ALARM_SETTINGS.serviceMemoryPercent} % of its memory or more for 15 minutes; at 100 % it is killed`,
        cause: 'a memory leak, too many gunicorn or Celery worker processes for memoryLimitMiB, large querysets loaded at once',
        check: 'the memory graph on the dashboard (a steady climb is a leak) and OutOfMemory in the stopped tasks\' reasons; then raise memoryLimitMiB or lower the concurrency',
      },
    });
    return metrics;
  }

  /**
   * An EventBridge rule that tells the topic when a scheduled command's task
   * (group `scheduled:<name>`) stopped with a non-zero exit code or failed
   * to start. Runs that could not even be requested land in the schedules'
   * dead-letter queue instead.
   */
  private reportFailedScheduledCommands(props: MonitoringProps): events.Rule {
    const rule = new events.Rule(this, 'ScheduledCommandFailures', {
      description: `A scheduled command of ${props.environmentName} exited non-zero or failed to start`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [props.cluster.clusterArn],
          group: events.Match.prefix(scheduledTaskGroup('')),
          lastStatus: ['STOPPED'],
          $or: [
            { containers: { exitCode: events.Match.anythingBut(0) } },
            { stopCode: ['TaskFailedToStart'] },
          ],
        },
      },
    });
    const field = (path: string) => events.EventField.fromPath(path);
    rule.addTarget(new targets.SnsTopic(this.topic, {
      message: events.RuleTargetInput.fromText(
        `${props.environmentName}: scheduled command ${field('$.detail.group')} failed. `
        + `Task ${field('$.detail.taskArn')} stopped: ${field('$.detail.stopCode')}, ${field('$.detail.stoppedReason')}; `
        + `exit code ${field('$.detail.containers[0].exitCode')}. `
        + `Its output: aws logs tail ${props.logGroup.logGroupName} --since 1d --log-stream-name-prefix ${scheduledStreamPrefix('<name>')}`,
      ),
    }));
    return rule;
  }
}

/** Container Insights' count of a service's running tasks. */
function runningTaskCount(cluster: ecs.ICluster, service: ecs.FargateService): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName: 'RunningTaskCount',
    dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: service.serviceName },
    statistic: 'Average',
    period: FIVE_MINUTES,
    label: 'running tasks',
  });
}

function formatGiB(bytes: number): string {
  return `${Math.round((bytes / GIB) * 10) / 10} GiB`;
}
