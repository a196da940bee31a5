import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_CONFIGURATION, LEAN_CONFIGURATION, PRODUCTION_CONFIGURATION } from './configurations';
import { synthesizeWith } from './util';
import { main } from '../src/cost/cli';
import { estimateIdleMonthlyCost, type CfnTemplate, type CostEstimate } from '../src/cost/estimate';
import { formatEstimate } from '../src/cost/format';
import { LEFT_OUT, PRICES_DATE } from '../src/cost/prices';

/** Cents, as the command prints them. */
const cents = (usd: number) => Math.round(usd * 100) / 100;
const linesOf = (e: CostEstimate, id: string) => e.lines.filter((l) => l.logicalId === id).map((l) => [l.description, cents(l.monthlyUsd)]);

describe('estimateIdleMonthlyCost on fixed templates (expected totals computed by hand)', () => {
  test('a NAT gateway, its Elastic IP and a secret: 730 h x $0.045 + 730 h x $0.005 + $0.40 = $36.90', () => {
    const e = estimateIdleMonthlyCost({
      Resources: {
        Nat: { Type: 'AWS::EC2::NatGateway', Properties: { AllocationId: { 'Fn::GetAtt': ['Eip', 'AllocationId'] } } },
        Eip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
        Secret: { Type: 'AWS::SecretsManager::Secret' },
      },
    });
    expect(linesOf(e, 'Nat')).toEqual([['NAT gateway (its address is the EIP)', 32.85]]);
    expect(linesOf(e, 'Eip')).toEqual([['1 public IPv4 address (Elastic IP)', 3.65]]);
    expect(cents(e.totalMonthlyUsd)).toBe(36.9);
  });

  test('a service at its scalable target\'s minimum (3), ARM64, half on Spot: 3 x 730 x (0.5 x $0.03238 + 1 x $0.00356) x (1 - 0.5 x 0.7) = $28.11', () => {
    const e = estimateIdleMonthlyCost({
      Resources: {
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: { Ref: 'Task' },
            CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }, { CapacityProvider: 'FARGATE', Weight: 1 }],
          },
        },
        Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '512', Memory: '1024', RuntimePlatform: { CpuArchitecture: 'ARM64' } } },
        Target: {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Properties: { ServiceNamespace: 'ecs', MinCapacity: 3, MaxCapacity: 6, ResourceId: { 'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Service', 'Name'] }]] } },
        },
      },
    });
    expect(e.lines).toHaveLength(1);
    expect(e.lines[0].description).toBe('Fargate, 3 tasks x 0.5 vCPU / 1 GB, ARM64, 50 % Spot ($9.37 a task)');
    expect(cents(e.totalMonthlyUsd)).toBe(28.11);
    expect(e.freeAtRest).toEqual({ 'AWS::ECS::TaskDefinition': 1, 'AWS::ApplicationAutoScaling::ScalableTarget': 1 });
  });

  test('services without a scalable target: the desired count, else one task; x86_64 on-demand 730 x (0.25 x $0.04048 + 0.5 x $0.004445) = $9.01', () => {
    const task = { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512' } };
    const e = estimateIdleMonthlyCost({
      Resources: {
        Task: task,
        Stopped: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' }, DesiredCount: 0, LaunchType: 'FARGATE' } },
        Started: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' } } },
      },
    });
    expect(linesOf(e, 'Stopped')).toEqual([['Fargate, 0 tasks x 0.25 vCPU / 0.5 GB, x86_64, on-demand', 0]]);
    expect(linesOf(e, 'Started')).toEqual([['Fargate, 1 task x 0.25 vCPU / 0.5 GB, x86_64, on-demand ($9.01 a task)', 9.01]]);
  });

  test('a Multi-AZ db.t4g.small with 50 GB gp3: 2 x 730 x $0.032 + 2 x 50 x $0.115 = $58.22', () => {
    const e = estimateIdleMonthlyCost({
      Resources: {
        Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.t4g.small', MultiAZ: true, AllocatedStorage: '50', StorageType: 'gp3' } },
      },
    });
    expect(linesOf(e, 'Db')).toEqual([['RDS PostgreSQL db.t4g.small, Multi-AZ', 46.72], ['RDS gp3 storage, 50 GB allocated, Multi-AZ', 11.5]]);
    expect(cents(e.totalMonthlyUsd)).toBe(58.22);
  });

  test('a t4g.nano NAT instance with a 10 GB gp3 root, detailed monitoring and a public address: $3.07 + $0.80 + $2.10 + $3.65 = $9.62', () => {
    const e = estimateIdleMonthlyCost({
      Resources: {
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { MapPublicIpOnLaunch: true } },
        Nat: {
          Type: 'AWS::EC2::Instance',
          Properties: {
            InstanceType: 't4g.nano',
            SubnetId: { Ref: 'Subnet' },
            Monitoring: true,
            BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 10, VolumeType: 'gp3', Encrypted: true } }],
          },
        },
      },
    });
    expect(linesOf(e, 'Nat')).toEqual([
      ['1 public IPv4 address (the instance\'s public address)', 3.65],
      ['EC2 t4g.nano, on-demand Linux', 3.07],
      ['detailed monitoring', 2.1],
      ['EBS gp3 volume, 10 GB', 0.8],
    ]);
    expect(cents(e.totalMonthlyUsd)).toBe(9.62);
  });

  test('an internal ALB has no public addresses; the rest of the price list; other types are unpriced, not guessed', () => {
    const e = estimateIdleMonthlyCost({
      Resources: {
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal', Subnets: ['a', 'b', 'c'] } },
        Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] } },
        Quiet: { Type: 'AWS::ECS::Cluster', Properties: { ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }] } },
        Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Id: 'a', MetricStat: {} }, { Id: 'b', MetricStat: {} }, { Id: 'r', Expression: 'a/b' }] } },
        Simple: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'CPUUtilization' } },
        Dashboard: { Type: 'AWS::CloudWatch::Dashboard' },
        Key: { Type: 'AWS::KMS::Key' },
        Cache: { Type: 'AWS::ElastiCache::ServerlessCache', Properties: { Engine: 'valkey' } },
        Table: { Type: 'AWS::DynamoDB::Table' },
        Big: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.r7g.16xlarge' } },
      },
    });
    // 22.265 + 3 + 0.20 + 0.10 + 3 + 1 + 730 x 0.1 GB x $0.084 (6.132)
    expect(cents(e.totalMonthlyUsd)).toBe(35.7);
    expect(linesOf(e, 'Alb')).toEqual([['Application Load Balancer, 1 LCU', 22.27]]);
    expect(linesOf(e, 'Alarm')).toEqual([['alarm, 2 metrics, standard resolution', 0.2]]);
    expect(linesOf(e, 'Cache')).toEqual([['ElastiCache Serverless Valkey, 100 MB minimum stored', 6.13]]);
    expect(e.freeAtRest).toEqual({ 'AWS::ECS::Cluster': 1 });
    expect(e.unpriced.map((u) => u.logicalId)).toEqual(['Table', 'Big']);
  });

  test('the printout names the prices\' date, the unpriced resources and what is left out', () => {
    const text = formatEstimate(estimateIdleMonthlyCost({ Resources: { Secret: { Type: 'AWS::SecretsManager::Secret' }, Table: { Type: 'AWS::DynamoDB::Table' } } }), 'x.json');
    expect(text).toContain(`us-east-1 list prices of ${PRICES_DATE}`);
    expect(text).toMatch(/\$0\.40 {2}total a month/);
    expect(text).toContain('Unpriced, not in the total: 1\n  Table (AWS::DynamoDB::Table): no price in the table');
    for (const item of LEFT_OUT) expect(text).toContain(item);
  });
});

describe('the cost command', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));
  const file = path.join(dir, 'Stack.template.json');
  fs.writeFileSync(file, JSON.stringify({ Resources: { Secret: { Type: 'AWS::SecretsManager::Secret' } } }));
  const run = (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(args, (t) => out.push(t), (t) => err.push(t));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('prints the estimate of a template file', () => {
    const { code, out } = run('cost', file);
    expect(code).toBe(0);
    expect(out).toContain(`Idle monthly cost of ${file}`);
    expect(out).toMatch(/\$0\.40 {2}total a month/);
  });
  test('--json prints the estimate as data', () => {
    const { code, out } = run('cost', '--json', file);
    expect(code).toBe(0);
    expect(JSON.parse(out)[file].totalMonthlyUsd).toBeCloseTo(0.4);
  });
  test('fails with usage on a wrong command and with a message on a missing file', () => {
    expect(run('price', file)).toMatchObject({ code: 2, err: expect.stringContaining('usage: cdk-django-fargate cost') });
    expect(run('cost')).toMatchObject({ code: 2 });
    expect(run('cost', path.join(dir, 'missing.json'))).toMatchObject({ code: 1, err: expect.stringContaining('cannot read') });
  });
});

describe('the profiles, synthesized', () => {
  const estimateOf = (c: typeof DEFAULT_CONFIGURATION) =>
    estimateIdleMonthlyCost(synthesizeWith(c.props, c.stackProps).template.toJSON() as CfnTemplate);
  let defaults: CostEstimate;
  let lean: CostEstimate;
  let production: CostEstimate;
  beforeAll(() => {
    defaults = estimateOf(DEFAULT_CONFIGURATION);
    lean = estimateOf(LEAN_CONFIGURATION);
    production = estimateOf(PRODUCTION_CONFIGURATION);
  });

  test('the default environment costs $106.57 a month at rest, every resource priced or known free', () => {
    // NAT 32.85 + its IP 3.65, ALB 22.265 + 2 IPs 7.30, 2 x86 tasks 18.02,
    // db.t4g.micro 11.68 + 20 GB 2.30, Container Insights 3.00, origin secret 0.40,
    // monitoring: 9 alarms on 11 metrics 1.10, dashboard 3.00, the topic's KMS key 1.00
    expect(cents(defaults.totalMonthlyUsd)).toBe(106.57);
    expect(defaults.unpriced).toEqual([]);
  });

  test('the lean profile costs $58.56, at most 55 % of the default', () => {
    // NAT instance 3.066 + 8 GB root 0.64 + its IP 3.65, ALB 29.565,
    // 1 ARM64 Spot task 2.16, database 13.98, secret 0.40, monitoring 5.10
    expect(cents(lean.totalMonthlyUsd)).toBe(58.56);
    expect(lean.unpriced).toEqual([]);
    expect(lean.totalMonthlyUsd / defaults.totalMonthlyUsd).toBeLessThanOrEqual(0.55);
    expect(lean.lines.map((l) => l.type)).not.toContain('AWS::EC2::NatGateway');
  });

  test('the production profile (Multi-AZ, a NAT gateway per zone, 2 on-demand tasks) costs $157.05', () => {
    // 2 x (32.85 + 3.65), ALB 29.565, tasks 18.02, db 2 x 11.68 + 2 x 2.30, CI 3.00, secret 0.40, monitoring 5.10
    expect(cents(production.totalMonthlyUsd)).toBe(157.05);
    expect(production.unpriced).toEqual([]);
  });
});
