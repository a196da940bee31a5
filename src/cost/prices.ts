/**
 * The list prices the cost estimate uses: one dated table, us-east-1, USD.
 *
 * Each entry has its unit and the AWS pricing page it comes from. Other
 * regions cost more or less (often 5-20 % more); the estimate says so and
 * does not guess a multiplier. Update `PRICES_DATE` with any change.
 */
export const PRICES_DATE = '2026-12-02';
export const PRICES_REGION = 'us-east-1';
/** Hours in the month the estimate assumes (AWS's own calculator uses 730). */
export const HOURS_PER_MONTH = 730;

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

const VPC = 'https://aws.amazon.com/vpc/pricing/';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const EBS = 'https://aws.amazon.com/ebs/pricing/';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const FARGATE = 'https://aws.amazon.com/fargate/pricing/';
const RDS = 'https://aws.amazon.com/rds/postgresql/pricing/';
const ELASTICACHE = 'https://aws.amazon.com/elasticache/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';

export const PRICES = {
  natGatewayHour: { usd: 0.045, unit: 'per NAT gateway-hour', source: VPC },
  publicIpv4Hour: { usd: 0.005, unit: 'per public IPv4 address-hour (in use or idle)', source: VPC },
  albHour: { usd: 0.0225, unit: 'per Application Load Balancer-hour', source: ELB },
  albLcuHour: { usd: 0.008, unit: 'per LCU-hour (one LCU assumed at rest)', source: ELB },
  fargateX86VcpuHour: { usd: 0.04048, unit: 'per vCPU-hour, Linux x86_64', source: FARGATE },
  fargateX86GbHour: { usd: 0.004445, unit: 'per GB-hour, Linux x86_64', source: FARGATE },
  fargateArmVcpuHour: { usd: 0.03238, unit: 'per vCPU-hour, Linux ARM64', source: FARGATE },
  fargateArmGbHour: { usd: 0.00356, unit: 'per GB-hour, Linux ARM64', source: FARGATE },
  /** Spot prices move with supply; AWS advertises "up to 70 %" off. */
  fargateSpotDiscount: { usd: 0.7, unit: 'assumed discount of Fargate Spot on the on-demand rate', source: FARGATE },
  rdsGp3GbMonth: { usd: 0.115, unit: 'per GB-month of gp2/gp3 storage, single-AZ (twice for Multi-AZ)', source: RDS },
  ebsGp3GbMonth: { usd: 0.08, unit: 'per GB-month of gp3 volume', source: EBS },
  ebsGp2GbMonth: { usd: 0.1, unit: 'per GB-month of gp2 volume', source: EBS },
  ec2DetailedMonitoringMonth: { usd: 2.1, unit: 'per instance-month of detailed monitoring (7 metrics at $0.30)', source: CLOUDWATCH },
  valkeyServerlessGbHour: { usd: 0.084, unit: 'per GB-hour of data stored, ElastiCache Serverless Valkey (100 MB minimum)', source: ELASTICACHE },
  redisServerlessGbHour: { usd: 0.125, unit: 'per GB-hour of data stored, ElastiCache Serverless Redis OSS (1 GB minimum)', source: ELASTICACHE },
  secretMonth: { usd: 0.4, unit: 'per secret-month', source: 'https://aws.amazon.com/secrets-manager/pricing/' },
  alarmMetricMonth: { usd: 0.1, unit: 'per standard-resolution alarm metric-month', source: CLOUDWATCH },
  compositeAlarmMonth: { usd: 0.5, unit: 'per composite alarm-month', source: CLOUDWATCH },
  dashboardMonth: { usd: 3, unit: 'per dashboard-month', source: CLOUDWATCH },
  /** An estimate: standard Container Insights publishes custom metrics ($0.30 each a month) per cluster, service and task family. */
  containerInsightsClusterMonth: { usd: 3, unit: 'per cluster-month with Container Insights (estimate: 10 custom metrics at $0.30)', source: CLOUDWATCH },
  kmsKeyMonth: { usd: 1, unit: 'per customer managed key-month', source: 'https://aws.amazon.com/kms/pricing/' },
  hostedZoneMonth: { usd: 0.5, unit: 'per hosted zone-month', source: 'https://aws.amazon.com/route53/pricing/' },
} satisfies { [name: string]: Price };

/** Amazon EC2 on-demand Linux, per instance-hour. */
export const EC2_INSTANCE_HOUR: { readonly [instanceType: string]: number } = {
  't4g.nano': 0.0042,
  't4g.micro': 0.0084,
  't4g.small': 0.0168,
  't3.nano': 0.0052,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3a.nano': 0.0047,
  't3a.micro': 0.0094,
};
export const EC2_SOURCE = EC2;

/** Amazon RDS for PostgreSQL on-demand, single-AZ, per instance-hour (Multi-AZ is twice). */
export const RDS_POSTGRES_INSTANCE_HOUR: { readonly [instanceClass: string]: number } = {
  'db.t4g.micro': 0.016,
  'db.t4g.small': 0.032,
  'db.t4g.medium': 0.065,
  'db.t4g.large': 0.129,
  'db.t3.micro': 0.018,
  'db.t3.small': 0.036,
  'db.t3.medium': 0.072,
  'db.t3.large': 0.145,
};
export const RDS_SOURCE = RDS;

/** The root volume of an Amazon Linux 2023 image when a mapping gives no size. */
export const DEFAULT_ROOT_VOLUME_GB = 8;

/** What an idle estimate leaves out, printed with every estimate. */
export const LEFT_OUT: readonly string[] = [
  'data processed by NAT gateways ($0.045/GB) and load balancer LCUs beyond one',
  'requests: CloudFront, S3, Lambda, Secrets Manager API calls, ECS Exec, EventBridge Scheduler',
  'data transfer out to the internet and between Availability Zones',
  'log ingestion and storage (CloudWatch Logs, VPC flow logs and access logs in S3)',
  'storage growth: S3 objects, ECR images, database storage beyond the allocation, backups beyond its size, cache data beyond the minimum',
  'tasks that run now and then: the release step, scheduled commands, one-off commands, autoscaling above the minimum',
  'the free tier, savings plans, reserved instances and taxes',
];
