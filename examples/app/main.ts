// The example Django environment: a CDK app using the library as a user would.
// `npx projen synth:example` synthesizes it into examples/app/cdk.out with no
// AWS account and no Docker (the image asset is only built at deployment).
import * as path from 'path';
import { App, Duration, Stack, TimeZone, aws_ecs as ecs, aws_scheduler as scheduler } from 'aws-cdk-lib';
import { DjangoFargateEnvironment } from '../../src';

const app = new App();
const stack = new Stack(app, 'DjangoExample', {
  description: 'Example Django environment built with cdk-django-fargate',
});

new DjangoFargateEnvironment(stack, 'Production', {
  project: 'team-task',
  environment: 'production',
  // The Django project beside this app; `cdk deploy` builds and pushes it.
  image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'django-app')),
  healthCheckPath: '/health/',
  // The network of the original Terraform setup, written out.
  vpcCidr: '10.20.0.0/16',
  publicSubnetCidrs: ['10.20.101.0/24', '10.20.102.0/24'],
  privateSubnetCidrs: ['10.20.1.0/24', '10.20.2.0/24', '10.20.3.0/24'],
  lifecyclePolicyFile: path.join(__dirname, 'ecr-lifecycle-policy.json'),
  // One more secret on top of the four defaults: the parameter
  // `team-task-production_email_host_password`.
  containerSecrets: { EMAIL_HOST_PASSWORD: 'email_host_password' },
  containerEnvironment: { DJANGO_LOG_LEVEL: 'INFO' },
  databaseBackupRetention: Duration.days(14),
  // Background work (examples/django-app/config/celery.py). The Valkey cache
  // is Django's cache (REDIS_URL) and Celery's broker (CELERY_BROKER_URL).
  enableCache: true,
  workers: [
    // Runs the tasks (notes/tasks.py); test/e2e/run.sh starts this exact command.
    { name: 'celery', command: ['celery', '-A', 'config', 'worker', '-l', 'info'] },
    // Sends the periodic tasks of CELERY_BEAT_SCHEDULE: exactly one, ever.
    // Its schedule file goes to /tmp: the image's user may not write to /app.
    {
      name: 'beat',
      command: ['celery', '-A', 'config', 'beat', '-l', 'info', '--schedule', '/tmp/celerybeat-schedule'],
      singleton: true,
    },
  ],
  scheduledCommands: [
    {
      // Deletes expired sessions (database sessions pile up otherwise).
      name: 'clearsessions',
      schedule: scheduler.ScheduleExpression.cron({ minute: '30', hour: '3', timeZone: TimeZone.ETC_UTC }),
      command: ['python', 'manage.py', 'clearsessions'],
    },
  ],
});

app.synth();
