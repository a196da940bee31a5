import type { aws_ec2 as ec2 } from 'aws-cdk-lib';

/**
 * Where the environment runs: a new VPC built from explicit CIDR lists, or a VPC you bring.
 */
export interface NetworkOptions {
  /**
   * An existing VPC to run in instead of creating one.
   *
   * It needs at least two public subnets (for the load balancer) in two
   * Availability Zones and at least two private subnets with egress (for the
   * service and the database). When set, `vpcCidr`, `publicSubnetCidrs`,
   * `privateSubnetCidrs`, `natGateways` and `natProvider` must not be set.
   *
   * @default - a new VPC built from `vpcCidr`, `publicSubnetCidrs`, `privateSubnetCidrs` and `natGateways`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * IPv4 CIDR block of the new VPC, from /16 to /28.
   *
   * @default '192.168.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * CIDR blocks of the public subnets (load balancer, NAT gateways), one subnet per entry.
   *
   * Subnet `i` is placed in Availability Zone `i mod n`, where `n` is the number
   * of Availability Zones the stack knows for its region (two for an
   * environment-agnostic stack). At least two entries; each must lie inside
   * `vpcCidr` and overlap no other subnet.
   *
   * @default ['192.168.3.0/24', '192.168.4.0/24']
   */
  readonly publicSubnetCidrs?: string[];

  /**
   * CIDR blocks of the private subnets (service tasks, database), one subnet per entry.
   *
   * Spread over the Availability Zones like `publicSubnetCidrs`. At least two
   * entries, because the database subnet group needs two Availability Zones.
   * Their default route goes to a NAT gateway, preferably in the same zone.
   *
   * @default ['192.168.1.0/24', '192.168.2.0/24']
   */
  readonly privateSubnetCidrs?: string[];

  /**
   * Number of NAT devices, placed in the first public subnets: NAT gateways, or NAT instances with `natProvider`.
   *
   * Between 1 and the number of public subnets: the service needs egress to
   * pull its image and read its parameters. One per Availability Zone survives
   * the loss of a zone; one is cheaper.
   *
   * @default 1
   */
  readonly natGateways?: number;
}
