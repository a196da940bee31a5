import {
  DEFAULT_ROOT_VOLUME_GB,
  EC2_INSTANCE_HOUR,
  HOURS_PER_MONTH,
  PRICES,
  RDS_POSTGRES_INSTANCE_HOUR,
} from './prices';

/** The parts of a synthesized CloudFormation template the estimate reads. */
export interface CfnTemplate {
  readonly Resources?: { readonly [logicalId: string]: CfnResourceJson };
}
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: { readonly [name: string]: unknown };
}

/** One priced item: a resource, or a part of one (its public address, its storage). */
export interface CostLine {
  readonly logicalId: string;
  readonly type: string;
  /** What is priced and how, e.g. `2 tasks x 0.25 vCPU / 0.5 GB, x86_64, on-demand`. */
  readonly description: string;
  readonly monthlyUsd: number;
}

/** The idle monthly cost of a template, at list prices. */
export interface CostEstimate {
  readonly lines: CostLine[];
  readonly totalMonthlyUsd: number;
  /** Resources with no charge while idle (billed by use only, or free), by type. */
  readonly freeAtRest: { [type: string]: number };
  /** Resources the estimate has no price for, with the reason; not in the total. */
  readonly unpriced: { readonly logicalId: string; readonly type: string; readonly reason: string }[];
}

/**
 * Resource types without a charge while nothing uses them: free, or billed
 * only by requests, data or storage that an idle estimate leaves out.
 */
const FREE_AT_REST = new Set([
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::CDK::Metadata',
  'AWS::CertificateManager::Certificate',
  'AWS::CloudFormation::CustomResource',
  'AWS::CloudFront::CachePolicy',
  'AWS::CloudFront::Distribution',
  'AWS::CloudFront::OriginAccessControl',
  'AWS::CloudFront::OriginRequestPolicy',
  'AWS::CloudFront::ResponseHeadersPolicy',
  'AWS::EC2::FlowLog',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::Route',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::ECR::Repository',
  'AWS::ECS::ClusterCapacityProviderAssociations',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::Events::Rule',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::KMS::Alias',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::RDS::DBParameterGroup',
  'AWS::RDS::DBSubnetGroup',
  'AWS::Route53::RecordSet',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::SSM::Parameter',
  'AWS::Scheduler::Schedule',
  'AWS::Scheduler::ScheduleGroup',
  'AWS::StepFunctions::StateMachine',
]);

const perHour = (usdPerHour: number) => usdPerHour * HOURS_PER_MONTH;

/**
 * The idle monthly cost of a synthesized template at us-east-1 list prices:
 * 730 hours, every service at its minimum task count, no traffic. Pure: it
 * reads only the template.
 */
export function estimateIdleMonthlyCost(template: CfnTemplate): CostEstimate {
  const resources = template.Resources ?? {};
  const lines: CostLine[] = [];
  const freeAtRest: { [type: string]: number } = {};
  const unpriced: { logicalId: string; type: string; reason: string }[] = [];
  const line = (logicalId: string, type: string, description: string, monthlyUsd: number) =>
    lines.push({ logicalId, type, description, monthlyUsd });
  const unknown = (logicalId: string, type: string, reason: string) => unpriced.push({ logicalId, type, reason });
  const ipv4 = (logicalId: string, type: string, addresses: number, what: string) => {
    if (addresses > 0) {
      line(logicalId, type, `${addresses} public IPv4 address${addresses > 1 ? 'es' : ''} (${what})`, addresses * perHour(PRICES.publicIpv4Hour.usd));
    }
  };

  for (const [id, resource] of Object.entries(resources)) {
    const type = resource.Type;
    const p = resource.Properties ?? {};
    switch (type) {
      case 'AWS::EC2::NatGateway':
        if (p.ConnectivityType === 'private') {
          line(id, type, 'private NAT gateway', perHour(PRICES.natGatewayHour.usd));
        } else {
          line(id, type, 'NAT gateway (its address is the EIP)', perHour(PRICES.natGatewayHour.usd));
        }
        break;
      case 'AWS::EC2::EIP':
        ipv4(id, type, 1, 'Elastic IP');
        break;
      case 'AWS::EC2::Instance':
        priceInstance(id, p, resources, line, unknown, ipv4);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const lbType = p.Type ?? 'application';
        if (lbType !== 'application') {
          unknown(id, type, `a ${String(lbType)} load balancer`);
          break;
        }
        line(id, type, 'Application Load Balancer, 1 LCU', perHour(PRICES.albHour.usd + PRICES.albLcuHour.usd));
        if (p.Scheme !== 'internal') {
          const zones = arrayLength(p.Subnets) || arrayLength(p.SubnetMappings);
          ipv4(id, type, zones, 'one per Availability Zone of the load balancer');
        }
        break;
      }
      case 'AWS::ECS::Service':
        priceService(id, p, resources, line, unknown);
        break;
      case 'AWS::ECS::Cluster': {
        const insights = clusterSetting(p, 'containerInsights');
        if (insights === 'enabled') {
          line(id, type, 'Container Insights (estimate)', PRICES.containerInsightsClusterMonth.usd);
        } else if (insights === 'enhanced') {
          unknown(id, type, 'Container Insights with enhanced observability is billed per observation');
        } else {
          count(freeAtRest, type);
        }
        break;
      }
      case 'AWS::RDS::DBInstance':
        priceDatabase(id, p, line, unknown);
        break;
      case 'AWS::ElastiCache::ServerlessCache': {
        const engine = String(p.Engine ?? '').toLowerCase();
        if (engine === 'valkey') {
          line(id, type, 'ElastiCache Serverless Valkey, 100 MB minimum stored', perHour(0.1 * PRICES.valkeyServerlessGbHour.usd));
        } else if (engine === 'redis') {
          line(id, type, 'ElastiCache Serverless Redis OSS, 1 GB minimum stored', perHour(PRICES.redisServerlessGbHour.usd));
        } else {
          unknown(id, type, `engine ${JSON.stringify(p.Engine)}`);
        }
        break;
      }
      case 'AWS::SecretsManager::Secret':
        line(id, type, 'secret', PRICES.secretMonth.usd);
        break;
      case 'AWS::CloudWatch::Alarm': {
        const metrics = Array.isArray(p.Metrics) ? p.Metrics.filter((m) => isObject(m) && m.MetricStat !== undefined).length : 1;
        line(id, type, `alarm, ${metrics} metric${metrics > 1 ? 's' : ''}, standard resolution`, Math.max(metrics, 1) * PRICES.alarmMetricMonth.usd);
        break;
      }
      case 'AWS::CloudWatch::CompositeAlarm':
        line(id, type, 'composite alarm', PRICES.compositeAlarmMonth.usd);
        break;
      case 'AWS::CloudWatch::Dashboard':
        line(id, type, 'dashboard', PRICES.dashboardMonth.usd);
        break;
      case 'AWS::KMS::Key':
        line(id, type, 'customer managed key', PRICES.kmsKeyMonth.usd);
        break;
      case 'AWS::Route53::HostedZone':
        line(id, type, 'hosted zone', PRICES.hostedZoneMonth.usd);
        break;
      default:
        if (FREE_AT_REST.has(type) || type.startsWith('Custom::')) {
          count(freeAtRest, type);
        } else {
          unknown(id, type, 'no price in the table');
        }
    }
  }

  lines.sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.logicalId.localeCompare(b.logicalId));
  const totalMonthlyUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  return { lines, totalMonthlyUsd, freeAtRest, unpriced };
}

type LineFn = (logicalId: string, type: string, description: string, monthlyUsd: number) => void;
type UnknownFn = (logicalId: string, type: string, reason: string) => void;

function count(counts: { [type: string]: number }, type: string) {
  counts[type] = (counts[type] ?? 0) + 1;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at. */
function referenced(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Whether `value` (any JSON) refers to `logicalId` anywhere inside. */
function refersTo(value: unknown, logicalId: string): boolean {
  if (referenced(value) === logicalId) return true;
  if (Array.isArray(value)) return value.some((v) => refersTo(v, logicalId));
  if (isObject(value)) return Object.values(value).some((v) => refersTo(v, logicalId));
  return false;
}

function clusterSetting(p: { readonly [name: string]: unknown }, name: string): string | undefined {
  const settings = Array.isArray(p.ClusterSettings) ? p.ClusterSettings : [];
  const found = settings.find((s) => isObject(s) && s.Name === name);
  return isObject(found) ? String(found.Value) : undefined;
}

function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

function priceInstance(
  id: string,
  p: { readonly [name: string]: unknown },
  resources: { readonly [logicalId: string]: CfnResourceJson },
  line: LineFn,
  unknown: UnknownFn,
  ipv4: (logicalId: string, type: string, count: number, what: string) => void,
) {
  const type = 'AWS::EC2::Instance';
  const instanceType = String(p.InstanceType ?? 'm1.small');
  const hourly = EC2_INSTANCE_HOUR[instanceType];
  if (hourly === undefined) {
    unknown(id, type, `instance type ${instanceType}`);
    return;
  }
  line(id, type, `EC2 ${instanceType}, on-demand Linux`, perHour(hourly));

  const mappings = Array.isArray(p.BlockDeviceMappings) ? p.BlockDeviceMappings : [];
  const volumes = mappings.filter(isObject).map((m) => (isObject(m.Ebs) ? m.Ebs : undefined)).filter((e) => e !== undefined);
  if (volumes.length === 0) volumes.push({});
  volumes.forEach((ebs, i) => {
    const size = typeof ebs.VolumeSize === 'number' ? ebs.VolumeSize : DEFAULT_ROOT_VOLUME_GB;
    const volumeType = String(ebs.VolumeType ?? 'gp3');
    const price = volumeType === 'gp3' ? PRICES.ebsGp3GbMonth.usd : volumeType === 'gp2' ? PRICES.ebsGp2GbMonth.usd : undefined;
    if (price === undefined) {
      unknown(id, type, `EBS volume ${i + 1} of type ${volumeType}`);
    } else {
      const assumed = typeof ebs.VolumeSize === 'number' ? '' : ', the image\'s size assumed';
      line(id, type, `EBS ${volumeType} volume, ${size} GB${assumed}`, size * price);
    }
  });
  if (p.Monitoring === true) {
    line(id, type, 'detailed monitoring', PRICES.ec2DetailedMonitoringMonth.usd);
  }

  const interfaces = Array.isArray(p.NetworkInterfaces) ? p.NetworkInterfaces.filter(isObject) : [];
  const subnetId = referenced(p.SubnetId);
  const subnet = subnetId ? resources[subnetId] : undefined;
  const publicIp = interfaces.some((n) => n.AssociatePublicIpAddress === true)
    || (interfaces.length === 0 && subnet?.Properties?.MapPublicIpOnLaunch === true);
  if (publicIp) ipv4(id, type, 1, 'the instance\'s public address');
}

function priceService(
  id: string,
  p: { readonly [name: string]: unknown },
  resources: { readonly [logicalId: string]: CfnResourceJson },
  line: LineFn,
  unknown: UnknownFn,
) {
  const type = 'AWS::ECS::Service';
  // The minimum the scalable target enforces; else the desired count;
  // CloudFormation starts a service without either with one task.
  const target = Object.values(resources).find((r) =>
    r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'
    && r.Properties?.ServiceNamespace === 'ecs'
    && refersTo(r.Properties?.ResourceId, id));
  const minCapacity = target?.Properties?.MinCapacity;
  const tasks = typeof minCapacity === 'number' ? minCapacity : typeof p.DesiredCount === 'number' ? p.DesiredCount : 1;

  const strategy = Array.isArray(p.CapacityProviderStrategy) ? p.CapacityProviderStrategy.filter(isObject) : [];
  let spotShare = 0;
  if (strategy.length > 0) {
    const weights = strategy.map((s) => ({ provider: s.CapacityProvider, weight: typeof s.Weight === 'number' ? s.Weight : 0 }));
    if (weights.some((w) => w.provider !== 'FARGATE' && w.provider !== 'FARGATE_SPOT')) {
      unknown(id, type, 'capacity providers other than FARGATE and FARGATE_SPOT');
      return;
    }
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    spotShare = total === 0 ? 0 : weights.filter((w) => w.provider === 'FARGATE_SPOT').reduce((sum, w) => sum + w.weight, 0) / total;
  } else if (p.LaunchType !== undefined && p.LaunchType !== 'FARGATE') {
    unknown(id, type, `launch type ${String(p.LaunchType)}`);
    return;
  }

  const taskDefinitionId = referenced(p.TaskDefinition);
  const taskDefinition = taskDefinitionId ? resources[taskDefinitionId]?.Properties : undefined;
  const vcpu = Number(taskDefinition?.Cpu) / 1024;
  const gb = Number(taskDefinition?.Memory) / 1024;
  if (!taskDefinition || !(vcpu > 0) || !(gb > 0)) {
    unknown(id, type, 'its task definition\'s CPU and memory are not in the template');
    return;
  }
  const platform = isObject(taskDefinition.RuntimePlatform) ? taskDefinition.RuntimePlatform : {};
  const arm = platform.CpuArchitecture === 'ARM64';
  const hourly = arm
    ? vcpu * PRICES.fargateArmVcpuHour.usd + gb * PRICES.fargateArmGbHour.usd
    : vcpu * PRICES.fargateX86VcpuHour.usd + gb * PRICES.fargateX86GbHour.usd;
  const factor = 1 - spotShare * PRICES.fargateSpotDiscount.usd;
  const capacity = spotShare === 0 ? 'on-demand' : spotShare === 1 ? 'Spot' : `${Math.round(spotShare * 100)} % Spot`;
  const description = `Fargate, ${tasks} task${tasks === 1 ? '' : 's'} x ${vcpu} vCPU / ${gb} GB, ${arm ? 'ARM64' : 'x86_64'}, ${capacity}`
    + (tasks > 0 ? ` (${money(perHour(hourly) * factor)} a task)` : '');
  line(id, type, description, tasks * perHour(hourly) * factor);
}

function priceDatabase(id: string, p: { readonly [name: string]: unknown }, line: LineFn, unknown: UnknownFn) {
  const type = 'AWS::RDS::DBInstance';
  const engine = String(p.Engine ?? '');
  const instanceClass = String(p.DBInstanceClass ?? '');
  const hourly = RDS_POSTGRES_INSTANCE_HOUR[instanceClass];
  if (engine !== 'postgres' || hourly === undefined) {
    unknown(id, type, `engine ${JSON.stringify(engine)}, class ${JSON.stringify(instanceClass)}`);
    return;
  }
  const multiAz = p.MultiAZ === true || p.MultiAZ === 'true';
  const copies = multiAz ? 2 : 1;
  const az = multiAz ? 'Multi-AZ' : 'single-AZ';
  line(id, type, `RDS PostgreSQL ${instanceClass}, ${az}`, copies * perHour(hourly));
  const storageType = String(p.StorageType ?? 'gp2');
  const gb = Number(p.AllocatedStorage);
  if ((storageType === 'gp3' || storageType === 'gp2') && gb > 0) {
    line(id, type, `RDS ${storageType} storage, ${gb} GB allocated, ${az}`, copies * gb * PRICES.rdsGp3GbMonth.usd);
  } else {
    unknown(id, type, `storage ${storageType}, ${JSON.stringify(p.AllocatedStorage)} GB`);
  }
}
