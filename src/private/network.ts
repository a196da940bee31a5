import { Stack, Tags, aws_ec2 as ec2, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct, DependencyGroup } from 'constructs';

/** Props of the `Network` construct; all already validated. */
export interface NetworkProps {
  readonly vpcCidr: string;
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly natGateways: number;
  /** Where the VPC's flow logs go. */
  readonly flowLogsBucket: s3.IBucket;
}

/**
 * A VPC whose subnets come from explicit CIDR lists, spread round-robin over the region's AZs.
 *
 * `ec2.Vpc` makes one subnet per Availability Zone for each subnet group, so it
 * cannot place N given CIDRs on fewer zones. This subclass lets `ec2.Vpc`
 * create the VPC itself with no subnet groups, then adds one `PublicSubnet` or
 * `PrivateSubnet` per CIDR (subnet i in zone i mod n) together with the
 * internet gateway, NAT gateways and routes. Users still get a real
 * `ec2.IVpc`: `selectSubnets`, endpoints and flow logs work as usual.
 */
export class Network extends ec2.Vpc {
  constructor(scope: Construct, id: string, props: NetworkProps) {
    const zones = Stack.of(scope).availabilityZones;
    const zoneOf = (i: number) => zones[i % zones.length];
    const usedZones = zones.slice(0, Math.max(props.publicSubnetCidrs.length, props.privateSubnetCidrs.length));

    super(scope, id, {
      ipAddresses: ec2.IpAddresses.cidr(props.vpcCidr),
      availabilityZones: usedZones,
      subnetConfiguration: [],
      natGateways: 0,
      createInternetGateway: false,
      restrictDefaultSecurityGroup: true,
    });

    const igw = new ec2.CfnInternetGateway(this, 'IGW');
    const attachment = new ec2.CfnVPCGatewayAttachment(this, 'VPCGW', {
      vpcId: this.vpcId,
      internetGatewayId: igw.ref,
    });
    (this as { internetGatewayId?: string }).internetGatewayId = igw.ref;

    const publicSubnets = props.publicSubnetCidrs.map((cidrBlock, i) => {
      const subnet = new ec2.PublicSubnet(this, `PublicSubnet${i + 1}`, {
        vpcId: this.vpcId,
        cidrBlock,
        availabilityZone: zoneOf(i),
        mapPublicIpOnLaunch: true,
      });
      subnet.addDefaultInternetRoute(igw.ref, attachment);
      tagSubnet(subnet, 'Public');
      return subnet;
    });

    const natGateways = publicSubnets.slice(0, props.natGateways).map((subnet) => ({
      zone: subnet.availabilityZone,
      gateway: subnet.addNatGateway(),
    }));

    const privateSubnets = props.privateSubnetCidrs.map((cidrBlock, i) => {
      const zone = zoneOf(i);
      const subnet = new ec2.PrivateSubnet(this, `PrivateSubnet${i + 1}`, {
        vpcId: this.vpcId,
        cidrBlock,
        availabilityZone: zone,
        mapPublicIpOnLaunch: false,
      });
      // Prefer the NAT gateway in the subnet's own zone, so losing a zone
      // leaves the others' egress intact.
      const nat = natGateways.find((n) => n.zone === zone) ?? natGateways[i % natGateways.length];
      subnet.addDefaultNatRoute(nat.gateway.ref);
      tagSubnet(subnet, 'Private');
      return subnet;
    });

    // ec2.Vpc exposes these lists read-only; it fills them itself from subnet
    // groups, which this VPC has none of.
    this.publicSubnets.push(...publicSubnets);
    this.privateSubnets.push(...privateSubnets);
    const connectivity = this.internetConnectivityEstablished;
    if (connectivity instanceof DependencyGroup) {
      connectivity.add(attachment, ...privateSubnets.map((s) => s.internetConnectivityEstablished));
    }

    this.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toS3(props.flowLogsBucket, 'vpc-flow-logs/'),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
  }
}

/** The tags ec2.Vpc puts on its subnets, which `Vpc.fromLookup` reads to group them. */
function tagSubnet(subnet: ec2.Subnet, type: 'Public' | 'Private') {
  Tags.of(subnet).add('aws-cdk:subnet-name', type);
  Tags.of(subnet).add('aws-cdk:subnet-type', type);
}
