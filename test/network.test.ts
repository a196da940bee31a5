import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FIXED_ENV, MINIMAL_PROPS, newStack, onlyResource, referencedId, strictTemplate, synthesize, type Synthesized } from './util';
import { DjangoFargateEnvironment } from '../src';

interface SubnetInfo { id: string; cidr: string; az: unknown; public: boolean; routeTableId: string }

/** Subnets with their route table, found by following the associations. */
function subnets(template: Template): SubnetInfo[] {
  const associations = Object.values(template.findResources('AWS::EC2::SubnetRouteTableAssociation'));
  return Object.entries(template.findResources('AWS::EC2::Subnet')).map(([id, r]) => {
    const assoc = associations.find((a) => referencedId(a.Properties.SubnetId) === id);
    return {
      id,
      cidr: r.Properties.CidrBlock,
      az: r.Properties.AvailabilityZone,
      public: r.Properties.MapPublicIpOnLaunch === true,
      routeTableId: referencedId(assoc!.Properties.RouteTableId),
    };
  }).sort((a, b) => a.id.localeCompare(b.id));
}

/** The 0.0.0.0/0 route of a route table. */
function defaultRoute(template: Template, routeTableId: string): any {
  const routes = Object.values(template.findResources('AWS::EC2::Route'))
    .filter((r) => referencedId(r.Properties.RouteTableId) === routeTableId && r.Properties.DestinationCidrBlock === '0.0.0.0/0');
  expect(routes).toHaveLength(1);
  return routes[0].Properties;
}

const azOfIndex = (i: number) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] });

describe('default network (environment-agnostic stack)', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize(); });

  test('the VPC has the default CIDR and DNS support', () => {
    s.template.resourceCountIs('AWS::EC2::VPC', 1);
    s.template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '192.168.0.0/16',
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
    });
  });

  test('two public and two private subnets with the default CIDRs, round-robin over the AZs', () => {
    const all = subnets(s.template);
    expect(all.filter((x) => x.public).map((x) => [x.cidr, x.az])).toEqual([
      ['192.168.3.0/24', azOfIndex(0)],
      ['192.168.4.0/24', azOfIndex(1)],
    ]);
    expect(all.filter((x) => !x.public).map((x) => [x.cidr, x.az])).toEqual([
      ['192.168.1.0/24', azOfIndex(0)],
      ['192.168.2.0/24', azOfIndex(1)],
    ]);
  });

  test('public subnets route to an internet gateway attached to the VPC', () => {
    const igw = onlyResource(s.template, 'AWS::EC2::InternetGateway');
    const attachment = onlyResource(s.template, 'AWS::EC2::VPCGatewayAttachment');
    expect(referencedId(attachment.properties.InternetGatewayId)).toBe(igw.id);
    expect(referencedId(attachment.properties.VpcId)).toBe(onlyResource(s.template, 'AWS::EC2::VPC').id);
    for (const subnet of subnets(s.template).filter((x) => x.public)) {
      expect(referencedId(defaultRoute(s.template, subnet.routeTableId).GatewayId)).toBe(igw.id);
    }
  });

  test('one NAT gateway, in a public subnet, is the default route of every private subnet', () => {
    const nat = onlyResource(s.template, 'AWS::EC2::NatGateway');
    const publicIds = subnets(s.template).filter((x) => x.public).map((x) => x.id);
    expect(publicIds).toContain(referencedId(nat.properties.SubnetId));
    s.template.resourceCountIs('AWS::EC2::EIP', 1);
    for (const subnet of subnets(s.template).filter((x) => !x.public)) {
      expect(referencedId(defaultRoute(s.template, subnet.routeTableId).NatGatewayId)).toBe(nat.id);
    }
  });

  test('the exposed vpc selects the created subnets by type', () => {
    const vpc = s.environment.vpc;
    expect(vpc.publicSubnets).toHaveLength(2);
    expect(vpc.privateSubnets).toHaveLength(2);
    expect(vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets).toHaveLength(2);
    expect(vpc.selectSubnets({ subnetGroupName: 'Public' }).subnets).toHaveLength(2);
  });

  test('the default security group of the VPC is stripped of its rules', () => {
    s.template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });
});

describe('custom network in a stack with a concrete region (three AZs)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({
      vpcCidr: '10.0.0.0/16',
      publicSubnetCidrs: ['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24', '10.0.104.0/24'],
      privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
      natGateways: 2,
    }, { env: FIXED_ENV });
  });

  test('N CIDRs give N subnets; subnet i lands in AZ i mod 3', () => {
    const zones = s.stack.availabilityZones;
    expect(zones).toHaveLength(3);
    const all = subnets(s.template);
    expect(all.filter((x) => x.public).map((x) => [x.cidr, x.az])).toEqual([
      ['10.0.101.0/24', zones[0]],
      ['10.0.102.0/24', zones[1]],
      ['10.0.103.0/24', zones[2]],
      ['10.0.104.0/24', zones[0]],
    ]);
    expect(all.filter((x) => !x.public).map((x) => [x.cidr, x.az])).toEqual([
      ['10.0.1.0/24', zones[0]],
      ['10.0.2.0/24', zones[1]],
      ['10.0.3.0/24', zones[2]],
    ]);
  });

  test('NAT gateways sit in the first public subnets; private subnets prefer the one in their own AZ', () => {
    const all = subnets(s.template);
    const azOfSubnet = new Map(all.map((x) => [x.id, x.az]));
    const nats = s.template.findResources('AWS::EC2::NatGateway');
    expect(Object.keys(nats)).toHaveLength(2);
    const natAz = new Map(Object.entries(nats).map(([id, r]) => [id, azOfSubnet.get(referencedId(r.Properties.SubnetId))]));
    expect([...natAz.values()].sort()).toEqual([s.stack.availabilityZones[0], s.stack.availabilityZones[1]]);
    const privateRoutes = all.filter((x) => !x.public).map((x) => {
      const natId = referencedId(defaultRoute(s.template, x.routeTableId).NatGatewayId);
      return [x.az, natAz.get(natId)];
    });
    // Zones a and b have their own NAT gateway; zone c falls back to another one.
    expect(privateRoutes[0]).toEqual([s.stack.availabilityZones[0], s.stack.availabilityZones[0]]);
    expect(privateRoutes[1]).toEqual([s.stack.availabilityZones[1], s.stack.availabilityZones[1]]);
    expect([s.stack.availabilityZones[0], s.stack.availabilityZones[1]]).toContain(privateRoutes[2][1]);
  });

  test('the load balancer takes one public subnet per AZ (an ALB rejects two in one zone)', () => {
    const lb = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const azOfSubnet = new Map(subnets(s.template).map((x) => [x.id, x.az]));
    const zones = lb.properties.Subnets.map((ref: unknown) => azOfSubnet.get(referencedId(ref)));
    expect(zones).toHaveLength(3);
    expect(new Set(zones).size).toBe(3);
  });

  test('the database subnet group uses every private subnet', () => {
    const group = onlyResource(s.template, 'AWS::RDS::DBSubnetGroup');
    const privateIds = subnets(s.template).filter((x) => !x.public).map((x) => x.id).sort();
    expect(group.properties.SubnetIds.map(referencedId).sort()).toEqual(privateIds);
  });
});

describe('bring your own VPC', () => {
  let template: Template;
  let vpc: ec2.IVpc;
  let env: DjangoFargateEnvironment;
  beforeAll(() => {
    const stack = newStack({ env: FIXED_ENV });
    vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2, natGateways: 1 });
    env = new DjangoFargateEnvironment(stack, 'Env', { ...MINIMAL_PROPS, vpc });
    template = strictTemplate(stack);
  });

  test('no second VPC is created and the exposed vpc is the given one', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    expect(env.vpc).toBe(vpc);
  });

  test('the service runs in the given VPC\'s private subnets and the ALB in its public ones', () => {
    const stack = vpc.stack;
    const privateIds = vpc.privateSubnets.map((x) => stack.resolve(x.subnetId));
    const publicIds = vpc.publicSubnets.map((x) => stack.resolve(x.subnetId));
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: Match.arrayEquals(privateIds) } },
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: Match.arrayEquals(publicIds) });
  });
});
