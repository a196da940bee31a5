import { ingressOf, onlyResource, referencedId, synthesize, type Synthesized } from './util';

/** Logical id of the security group a resolved reference (as the L2 returns) points at. */
function groupIdOf(s: Synthesized, group: { securityGroupId: string }): string {
  return referencedId(s.stack.resolve(group.securityGroupId));
}

describe('security groups', () => {
  let s: Synthesized;
  let alb: string; let service: string; let database: string; let worker: string;
  beforeAll(() => {
    s = synthesize({ containerPort: 8080 });
    alb = groupIdOf(s, s.environment.loadBalancerSecurityGroup);
    service = groupIdOf(s, s.environment.serviceSecurityGroup);
    database = groupIdOf(s, s.environment.databaseSecurityGroup);
    worker = groupIdOf(s, s.environment.workerSecurityGroup);
  });

  test('exactly four security groups: the load balancer\'s, the service\'s, the database\'s and the workers\'', () => {
    expect(Object.keys(s.template.findResources('AWS::EC2::SecurityGroup')).sort()).toEqual([alb, database, service, worker].sort());
  });

  test('the worker group admits nothing and may reach anywhere (image, parameters, database)', () => {
    expect(ingressOf(s.template, worker)).toEqual([]);
    const group = s.template.findResources('AWS::EC2::SecurityGroup')[worker];
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })]);
  });

  test('the load balancer admits 80 and 443 from anywhere, and nothing else', () => {
    expect(ingressOf(s.template, alb)).toEqual([
      expect.objectContaining({ from: 80, to: 80, protocol: 'tcp', cidr: '0.0.0.0/0', sourceGroup: undefined }),
      expect.objectContaining({ from: 443, to: 443, protocol: 'tcp', cidr: '0.0.0.0/0', sourceGroup: undefined }),
    ]);
  });

  test('the service admits only the container port, only from the load balancer\'s group', () => {
    expect(ingressOf(s.template, service)).toEqual([
      { from: 8080, to: 8080, protocol: 'tcp', cidr: undefined, sourceGroup: alb },
    ]);
  });

  test('the database admits only 5432, only from the service\'s and the workers\' groups', () => {
    expect(ingressOf(s.template, database)).toEqual([
      { from: 5432, to: 5432, protocol: 'tcp', cidr: undefined, sourceGroup: service },
      { from: 5432, to: 5432, protocol: 'tcp', cidr: undefined, sourceGroup: worker },
    ]);
  });

  test('the load balancer may only send to the service, on the container port', () => {
    const group = s.template.findResources('AWS::EC2::SecurityGroup')[alb];
    // No inline egress to anywhere...
    expect(group.Properties.SecurityGroupEgress ?? []).toEqual([]);
    // ...only the one rule towards the service.
    const egress = Object.values(s.template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties)
      .filter((p) => referencedId(p.GroupId) === alb);
    expect(egress).toEqual([expect.objectContaining({ FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' })]);
    expect(referencedId(egress[0].DestinationSecurityGroupId)).toBe(service);
  });

  test('the database opens no connections of its own', () => {
    const group = s.template.findResources('AWS::EC2::SecurityGroup')[database];
    // CDK's marker for "no egress": a rule that matches no traffic.
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' }),
    ]);
  });

  test('each resource uses its own group', () => {
    const lb = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.properties.SecurityGroups.map(referencedId)).toEqual([alb]);
    const svc = onlyResource(s.template, 'AWS::ECS::Service');
    expect(svc.properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.map(referencedId)).toEqual([service]);
    const db = onlyResource(s.template, 'AWS::RDS::DBInstance');
    expect(db.properties.VPCSecurityGroups.map(referencedId)).toEqual([database]);
  });
});
