import type { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';

/**
 * What an environment costs at rest: the NAT device, the CPU architecture,
 * Spot for the web service and Container Insights.
 *
 * The defaults are production's. A staging or review environment can cost
 * about half as much with the same architecture and security: a NAT
 * instance, ARM64, Spot and one web task (README, "What it costs").
 */
export interface CostOptions {
  /**
   * How the private subnets reach the internet: NAT gateways, or NAT instances.
   *
   * `ec2.NatProvider.instanceV2({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO) })`
   * replaces each NAT gateway ($0.045 an hour) by a small EC2 instance
   * (a t4g.nano is $0.0042 an hour), at the price of a single instance's
   * bandwidth and availability: fine for staging, not for production.
   * `natGateways` counts the NAT devices of either kind, placed in the first
   * public subnets. The construct locks NAT instances down: their security
   * group (the one the provider creates) admits traffic from the private
   * subnets only, whatever the provider's `defaultAllowedTraffic`; they
   * require IMDSv2 and their root volume (`/dev/xvda`, Amazon Linux's) is
   * encrypted. Only for a VPC the construct creates: not with `vpc`.
   *
   * @default - NAT gateways (`ec2.NatProvider.gateway()`)
   */
  readonly natProvider?: ec2.NatProvider;

  /**
   * CPU architecture of every task: the web service, the release step, the workers and the scheduled commands.
   *
   * `ecs.CpuArchitecture.ARM64` runs on AWS Graviton, about 20 % cheaper per
   * vCPU and GB than x86_64. The image must be built for it (e.g.
   * `docker build --platform linux/arm64`, or a multi-architecture image).
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Run the web service's tasks on Fargate Spot.
   *
   * Spot costs about 70 % less than on-demand Fargate, but AWS may stop a
   * task with two minutes' notice; ECS then starts a new one. With one task
   * the site is down until its replacement is healthy: for staging and
   * review environments, not production. Workers choose Spot on their own
   * (`workers[].spot`); release and scheduled tasks stay on-demand.
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * CloudWatch Container Insights on the cluster (per-task CPU, memory, network and storage metrics).
   *
   * Its metrics are billed as custom metrics (about $3 a month for a small
   * environment, more with more services and tasks); turn it off where
   * nobody reads them. ECS's own service CPU and memory metrics, which
   * autoscaling uses, stay free either way.
   *
   * @default true
   */
  readonly containerInsights?: boolean;
}
