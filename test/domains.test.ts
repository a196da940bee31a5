import { aws_certificatemanager as acm, aws_scheduler as scheduler, Duration } from 'aws-cdk-lib';
import { FIXED_ENV, environmentOf, synthesize, synthesizeWith, taskDefinitionOf, type Synthesized } from './util';

const US_EAST_1 = { account: FIXED_ENV.account, region: 'us-east-1' };
const CERT_US_EAST_1 = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** Plain variables of every container of the environment, by task definition logical id. */
function everyContainerEnvironment(s: Synthesized): { [taskDefinition: string]: { [name: string]: any } } {
  const all = s.template.findResources('AWS::ECS::TaskDefinition');
  return Object.fromEntries(Object.entries(all).map(([id, r]) => [id, environmentOf(r.Properties.ContainerDefinitions[0])]));
}

describe('DJANGO_CSRF_TRUSTED_ORIGINS with domainNames', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesizeWith((stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_US_EAST_1),
      domainNames: ['www.example.com', 'example.com'],
      workers: [{ name: 'celery', command: ['celery', '-A', 'config', 'worker'] }],
      scheduledCommands: [{
        name: 'clearsessions',
        schedule: scheduler.ScheduleExpression.rate(Duration.days(1)),
        command: ['python', 'manage.py', 'clearsessions'],
      }],
    }), { env: US_EAST_1 });
  });

  test('every container (web, release, worker, schedule) gets https://<name> for each name, comma-separated', () => {
    const environments = everyContainerEnvironment(s);
    // web, release, one worker, one scheduled command
    expect(Object.keys(environments)).toHaveLength(4);
    for (const environment of Object.values(environments)) {
      expect(environment.DJANGO_CSRF_TRUSTED_ORIGINS).toBe('https://www.example.com,https://example.com');
    }
    expect(environmentOf(taskDefinitionOf(s, s.environment.taskDefinition).properties.ContainerDefinitions[0]))
      .toHaveProperty('DJANGO_CSRF_TRUSTED_ORIGINS');
  });
});

describe('DJANGO_CSRF_TRUSTED_ORIGINS without domainNames', () => {
  test('is not set: the distribution\'s own name is the Host Django compares the Origin with', () => {
    const s = synthesize();
    for (const environment of Object.values(everyContainerEnvironment(s))) {
      expect(environment).not.toHaveProperty('DJANGO_CSRF_TRUSTED_ORIGINS');
    }
  });

  test('containerEnvironment replaces it, like the other defaults', () => {
    const s = synthesizeWith((stack) => ({
      certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERT_US_EAST_1),
      domainNames: ['www.example.com'],
      containerEnvironment: { DJANGO_CSRF_TRUSTED_ORIGINS: 'https://www.example.com,https://admin.example.org' },
    }), { env: US_EAST_1 });
    for (const environment of Object.values(everyContainerEnvironment(s))) {
      expect(environment.DJANGO_CSRF_TRUSTED_ORIGINS).toBe('https://www.example.com,https://admin.example.org');
    }
  });
});
