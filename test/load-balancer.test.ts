import { aws_certificatemanager as acm } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { FIXED_ENV, onlyResource, referencedId, synthesize, synthesizeWith, type Synthesized } from './util';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

describe('load balancer without a certificate', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize(); });

  test('is internet-facing, in the public subnets, and drops invalid headers', () => {
    const lb = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.properties.Scheme).toBe('internet-facing');
    expect(lb.properties.Type).toBe('application');
    const publicIds = s.environment.vpc.publicSubnets.map((x) => referencedId(s.stack.resolve(x.subnetId)));
    expect(lb.properties.Subnets.map(referencedId).sort()).toEqual(publicIds.sort());
    expect(lb.properties.LoadBalancerAttributes).toContainEqual({ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' });
  });

  test('the target group is of type ip on the container port with the documented health check', () => {
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: 8000,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      HealthCheckIntervalSeconds: 15,
      HealthCheckTimeoutSeconds: 10,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '120' }]),
    });
  });

  test('a single HTTP :80 listener forwards (not redirects) to the target group', () => {
    const listener = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::Listener');
    expect(listener.properties).toMatchObject({ Port: 80, Protocol: 'HTTP' });
    expect(listener.properties.DefaultActions).toHaveLength(1);
    expect(listener.properties.DefaultActions[0].Type).toBe('forward');
    expect(referencedId(listener.properties.DefaultActions[0].TargetGroupArn))
      .toBe(onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::TargetGroup').id);
    expect(s.environment.httpsListener).toBeUndefined();
  });

  test('the service registers its django-app container in the target group', () => {
    const svc = onlyResource(s.template, 'AWS::ECS::Service');
    expect(svc.properties.LoadBalancers).toHaveLength(1);
    expect(svc.properties.LoadBalancers[0]).toMatchObject({ ContainerName: 'django-app', ContainerPort: 8000 });
    expect(referencedId(svc.properties.LoadBalancers[0].TargetGroupArn))
      .toBe(onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::TargetGroup').id);
  });
});

describe('load balancer with a certificate and custom port and health check', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesizeWith((stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', CERT),
      containerPort: 8080,
      healthCheckPath: '/health/',
    }), { env: FIXED_ENV });
  });

  test('HTTP :80 and HTTPS :443 both forward to the same target group', () => {
    const tg = onlyResource(s.template, 'AWS::ElasticLoadBalancingV2::TargetGroup').id;
    const listeners = Object.values(s.template.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l) => l.Properties);
    expect(listeners.map((l) => [l.Port, l.Protocol]).sort()).toEqual([[443, 'HTTPS'], [80, 'HTTP']]);
    for (const l of listeners) {
      expect(l.DefaultActions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: tg } }]);
    }
  });

  test('the HTTPS listener has the certificate and a modern TLS policy', () => {
    const https = Object.values(s.template.findResources('AWS::ElasticLoadBalancingV2::Listener'))
      .map((l) => l.Properties).find((l) => l.Port === 443);
    expect(https.Certificates).toEqual([{ CertificateArn: CERT }]);
    expect(https.SslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-/);
    expect(https.SslPolicy).not.toBe('ELBSecurityPolicy-2016-08');
    expect(s.environment.httpsListener).toBeDefined();
  });

  test('the target group follows the container port and health check path', () => {
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/health/' });
    const task = onlyResource(s.template, 'AWS::ECS::TaskDefinition');
    expect(task.properties.ContainerDefinitions[0].PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp' }]);
  });
});
