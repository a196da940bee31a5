import { BACKGROUND_WORK_PROPS } from './configurations';
import { FIXED_ENV, idOf, onlyResource, synthesize, type Synthesized } from './util';

/** A CloudFormation string as text, `${id}` for each Ref and `${id.attribute}` for each GetAtt. */
function render(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  if (value?.['Fn::GetAtt']) return `\${${value['Fn::GetAtt'].join('.')}}`;
  if (value?.Ref) return `\${${value.Ref}}`;
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

/** The dashboard's body, parsed, with references rendered as `${...}`. */
function dashboardBody(s: Synthesized): { widgets: any[] } {
  return JSON.parse(render(onlyResource(s.template, 'AWS::CloudWatch::Dashboard').properties.DashboardBody));
}

/** A metric line of a graph widget as CloudWatch writes it: namespace, name, dimension pairs, then options. */
function metricKey(namespace: string, name: string, dimensions: { [name: string]: string }, stat: string, period: number): string {
  return JSON.stringify([namespace, name, ...Object.entries(dimensions).flat(), stat, period]);
}

/** A graph's metric lines as `metricKey`s; a line leaves out the statistic when Average and the period when the graph's (300 s). */
function linesOf(widget: any): string[] {
  return (widget.properties.metrics ?? [])
    .filter((m: any[]) => typeof m[0] === 'string')
    .map((m: any[]) => {
      const options = m[m.length - 1];
      return JSON.stringify([...m.slice(0, -1), options.stat ?? 'Average', options.period ?? widget.properties.period ?? 300]);
    });
}

describe('the dashboard of an environment with background work and the cache, in eu-west-1', () => {
  let s: Synthesized;
  let widgets: any[];
  let byTitle: { [title: string]: any };
  beforeAll(() => {
    s = synthesize({ ...BACKGROUND_WORK_PROPS, enableExecuteCommand: true }, { env: FIXED_ENV });
    widgets = dashboardBody(s).widgets;
    byTitle = Object.fromEntries(widgets.filter((w) => w.properties.title).map((w) => [w.properties.title, w]));
  });

  test('is exposed as `dashboard` and named by CloudFormation', () => {
    const dashboard = onlyResource(s.template, 'AWS::CloudWatch::Dashboard');
    expect(idOf(s, s.environment.dashboard.dashboardName)).toBe(dashboard.id);
    expect(dashboard.properties.DashboardName).toBeUndefined();
  });

  test('has its graphs, titled, in reading order', () => {
    expect(Object.keys(byTitle)).toEqual([
      'Alarms',
      'Requests and 5xx (per minute)', 'Target 5xx (% of requests)', 'Response time (seconds)', 'Targets (web tasks)',
      'Web service: CPU, memory (%), tasks', 'Worker celery: CPU, memory (%), tasks', 'Worker beat: CPU, memory (%), tasks',
      'Database: CPU (%), connections', 'Database: free storage (bytes)', 'Database: freeable memory (bytes)',
      'Cache: data stored (bytes)', 'Cache: ECPUs (per 5 minutes)',
      'CloudFront: requests, error rates (%)',
      'Scheduled commands: failed runs',
    ]);
  });

  test('shows the state of every alarm', () => {
    const arns = s.environment.alarms.map((a) => `\${${idOf(s, a.alarmArn)}.Arn}`);
    expect(arns).toHaveLength(17);
    expect(byTitle.Alarms.properties.alarms).toEqual(arns);
  });

  test('graphs each single-metric alarm\'s own metric (same namespace, dimensions, statistic and period)', () => {
    const graphed = new Set(widgets.flatMap(linesOf));
    const alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const single = alarms.filter((a) => a.Metrics?.length === 1 || a.MetricName);
    expect(single).toHaveLength(15);
    for (const a of single) {
      const stat = a.Metrics ? a.Metrics[0].MetricStat : { Metric: a, Stat: a.Statistic ?? a.ExtendedStatistic, Period: a.Period };
      const dimensions = Object.fromEntries(stat.Metric.Dimensions.map((d: any) => [d.Name, render(d.Value)]));
      expect(graphed).toContain(metricKey(stat.Metric.Namespace, stat.Metric.MetricName, dimensions, stat.Stat, stat.Period));
    }
  });

  test('graphs the 5xx-rate alarm\'s expression and draws every threshold as a horizontal annotation', () => {
    const rate = byTitle['Target 5xx (% of requests)'].properties;
    expect(rate.metrics).toContainEqual([expect.objectContaining({ expression: 'IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)' })]);
    expect(rate.annotations.horizontal).toEqual([expect.objectContaining({ value: 5 })]);
    expect(byTitle['Response time (seconds)'].properties.annotations.horizontal).toEqual([expect.objectContaining({ value: 2 })]);
    expect(byTitle['Targets (web tasks)'].properties.annotations.horizontal).toEqual([expect.objectContaining({ value: 1, yAxis: 'right' })]);
    expect(byTitle['Database: free storage (bytes)'].properties.annotations.horizontal).toEqual([expect.objectContaining({ value: 2 * 1024 ** 3 })]);
    expect(byTitle['Worker beat: CPU, memory (%), tasks'].properties.annotations.horizontal).toEqual([
      expect.objectContaining({ value: 90 }),
      expect.objectContaining({ value: 1, yAxis: 'right' }),
    ]);
  });

  test('labels its axes and puts counts and percentages on separate sides', () => {
    const requests = byTitle['Requests and 5xx (per minute)'].properties;
    expect(requests.yAxis).toEqual({
      left: { min: 0, label: 'requests', showUnits: false },
      right: { min: 0, label: '5xx responses', showUnits: false },
    });
    expect(requests.metrics.map((m: any[]) => m[m.length - 1].yAxis)).toEqual([undefined, 'right', 'right']);
    expect(byTitle['Web service: CPU, memory (%), tasks'].properties.yAxis.left).toEqual({ min: 0, max: 100, label: '%', showUnits: false });
  });

  test('reads CloudFront\'s metrics from us-east-1 whatever the stack\'s region; no alarm threshold is drawn where there is no alarm', () => {
    const cloudFront = byTitle['CloudFront: requests, error rates (%)'].properties;
    const distribution = `\${${idOf(s, s.environment.distribution.distributionId)}}`;
    expect(cloudFront.metrics.map((m: any[]) => [m[0], m[1], m[3], m[5], m[6].region])).toEqual([
      ['AWS/CloudFront', 'Requests', distribution, 'Global', 'us-east-1'],
      ['AWS/CloudFront', '5xxErrorRate', distribution, 'Global', 'us-east-1'],
      ['AWS/CloudFront', '4xxErrorRate', distribution, 'Global', 'us-east-1'],
    ]);
    expect(cloudFront.annotations).toBeUndefined();
    expect(byTitle['Requests and 5xx (per minute)'].properties.region).toBe('${AWS::Region}');
  });

  test('graphs the failed scheduled-command runs the failure rule matched', () => {
    const failures = byTitle['Scheduled commands: failed runs'].properties;
    const rule = idOf(s, s.environment.scheduledCommandFailureRule!.ruleArn);
    expect(failures.metrics).toEqual([['AWS/Events', 'MatchedEvents', 'RuleName', `\${${rule}}`, expect.objectContaining({ stat: 'Sum' })]]);
  });

  test('opens with the command that tails the logs', () => {
    expect(widgets[0].properties.markdown).toContain(`aws logs tail \${${idOf(s, s.environment.logGroup.logGroupName)}} --follow --log-stream-name-prefix django`);
  });
});

describe('the outputs', () => {
  test('give the log group\'s name and the dashboard\'s console link in the stack\'s region', () => {
    const s = synthesize();
    const outputs = s.template.toJSON().Outputs;
    const byId = (prefix: string) => Object.entries(outputs).find(([id]) => id.startsWith(prefix))![1] as any;
    expect(byId('EnvLogGroupName').Value).toEqual({ Ref: idOf(s, s.environment.logGroup.logGroupName) });
    expect(render(byId('EnvDashboardUrl').Value)).toBe(
      `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=\${${idOf(s, s.environment.dashboard.dashboardName)}}`,
    );
  });

  test('in a stack with a concrete region, the link names it', () => {
    const s = synthesize({}, { env: FIXED_ENV });
    const url = Object.entries(s.template.toJSON().Outputs).find(([id]) => id.startsWith('EnvDashboardUrl'))![1] as any;
    expect(render(url.Value)).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#dashboards:name=\$\{EnvMonitoringDashboard/);
  });
});
