import { Lazy, Stack, Tags, aws_ec2 as ec2, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct, DependencyGroup } from 'constructs';
import { suppressNag } from './nag';

/** Props of the `Network` construct; all already validated. */
export interface NetworkProps {
  readonly vpcCidr: string;
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  /** Number of NAT devices, gateways or instances. */
  readonly natGateways: number;
  /** NAT instances (or any provider) instead of the NAT gateways made here. */
  readonly natProvider?: ec2.NatProvider;
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

    const privateSubnets = props.privateSubnetCidrs.map((cidrBlock, i) => {
      const subnet = new ec2.PrivateSubnet(this, `PrivateSubnet${i + 1}`, {
        vpcId: this.vpcId,
        cidrBlock,
        availabilityZone: zoneOf(i),
        mapPublicIpOnLaunch: false,
      });
      tagSubnet(subnet, 'Private');
      return subnet;
    });

    // ec2.Vpc exposes these lists read-only; it fills them itself from subnet
    // groups, which this VPC has none of.
    this.publicSubnets.push(...publicSubnets);
    this.privateSubnets.push(...privateSubnets);

    const natSubnets = publicSubnets.slice(0, props.natGateways);
    if (props.natProvider) {
      // The provider adds the NAT devices and each private subnet's default
      // route, preferring a device in the subnet's own zone, as ec2.Vpc does.
      props.natProvider.configureNat({ vpc: this, natSubnets, privateSubnets });
      lockDownNatInstances(this, natSubnets, props.privateSubnetCidrs);
    } else {
      const natGateways = natSubnets.map((subnet) => ({
        zone: subnet.availabilityZone,
        gateway: subnet.addNatGateway(),
      }));
      privateSubnets.forEach((subnet, i) => {
        // Prefer the NAT gateway in the subnet's own zone, so losing a zone
        // leaves the others' egress intact.
        const nat = natGateways.find((n) => n.zone === subnet.availabilityZone) ?? natGateways[i % natGateways.length];
        subnet.addDefaultNatRoute(nat.gateway.ref);
      });
    }

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

/**
 * Makes the NAT instances a provider put in `natSubnets` as tight as a NAT
 * device can be: traffic in from the private subnets only, IMDSv2, an
 * encrypted root volume. What a NAT instance cannot do is suppressed for
 * cdk-nag with the reason.
 */
function lockDownNatInstances(vpc: ec2.Vpc, natSubnets: ec2.PublicSubnet[], privateCidrs: readonly string[]) {
  // The security group NatInstanceProviderV2 creates admits everything from
  // anywhere by default (`defaultAllowedTraffic`). The instances only
  // forward the private subnets' traffic; replies come back through the
  // connections they opened, which a security group lets in anyway. So the
  // group admits the private subnets, and rules from anywhere are dropped;
  // other rules (added to `natProvider.connections`) stay.
  const group = vpc.node.tryFindChild('NatSecurityGroup');
  if (group instanceof ec2.SecurityGroup) {
    for (const cidr of privateCidrs) {
      group.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.allTraffic(), `Traffic to forward from private subnet ${cidr}`);
    }
    const cfn = group.node.defaultChild as ec2.CfnSecurityGroup;
    const rendered = cfn.securityGroupIngress;
    cfn.securityGroupIngress = Lazy.any({
      produce: () => (Stack.of(vpc).resolve(rendered) as ec2.CfnSecurityGroup.IngressProperty[] | undefined)
        ?.filter((rule) => rule.cidrIp !== '0.0.0.0/0' && rule.cidrIpv6 !== '::/0'),
    }, { omitEmptyArray: true });
  }
  for (const subnet of natSubnets) {
    for (const child of subnet.node.children) {
      if (!(child instanceof ec2.Instance)) continue;
      const instance = child.node.defaultChild as ec2.CfnInstance;
      instance.metadataOptions = { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 1 };
      // The root volume of the Amazon Linux images NAT providers use; its size stays the image's.
      instance.blockDeviceMappings = [{ deviceName: '/dev/xvda', ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true } }];
      suppressNag(instance, {
        id: 'AwsSolutions-EC28',
        reason: 'A NAT instance is the cheap choice for non-production: detailed monitoring would add about $2 a month to a $3 instance; its 5-minute basic metrics are free.',
      }, {
        id: 'AwsSolutions-EC29',
        reason: 'The NAT instance holds no data and CloudFormation replaces it when its image or type changes; termination protection would make that replacement and stack deletion fail.',
      });
    }
  }
}
