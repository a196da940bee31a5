import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BACKGROUND_WORK_PROPS, leanProps } from './configurations';
import { FIXED_ENV, MINIMAL_PROPS, ingressOf, newStack, onlyResource, referencedId, serviceTaskDefinition, strictTemplate, synthesize, taskDefinitionOf, type Synthesized } from './util';
import { DjangoFargateEnvironment } from '../src';

const T4G_NANO = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO);

/** The private subnets' 0.0.0.0/0 routes: subnet logical id -> route properties. */
function privateDefaultRoutes(template: Template): { [subnetId: string]: any } {
  const subnets = template.findResources('AWS::EC2::Subnet', { Properties: { MapPublicIpOnLaunch: false } });
  const associations = Object.values(template.findResources('AWS::EC2::SubnetRouteTableAssociation'));
  const routes = Object.values(template.findResources('AWS::EC2::Route')).map((r) => r.Properties);
  return Object.fromEntries(Object.keys(subnets).map((subnetId) => {
    const table = referencedId(associations.find((a) => referencedId(a.Properties.SubnetId) === subnetId)!.Properties.RouteTableId);
    return [subnetId, routes.find((r) => referencedId(r.RouteTableId) === table && r.DestinationCidrBlock === '0.0.0.0/0')];
  }));
}

describe('the lean profile (NAT instance, ARM64, Spot, one task, no Container Insights)', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize({ ...leanProps(), ...BACKGROUND_WORK_PROPS }); });

  test('one t4g.nano NAT instance in the first public subnet replaces the NAT gateway and its Elastic IP', () => {
    s.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    s.template.resourceCountIs('AWS::EC2::EIP', 0);
    const nat = onlyResource(s.template, 'AWS::EC2::Instance');
    expect(nat.properties).toMatchObject({ InstanceType: 't4g.nano', SourceDestCheck: false });
    expect(referencedId(nat.properties.SubnetId)).toMatch(/^EnvNetworkPublicSubnet1/);
    // The ARM64 Amazon Linux 2023 image, resolved by CloudFormation from SSM (no lookup at synthesis).
    const image = s.template.toJSON().Parameters[referencedId(nat.properties.ImageId)];
    expect(image.Default).toMatch(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-.*-arm64$/);
    for (const route of Object.values(privateDefaultRoutes(s.template))) {
      expect(referencedId(route.InstanceId)).toBe(nat.id);
    }
  });

  test('the NAT instance admits traffic from the private subnets only, requires IMDSv2 and encrypts its root volume', () => {
    const nat = onlyResource(s.template, 'AWS::EC2::Instance');
    expect(nat.properties.SecurityGroupIds).toHaveLength(1);
    const group = referencedId(nat.properties.SecurityGroupIds[0]);
    expect(ingressOf(s.template, group)).toEqual([
      { from: undefined, to: undefined, protocol: '-1', cidr: '192.168.1.0/24', sourceGroup: undefined },
      { from: undefined, to: undefined, protocol: '-1', cidr: '192.168.2.0/24', sourceGroup: undefined },
    ]);
    expect(nat.properties.MetadataOptions).toEqual({ HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 });
    expect(nat.properties.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true } }]);
    expect(nat.properties.KeyName).toBeUndefined();
  });

  test('every task definition runs on ARM64: web, release, workers, scheduled commands', () => {
    const definitions = Object.values(s.template.findResources('AWS::ECS::TaskDefinition'));
    expect(definitions).toHaveLength(5);
    for (const d of definitions) {
      expect(d.Properties.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
    }
  });

  test('the web service runs one to two tasks on FARGATE_SPOT, once the cluster has it', () => {
    const serviceId = referencedId(s.stack.resolve(s.environment.service.serviceArn));
    const service = s.template.findResources('AWS::ECS::Service')[serviceId];
    expect(service.Properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(service.Properties.LaunchType).toBeUndefined();
    const association = onlyResource(s.template, 'AWS::ECS::ClusterCapacityProviderAssociations');
    expect(association.properties.CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(service.DependsOn).toContain(association.id);
    const targets = Object.values(s.template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
      .filter((t) => JSON.stringify(t.Properties.ResourceId).includes(serviceId));
    expect(targets.map((t) => [t.Properties.MinCapacity, t.Properties.MaxCapacity])).toEqual([[1, 2]]);
  });

  test('the cluster has Container Insights off, and says why to cdk-nag', () => {
    const cluster = onlyResource(s.template, 'AWS::ECS::Cluster');
    expect(cluster.properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'disabled' }]);
    const metadata = s.template.toJSON().Resources[cluster.id].Metadata;
    expect(metadata.cdk_nag.rules_to_suppress.map((r: any) => r.id)).toEqual(['AwsSolutions-ECS4']);
  });
});

describe('NAT instances per zone in a stack with a concrete region', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({
      natProvider: ec2.NatProvider.instanceV2({ instanceType: T4G_NANO }),
      natGateways: 2,
      publicSubnetCidrs: ['192.168.3.0/24', '192.168.4.0/24', '192.168.5.0/24'],
      privateSubnetCidrs: ['192.168.1.0/24', '192.168.2.0/24', '192.168.6.0/24'],
    }, { env: FIXED_ENV });
  });

  test('natGateways counts the instances; each private subnet prefers the one in its own zone', () => {
    const instances = s.template.findResources('AWS::EC2::Instance');
    expect(Object.keys(instances)).toHaveLength(2);
    const zoneOf = (id: string) => instances[id].Properties.AvailabilityZone;
    const subnets = s.template.findResources('AWS::EC2::Subnet');
    const routes = privateDefaultRoutes(s.template);
    const byZone = Object.entries(routes)
      .map(([subnetId, route]) => [subnets[subnetId].Properties.AvailabilityZone, zoneOf(referencedId(route.InstanceId))]);
    // Without a context lookup, aws-cdk-lib names a concrete region's zones dummy1a, dummy1b, dummy1c.
    expect(byZone).toEqual([['dummy1a', 'dummy1a'], ['dummy1b', 'dummy1b'], ['dummy1c', expect.stringMatching(/^dummy1[ab]$/)]]);
  });

  test('the provider\'s default "everything from anywhere" rule is replaced by the private subnets', () => {
    const nat = Object.values(s.template.findResources('AWS::EC2::Instance'))[0];
    const cidrs = ingressOf(s.template, referencedId(nat.Properties.SecurityGroupIds[0])).map((r) => r.cidr);
    expect(cidrs).toEqual(['192.168.1.0/24', '192.168.2.0/24', '192.168.6.0/24']);
  });
});

describe('the defaults stay production\'s', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize({ cpuArchitecture: undefined }); });

  test('x86_64 on-demand tasks, NAT gateways, Container Insights on', () => {
    expect(serviceTaskDefinition(s).properties.RuntimePlatform).toEqual({ CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' });
    const service = onlyResource(s.template, 'AWS::ECS::Service');
    expect(service.properties.LaunchType).toBe('FARGATE');
    expect(service.properties.CapacityProviderStrategy).toBeUndefined();
    s.template.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 0);
    s.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    s.template.resourceCountIs('AWS::EC2::Instance', 0);
    expect(onlyResource(s.template, 'AWS::ECS::Cluster').properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  test('an explicit x86_64 is the default', () => {
    const explicit = synthesize({ cpuArchitecture: ecs.CpuArchitecture.X86_64 });
    expect(taskDefinitionOf(explicit, explicit.environment.taskDefinition).properties.RuntimePlatform.CpuArchitecture).toBe('X86_64');
  });
});

describe('a rule of the user\'s on the NAT instances\' group', () => {
  test('stays, beside the private subnets', () => {
    const natProvider = ec2.NatProvider.instanceV2({ instanceType: T4G_NANO });
    const stack = newStack();
    new DjangoFargateEnvironment(stack, 'Env', { ...MINIMAL_PROPS, natProvider });
    natProvider.connections.allowFrom(ec2.Peer.ipv4('10.9.0.0/16'), ec2.Port.tcp(22), 'SSH from the office');
    const template = strictTemplate(stack);
    const nat = onlyResource(template, 'AWS::EC2::Instance');
    const rules = ingressOf(template, referencedId(nat.properties.SecurityGroupIds[0]));
    expect(rules.map((r) => [r.cidr, r.protocol, r.from])).toEqual([
      ['192.168.1.0/24', '-1', undefined],
      ['192.168.2.0/24', '-1', undefined],
      ['10.9.0.0/16', 'tcp', 22],
    ]);
  });
});
