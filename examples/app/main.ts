// The example Django environment: a CDK app using the library as a user would.
// `npx projen synth:example` synthesizes it into examples/app/cdk.out with no
// AWS account and no Docker (the image asset is only built at deployment).
import * as path from 'path';
import { App, Duration, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
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
});

app.synth();
