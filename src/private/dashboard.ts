import { Duration, aws_cloudwatch as cloudwatch, type aws_logs as logs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ALARM_SETTINGS } from './alarm-settings';

/** One ECS service's graphs: the web service or a worker. */
export interface ServiceMetrics {
  readonly name: string;
  readonly cpu: cloudwatch.IMetric;
  readonly memory: cloudwatch.IMetric;
  /** Without Container Insights, none. */
  readonly runningTasks?: cloudwatch.IMetric;
  /** A worker's minimum, drawn on the task count. */
  readonly minCapacity?: number;
}

/** The metric objects the alarms use, handed to the dashboard so a graph and its alarm never disagree. */
export interface MonitoredMetrics {
  readonly environmentName: string;
  readonly logGroup: logs.ILogGroup;
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly loadBalancer: {
    readonly requests: cloudwatch.IMetric;
    readonly targetErrors: cloudwatch.IMetric;
    readonly loadBalancerErrors: cloudwatch.IMetric;
    readonly errorRate: cloudwatch.IMetric;
    readonly latencyP50: cloudwatch.IMetric;
    readonly latencyP99: cloudwatch.IMetric;
    readonly healthyTargets: cloudwatch.IMetric;
    readonly unhealthyTargets: cloudwatch.IMetric;
  };
  readonly latencyThresholdSeconds: number;
  readonly services: readonly ServiceMetrics[];
  readonly database: {
    readonly cpu: cloudwatch.IMetric;
    readonly connections: cloudwatch.IMetric;
    readonly freeStorage: cloudwatch.IMetric;
    readonly freeableMemory: cloudwatch.IMetric;
    readonly freeStorageThreshold: number;
  };
  readonly cache?: {
    readonly data: cloudwatch.IMetric;
    readonly processingUnits: cloudwatch.IMetric;
    readonly dataThreshold: number;
    readonly capBytes: number;
  };
  readonly cloudFront: {
    readonly requests: cloudwatch.IMetric;
    readonly errorRate: cloudwatch.IMetric;
    readonly clientErrorRate: cloudwatch.IMetric;
    /** Whether the stack has the CloudFront alarm (us-east-1 only); its threshold is drawn either way. */
    readonly alarmed: boolean;
  };
  readonly scheduledCommandFailures?: cloudwatch.IMetric;
}

const HEIGHT = 6;
const percentAxis: cloudwatch.YAxisProps = { min: 0, max: 100, label: '%', showUnits: false };
const countAxis = (label: string): cloudwatch.YAxisProps => ({ min: 0, label, showUnits: false });
const line = (value: number, label: string): cloudwatch.HorizontalAnnotation => ({ value, label, color: cloudwatch.Color.RED });

/**
 * One dashboard, read top to bottom: the alarms' states, the traffic and its
 * errors, each service, the database, the cache, CloudFront. Every graph uses
 * the metric objects of the alarm it shows, with the alarm's threshold drawn.
 */
export function buildDashboard(scope: Construct, id: string, m: MonitoredMetrics): cloudwatch.Dashboard {
  const lb = m.loadBalancer;
  const graph = (props: cloudwatch.GraphWidgetProps) => new cloudwatch.GraphWidget({ height: HEIGHT, width: 6, ...props });

  const rows: cloudwatch.IWidget[][] = [];
  rows.push([
    new cloudwatch.TextWidget({
      width: 24,
      height: 2,
      markdown: `# ${m.environmentName}\n`
        + `Logs: \`aws logs tail ${m.logGroup.logGroupName} --follow --log-stream-name-prefix django\` `
        + '(or `worker-<name>`, `release`, `scheduled-<name>`). Every alarm notifies the alarm topic on ALARM and on OK.',
    }),
  ]);
  rows.push([new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...m.alarms], width: 24, height: 4 })]);

  rows.push([
    graph({
      title: 'Requests and 5xx (per minute)',
      left: [lb.requests],
      right: [lb.targetErrors, lb.loadBalancerErrors],
      leftYAxis: countAxis('requests'),
      rightYAxis: countAxis('5xx responses'),
    }),
    graph({
      title: 'Target 5xx (% of requests)',
      left: [lb.errorRate],
      leftYAxis: percentAxis,
      leftAnnotations: [line(ALARM_SETTINGS.errorRatePercent, `alarm: > ${ALARM_SETTINGS.errorRatePercent} %`)],
    }),
    graph({
      title: 'Response time (seconds)',
      left: [lb.latencyP50, lb.latencyP99],
      leftYAxis: countAxis('seconds'),
      leftAnnotations: [line(m.latencyThresholdSeconds, `alarm: p99 > ${m.latencyThresholdSeconds} s`)],
    }),
    graph({
      title: 'Targets (web tasks)',
      left: [lb.healthyTargets],
      right: [lb.unhealthyTargets],
      leftYAxis: countAxis('healthy'),
      rightYAxis: countAxis('unhealthy'),
      rightAnnotations: [line(1, 'alarm: ≥ 1 for 5 min')],
    }),
  ]);

  rows.push(m.services.map((s) => graph({
    title: s.name === 'web' ? 'Web service: CPU, memory (%), tasks' : `Worker ${s.name}: CPU, memory (%), tasks`,
    width: 8,
    left: [s.cpu, s.memory],
    right: s.runningTasks ? [s.runningTasks] : [],
    leftYAxis: percentAxis,
    rightYAxis: countAxis('tasks'),
    leftAnnotations: [line(ALARM_SETTINGS.serviceCpuPercent, `alarm: ≥ ${ALARM_SETTINGS.serviceCpuPercent} %`)],
    rightAnnotations: s.runningTasks && s.minCapacity ? [line(s.minCapacity, `alarm: < ${s.minCapacity} task(s)`)] : [],
  })));

  const db = m.database;
  rows.push([
    graph({
      title: 'Database: CPU (%), connections',
      width: 8,
      left: [db.cpu],
      right: [db.connections],
      leftYAxis: percentAxis,
      rightYAxis: countAxis('connections'),
      leftAnnotations: [line(ALARM_SETTINGS.databaseCpuPercent, `alarm: ≥ ${ALARM_SETTINGS.databaseCpuPercent} %`)],
    }),
    graph({
      title: 'Database: free storage (bytes)',
      width: 8,
      left: [db.freeStorage],
      leftYAxis: { min: 0, label: 'bytes' },
      leftAnnotations: [line(db.freeStorageThreshold, 'alarm: below')],
    }),
    graph({
      title: 'Database: freeable memory (bytes)',
      width: 8,
      left: [db.freeableMemory],
      leftYAxis: { min: 0, label: 'bytes' },
      leftAnnotations: [line(ALARM_SETTINGS.databaseFreeableMemoryBytes, 'alarm: below')],
    }),
  ]);

  const last: cloudwatch.IWidget[] = [];
  if (m.cache) {
    last.push(
      graph({
        title: 'Cache: data stored (bytes)',
        left: [m.cache.data],
        leftYAxis: { min: 0, label: 'bytes' },
        leftAnnotations: [line(m.cache.dataThreshold, 'alarm'), { value: m.cache.capBytes, label: 'cap', color: cloudwatch.Color.GREY }],
      }),
      graph({
        title: 'Cache: ECPUs (per 5 minutes)',
        left: [m.cache.processingUnits],
        leftYAxis: countAxis('ECPUs'),
        leftAnnotations: [line(ALARM_SETTINGS.cacheProcessingUnitsPer5Minutes, 'alarm')],
      }),
    );
  }
  const cf = m.cloudFront;
  last.push(graph({
    title: 'CloudFront: requests, error rates (%)',
    left: [cf.requests],
    right: [cf.errorRate, cf.clientErrorRate],
    leftYAxis: countAxis('requests per 5 min'),
    rightYAxis: percentAxis,
    rightAnnotations: cf.alarmed ? [line(ALARM_SETTINGS.cloudFrontErrorRatePercent, `alarm: 5xx > ${ALARM_SETTINGS.cloudFrontErrorRatePercent} %`)] : [],
  }));
  if (m.scheduledCommandFailures) {
    last.push(graph({
      title: 'Scheduled commands: failed runs',
      left: [m.scheduledCommandFailures],
      leftYAxis: countAxis('runs'),
    }));
  }
  rows.push(last);

  return new cloudwatch.Dashboard(scope, id, {
    defaultInterval: Duration.hours(3),
    widgets: rows,
  });
}
