import { Duration, aws_scheduler as scheduler, aws_sns as sns } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { BACKGROUND_WORK_PROPS } from './configurations';
import { FIXED_ENV, idOf, onlyResource, referencedId, synthesize, synthesizeWith, type Synthesized } from './util';

const US_EAST_1 = { account: FIXED_ENV.account, region: 'us-east-1' };
const GIB = 1024 ** 3;

/** The alarms of an environment by their id under `Monitoring/Alarms/`, in the order of `alarms`. */
function alarmsOf(s: Synthesized): { [id: string]: { logicalId: string; properties: any } } {
  const resources = s.template.findResources('AWS::CloudWatch::Alarm');
  return Object.fromEntries(s.environment.alarms.map((alarm) => {
    const logicalId = idOf(s, alarm.alarmArn);
    return [alarm.node.path.split('/Monitoring/Alarms/')[1], { logicalId, properties: resources[logicalId].Properties }];
  }));
}

/** Dimension name -> the logical id (and attribute) its value points at; fails on a literal value. */
function dimensionsOf(dimensions: any[]): { [name: string]: string } {
  return Object.fromEntries(dimensions.map((d) => {
    if (d.Value?.Ref) return [d.Name, d.Value.Ref];
    if (d.Value?.['Fn::GetAtt']) return [d.Name, d.Value['Fn::GetAtt'].join('.')];
    throw new Error(`dimension ${d.Name} is not a Ref or GetAtt: ${JSON.stringify(d.Value)}`);
  }));
}

/** What a single-metric alarm watches and how it decides (a labelled metric is rendered as a one-entry `Metrics`). */
function watched(properties: any) {
  const single = properties.Metrics
    ? (() => {
      expect(properties.Metrics).toHaveLength(1);
      const { Metric, Stat, Period } = properties.Metrics[0].MetricStat;
      return { Namespace: Metric.Namespace, MetricName: Metric.MetricName, Statistic: Stat, Period, Dimensions: Metric.Dimensions };
    })()
    : properties;
  return {
    namespace: single.Namespace,
    metric: single.MetricName,
    statistic: single.Statistic ?? single.ExtendedStatistic,
    period: single.Period,
    dimensions: dimensionsOf(single.Dimensions),
    comparison: properties.ComparisonOperator,
    threshold: properties.Threshold,
    evaluationPeriods: properties.EvaluationPeriods,
    datapointsToAlarm: properties.DatapointsToAlarm,
    missingData: properties.TreatMissingData,
  };
}

/** The metrics of a math alarm by id, and its expression. */
function mathOf(properties: any) {
  const [expression, ...inputs] = properties.Metrics;
  return {
    expression: expression.Expression,
    returned: expression.ReturnData,
    inputs: Object.fromEntries(inputs.map((m: any) => [m.Id, {
      namespace: m.MetricStat.Metric.Namespace,
      metric: m.MetricStat.Metric.MetricName,
      statistic: m.MetricStat.Stat,
      period: m.MetricStat.Period,
      dimensions: dimensionsOf(m.MetricStat.Metric.Dimensions),
      returned: m.ReturnData,
    }])),
  };
}

describe('alarms of an environment with background work and the cache, in us-east-1', () => {
  let s: Synthesized;
  let alarms: ReturnType<typeof alarmsOf>;
  let ids: { [what: string]: string };
  beforeAll(() => {
    s = synthesize({ ...BACKGROUND_WORK_PROPS, alarmEmails: ['ops@example.com', 'oncall@example.com'] }, { env: US_EAST_1 });
    alarms = alarmsOf(s);
    const env = s.environment;
    ids = {
      loadBalancer: `${idOf(s, env.loadBalancer.loadBalancerArn)}.LoadBalancerFullName`,
      targetGroup: `${idOf(s, env.targetGroup.targetGroupArn)}.TargetGroupFullName`,
      cluster: idOf(s, env.cluster.clusterName),
      service: `${idOf(s, env.service.serviceArn)}.Name`,
      celery: `${idOf(s, env.workerServices[0].serviceArn)}.Name`,
      beat: `${idOf(s, env.workerServices[1].serviceArn)}.Name`,
      database: idOf(s, env.database.instanceIdentifier),
      cache: idOf(s, env.cache!.ref),
      distribution: idOf(s, env.distribution.distributionId),
      topic: idOf(s, env.alarmTopic.topicArn),
    };
  });

  test('are exposed as `alarms`, in a stable order: load balancer, web service, each worker, database, cache, CloudFront', () => {
    expect(Object.keys(alarms)).toEqual([
      'TargetErrorRate', 'LoadBalancerErrors', 'Latency', 'UnhealthyTargets', 'ServiceCpu', 'ServiceMemory',
      'Worker-celery/Cpu', 'Worker-celery/Memory', 'Worker-celery/RunningTasks',
      'Worker-beat/Cpu', 'Worker-beat/Memory', 'Worker-beat/RunningTasks',
      'DatabaseCpu', 'DatabaseFreeStorage', 'DatabaseFreeableMemory',
      'CacheData', 'CacheProcessingUnits',
      'CloudFrontErrorRate',
    ]);
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 18);
  });

  test('every alarm notifies the topic on ALARM and on OK, is named by CloudFormation and says when it fires, why, and what to check', () => {
    for (const [id, { properties }] of Object.entries(alarms)) {
      expect([id, properties.AlarmActions.map(referencedId), properties.OKActions.map(referencedId)]).toEqual([id, [ids.topic], [ids.topic]]);
      expect([id, properties.AlarmName, properties.InsufficientDataActions]).toEqual([id, undefined, undefined]);
      expect([id, properties.AlarmDescription]).toEqual([id, expect.stringMatching(
        /^team-task-production: fires when .+\. Typical cause: .+\. First thing to check: .+\.$/,
      )]);
    }
  });

  test('target 5xx rate: 5xx ÷ requests of this target group in %, 0 below 10 requests a minute, above 5 in 3 of 5 minutes', () => {
    const { properties } = alarms.TargetErrorRate;
    const perTarget = { LoadBalancer: ids.loadBalancer, TargetGroup: ids.targetGroup };
    expect(mathOf(properties)).toEqual({
      expression: 'IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)',
      returned: true,
      inputs: {
        requests: { namespace: 'AWS/ApplicationELB', metric: 'RequestCount', statistic: 'Sum', period: 60, dimensions: perTarget, returned: false },
        errors: { namespace: 'AWS/ApplicationELB', metric: 'HTTPCode_Target_5XX_Count', statistic: 'Sum', period: 60, dimensions: perTarget, returned: false },
      },
    });
    expect(properties).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold', Threshold: 5, EvaluationPeriods: 5, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching',
    });
  });

  test('latency: p99 target response time, 0 below 10 requests a minute, above 2 s in 3 of 5 minutes', () => {
    const { properties } = alarms.Latency;
    const perTarget = { LoadBalancer: ids.loadBalancer, TargetGroup: ids.targetGroup };
    expect(mathOf(properties)).toEqual({
      expression: 'IF(requests >= 10, latency, 0)',
      returned: true,
      inputs: {
        requests: { namespace: 'AWS/ApplicationELB', metric: 'RequestCount', statistic: 'Sum', period: 60, dimensions: perTarget, returned: false },
        latency: { namespace: 'AWS/ApplicationELB', metric: 'TargetResponseTime', statistic: 'p99', period: 60, dimensions: perTarget, returned: false },
      },
    });
    expect(properties).toMatchObject({
      ComparisonOperator: 'GreaterThanThreshold', Threshold: 2, EvaluationPeriods: 5, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching',
    });
  });

  test('CloudFront 5xx rate: this distribution\'s 5xxErrorRate, 0 below 50 requests in 5 minutes, above 5 % for 15 minutes', () => {
    const { properties } = alarms.CloudFrontErrorRate;
    const dimensions = { DistributionId: ids.distribution };
    const math = mathOf({
      ...properties,
      // Region=Global is a literal by design: CloudFront's only value.
      Metrics: properties.Metrics.map((m: any) => m.MetricStat
        ? { ...m, MetricStat: { ...m.MetricStat, Metric: { ...m.MetricStat.Metric, Dimensions: m.MetricStat.Metric.Dimensions.filter((d: any) => d.Name !== 'Region') } } }
        : m),
    });
    expect(math).toEqual({
      expression: 'IF(requests >= 50, rate, 0)',
      returned: true,
      inputs: {
        requests: { namespace: 'AWS/CloudFront', metric: 'Requests', statistic: 'Sum', period: 300, dimensions, returned: false },
        rate: { namespace: 'AWS/CloudFront', metric: '5xxErrorRate', statistic: 'Average', period: 300, dimensions, returned: false },
      },
    });
    for (const m of properties.Metrics.slice(1)) {
      expect(m.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Region', Value: 'Global' });
    }
    expect(properties).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 5, EvaluationPeriods: 3, TreatMissingData: 'notBreaching' });
  });

  test.each([
    ['LoadBalancerErrors', 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'Sum', 300, ['loadBalancer'], 'GreaterThanOrEqualToThreshold', 10, 1, 'notBreaching'],
    ['UnhealthyTargets', 'AWS/ApplicationELB', 'UnHealthyHostCount', 'Maximum', 60, ['loadBalancer', 'targetGroup'], 'GreaterThanOrEqualToThreshold', 1, 5, 'notBreaching'],
    ['ServiceCpu', 'AWS/ECS', 'CPUUtilization', 'Average', 300, ['cluster', 'service'], 'GreaterThanOrEqualToThreshold', 90, 3, 'notBreaching'],
    ['ServiceMemory', 'AWS/ECS', 'MemoryUtilization', 'Maximum', 300, ['cluster', 'service'], 'GreaterThanOrEqualToThreshold', 90, 3, 'notBreaching'],
    ['Worker-celery/Cpu', 'AWS/ECS', 'CPUUtilization', 'Average', 300, ['cluster', 'celery'], 'GreaterThanOrEqualToThreshold', 90, 3, 'notBreaching'],
    ['Worker-celery/Memory', 'AWS/ECS', 'MemoryUtilization', 'Maximum', 300, ['cluster', 'celery'], 'GreaterThanOrEqualToThreshold', 90, 3, 'notBreaching'],
    ['Worker-celery/RunningTasks', 'ECS/ContainerInsights', 'RunningTaskCount', 'Average', 300, ['cluster', 'celery'], 'LessThanThreshold', 1, 3, 'breaching'],
    ['Worker-beat/RunningTasks', 'ECS/ContainerInsights', 'RunningTaskCount', 'Average', 300, ['cluster', 'beat'], 'LessThanThreshold', 1, 3, 'breaching'],
    ['DatabaseCpu', 'AWS/RDS', 'CPUUtilization', 'Average', 300, ['database'], 'GreaterThanOrEqualToThreshold', 90, 3, 'notBreaching'],
    ['DatabaseFreeStorage', 'AWS/RDS', 'FreeStorageSpace', 'Minimum', 300, ['database'], 'LessThanThreshold', 2 * GIB, 3, 'missing'],
    ['DatabaseFreeableMemory', 'AWS/RDS', 'FreeableMemory', 'Minimum', 300, ['database'], 'LessThanThreshold', 128 * 1024 ** 2, 3, 'missing'],
    ['CacheData', 'AWS/ElastiCache', 'BytesUsedForCache', 'Maximum', 300, ['cache'], 'GreaterThanOrEqualToThreshold', Math.round(0.8 * GIB), 1, 'notBreaching'],
    ['CacheProcessingUnits', 'AWS/ElastiCache', 'ElastiCacheProcessingUnits', 'Sum', 300, ['cache'], 'GreaterThanOrEqualToThreshold', 3_000_000, 3, 'notBreaching'],
  ] as const)('%s: %s %s (%s over %i s) of this environment\'s resources',
    (id, namespace, metric, statistic, period, on, comparison, threshold, evaluationPeriods, missingData) => {
      const dimensionNames: { [what: string]: string } = {
        loadBalancer: 'LoadBalancer',
        targetGroup: 'TargetGroup',
        cluster: 'ClusterName',
        service: 'ServiceName',
        celery: 'ServiceName',
        beat: 'ServiceName',
        database: 'DBInstanceIdentifier',
        cache: 'clusterId',
      };
      expect(watched(alarms[id].properties)).toEqual({
        namespace,
        metric,
        statistic,
        period,
        comparison,
        threshold,
        evaluationPeriods,
        missingData,
        datapointsToAlarm: undefined,
        dimensions: Object.fromEntries(on.map((what) => [dimensionNames[what], ids[what]])),
      });
    });

  test('the web service rolls back when the 5xx-rate or the latency alarm fires during a deployment, besides its circuit breaker', () => {
    const service = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.service.serviceArn)];
    expect(service.Properties.DeploymentConfiguration).toEqual({
      Alarms: { AlarmNames: [{ Ref: alarms.TargetErrorRate.logicalId }, { Ref: alarms.Latency.logicalId }], Enable: true, Rollback: true },
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MaximumPercent: 200,
      MinimumHealthyPercent: 100,
    });
  });

  test('the workers have no deployment alarms: they take no traffic', () => {
    for (const worker of s.environment.workerServices) {
      const service = s.template.findResources('AWS::ECS::Service')[idOf(s, worker.serviceArn)];
      expect(service.Properties.DeploymentConfiguration.Alarms?.AlarmNames ?? []).toEqual([]);
    }
  });

  test('one topic, exposed as `alarmTopic`: its own rotating KMS key, TLS only, CloudWatch alarms of this account may publish', () => {
    const topic = onlyResource(s.template, 'AWS::SNS::Topic');
    expect(topic.id).toBe(ids.topic);
    const key = s.template.findResources('AWS::KMS::Key')[referencedId(topic.properties.KmsMasterKeyId)];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const keyStatements = key.Properties.KeyPolicy.Statement;
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(keyStatements).toContainEqual(expect.objectContaining({
        Effect: 'Allow', Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }));
    }
    const policy = onlyResource(s.template, 'AWS::SNS::TopicPolicy').properties;
    expect(policy.Topics.map(referencedId)).toEqual([ids.topic]);
    const statements = policy.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': FIXED_ENV.account } }),
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' }));
  });

  test('alarmEmails are subscribed to the topic', () => {
    const subscriptions = Object.values(s.template.findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subscriptions.map((p) => [p.Protocol, p.Endpoint, referencedId(p.TopicArn)])).toEqual([
      ['email', 'ops@example.com', ids.topic],
      ['email', 'oncall@example.com', ids.topic],
    ]);
  });

  test('a scheduled command\'s task that stops with a non-zero exit code or fails to start is reported to the topic', () => {
    const rule = onlyResource(s.template, 'AWS::Events::Rule');
    expect(idOf(s, s.environment.scheduledCommandFailureRule!.ruleArn)).toBe(rule.id);
    expect(rule.properties.EventPattern).toEqual({
      'source': ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      'detail': {
        clusterArn: [{ 'Fn::GetAtt': [ids.cluster, 'Arn'] }],
        group: [{ prefix: 'scheduled:' }],
        lastStatus: ['STOPPED'],
        $or: [
          { containers: { exitCode: [{ 'anything-but': [0] }] } },
          { stopCode: ['TaskFailedToStart'] },
        ],
      },
    });
    expect(rule.properties.Targets).toHaveLength(1);
    const [target] = rule.properties.Targets;
    expect(referencedId(target.Arn)).toBe(ids.topic);
    expect(target.InputTransformer.InputPathsMap).toMatchObject({
      'detail-group': '$.detail.group',
      'detail-stoppedReason': '$.detail.stoppedReason',
      'detail-containers-0--exitCode': '$.detail.containers[0].exitCode',
    });
    const template = JSON.stringify(target.InputTransformer.InputTemplate);
    expect(template).toContain('scheduled command <detail-group> failed');
    expect(template).toContain('exit code <detail-containers-0--exitCode>');
    expect(template).toContain(`{"Ref":"${idOf(s, s.environment.logGroup.logGroupName)}"}`);
  });
});

describe('alarm settings follow the props', () => {
  test('latencyAlarmThreshold, the database\'s allocated storage, the cache cap and each worker\'s minimum set the thresholds', () => {
    const s = synthesize({
      latencyAlarmThreshold: Duration.millis(500),
      databaseAllocatedStorageGiB: 50,
      databaseMaxAllocatedStorageGiB: 200,
      enableCache: true,
      cacheMaxDataStorageGiB: 10,
      workers: [
        { name: 'reports', command: ['python', 'manage.py', 'reports'], minCapacity: 2, maxCapacity: 4 },
        { name: 'paused', command: ['celery', 'worker'], minCapacity: 0, maxCapacity: 0 },
      ],
    });
    const alarms = alarmsOf(s);
    expect(alarms.Latency.properties.Threshold).toBe(0.5);
    expect(alarms.DatabaseFreeStorage.properties.Threshold).toBe(5 * GIB);
    expect(alarms.CacheData.properties.Threshold).toBe(Math.round(0.8 * 10 * GIB));
    expect(alarms['Worker-reports/RunningTasks'].properties.Threshold).toBe(2);
    // A worker stopped on purpose has no running-task alarm; its CPU and memory are still watched.
    expect(Object.keys(alarms).filter((id) => id.startsWith('Worker-paused/'))).toEqual(['Worker-paused/Cpu', 'Worker-paused/Memory']);
  });
});

describe('without Container Insights', () => {
  test('no running-task alarm: its metric comes from Container Insights', () => {
    const s = synthesize({
      containerInsights: false,
      workers: [{ name: 'celery', command: ['celery', 'worker'] }],
    });
    const alarms = alarmsOf(s);
    expect(Object.keys(alarms).filter((id) => id.startsWith('Worker-celery/'))).toEqual(['Worker-celery/Cpu', 'Worker-celery/Memory']);
    expect(JSON.stringify(s.template.toJSON())).not.toContain('ECS/ContainerInsights');
  });
});

describe('without deployment alarms', () => {
  test('enableDeploymentAlarms: false leaves the web service without alarm names; the alarms still exist', () => {
    const s = synthesize({ enableDeploymentAlarms: false });
    const service = s.template.findResources('AWS::ECS::Service')[idOf(s, s.environment.service.serviceArn)];
    const alarms = service.Properties.DeploymentConfiguration.Alarms;
    expect(alarms === undefined || (alarms.Enable === false && alarms.AlarmNames.length === 0)).toBe(true);
    expect(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(Object.keys(alarmsOf(s))).toEqual(expect.arrayContaining(['TargetErrorRate', 'Latency']));
  });
});

describe('the CloudFront alarm lives where CloudFront\'s metrics do', () => {
  test.each([
    ['a concrete region other than us-east-1', { env: FIXED_ENV }, 'eu-west-1'],
    ['an environment-agnostic stack', {}, 'unknown in an environment-agnostic stack'],
  ])('%s has none and says why in an info annotation (not a warning: the configuration stays strict)', (_name, stackProps, region) => {
    const s = synthesize({}, stackProps);
    const alarms = alarmsOf(s);
    expect(Object.keys(alarms)).not.toContain('CloudFrontErrorRate');
    expect(Object.keys(alarms)).toHaveLength(9);
    Annotations.fromStack(s.stack).hasInfo('/TestStack/Env/Monitoring', Match.stringLikeRegexp(
      `No CloudFront 5xx-rate alarm: CloudFront publishes its metrics in us-east-1 only.*\\(${region}\\)`,
    ));
  });
});

describe('with a topic of your own', () => {
  test('the alarms and the failure report notify it, alarmEmails are subscribed to it, and no topic or key is created', () => {
    const s = synthesizeWith((stack) => ({
      alarmTopic: new sns.Topic(stack, 'OpsTopic'),
      alarmEmails: ['ops@example.com'],
      scheduledCommands: [{ name: 'clearsessions', schedule: scheduler.ScheduleExpression.rate(Duration.days(1)), command: ['python', 'manage.py', 'clearsessions'] }],
    }));
    const topic = onlyResource(s.template, 'AWS::SNS::Topic');
    expect(topic.id).toMatch(/^OpsTopic/);
    expect(idOf(s, s.environment.alarmTopic.topicArn)).toBe(topic.id);
    s.template.resourceCountIs('AWS::KMS::Key', 0);
    for (const { properties } of Object.values(alarmsOf(s))) {
      expect([properties.AlarmActions, properties.OKActions]).toEqual([[{ Ref: topic.id }], [{ Ref: topic.id }]]);
    }
    expect(referencedId(onlyResource(s.template, 'AWS::Events::Rule').properties.Targets[0].Arn)).toBe(topic.id);
    const subscription = onlyResource(s.template, 'AWS::SNS::Subscription').properties;
    expect([subscription.Endpoint, referencedId(subscription.TopicArn)]).toEqual(['ops@example.com', topic.id]);
    // Its policy, created for the failure rule, keeps CloudWatch alarms of this account able to publish.
    const policy = onlyResource(s.template, 'AWS::SNS::TopicPolicy').properties;
    expect(policy.Topics).toEqual([{ Ref: topic.id }]);
    expect(policy.PolicyDocument.Statement.map((x: any) => x.Principal.Service).sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
  });
});

describe('the default configuration', () => {
  test('has 9 alarms, one topic without subscriptions, and no failure rule without scheduled commands', () => {
    const s = synthesize();
    s.template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
    s.template.resourceCountIs('AWS::SNS::Topic', 1);
    s.template.resourceCountIs('AWS::SNS::Subscription', 0);
    s.template.resourceCountIs('AWS::Events::Rule', 0);
    expect(s.environment.scheduledCommandFailureRule).toBeUndefined();
  });
});
