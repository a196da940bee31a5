// Deploy tests: the default configuration and the fullest one a deployment can
// exercise without a domain of its own, each with assertions a real deployment
// must pass. CI checks offline that these apps still synthesize to the
// committed snapshots (`npx projen integ:snapshot`); a maintainer with an AWS
// account deploys them (`npx projen integ:deploy`, README "Deploy tests").
import * as path from 'path';
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnResource, Duration, RemovalPolicy, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { DjangoFargateEnvironment, type DjangoFargateEnvironmentProps } from '../../src';

const PROJECT = 'cdf-integ';
const app = new App({
  // The assertion stacks read the tested stacks' outputs: strong references
  // (exports) keep a tested stack from changing under its assertions.
  context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
});
// The example Django project: `migrate` and `collectstatic` have work to do.
const image = ecs.ContainerImage.fromAsset(path.join(__dirname, '..', '..', 'examples', 'django-app'));

/** One environment in its own stack, with the assertions every deployment must pass. */
function deployTest(name: string, props: Partial<DjangoFargateEnvironmentProps>): void {
  const environment = name.toLowerCase();
  const stack = new Stack(app, `DjangoFargateInteg${name}`);
  const django = new DjangoFargateEnvironment(stack, 'Django', {
    project: PROJECT,
    environment,
    image,
    healthCheckPath: '/health/',
    // Everything goes with the test stack.
    removalPolicy: RemovalPolicy.DESTROY,
    ...props,
  });

  // The SecureString parameters exist before the deployment and go after it.
  const parameters = `bash parameters.sh ${PROJECT}-${environment}`;
  const integ = new IntegTest(app, `${name}Test`, {
    testCases: [stack],
    hooks: { preDeploy: [`${parameters} put`], postDestroy: [`${parameters} delete`] },
    diffAssets: false,
  });

  const site = `https://${django.distribution.distributionDomainName}`;
  // CloudFront takes minutes to reach every edge after the stack is complete.
  const eventually = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) };
  // The site answers through CloudFront (Django's index page).
  integ.assertions.httpApiCall(`${site}/`)
    .expect(ExpectedResult.objectLike({ status: 200 }))
    .waitForAssertions(eventually);
  // The release step's collectstatic wrote to S3, and /static/* reaches it.
  integ.assertions.httpApiCall(`${site}/static/admin/css/base.css`)
    .expect(ExpectedResult.objectLike({ status: 200 }))
    .waitForAssertions(eventually);
  // Origin protection: the load balancer refuses requests without CloudFront's header.
  integ.assertions.httpApiCall(`http://${django.loadBalancer.loadBalancerDnsName}/`)
    .expect(ExpectedResult.objectLike({ status: 403 }));
  // The 5xx-rate alarm, one of the web service's deployment alarms, settles
  // in OK once CloudWatch evaluated it: the deployed version does not trip it
  // (a deployment it tripped would have been rolled back and failed the stack).
  const errorRateAlarm = django.alarms[0];
  integ.assertions.awsApiCall('CloudWatch', 'describeAlarms', { AlarmNames: [errorRateAlarm.alarmName] })
    .expect(ExpectedResult.objectLike({ MetricAlarms: [{ StateValue: 'OK' }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.minutes(1) });
  // The release step (migrate, collectstatic) succeeded before the service rolled out.
  integ.assertions.awsApiCall('CloudFormation', 'describeStackResource', {
    StackName: stack.stackName,
    LogicalResourceId: stack.getLogicalId(django.release!.node.defaultChild as CfnResource),
  }).expect(ExpectedResult.objectLike({ StackResourceDetail: { ResourceStatus: 'CREATE_COMPLETE' } }));
}

deployTest('Default', {});
// Certificates and aliases need a domain of one's own, so they are left out.
deployTest('Fullest', {
  vpcCidr: '10.0.0.0/16',
  publicSubnetCidrs: ['10.0.101.0/24', '10.0.102.0/24', '10.0.103.0/24'],
  privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
  natGateways: 3,
  containerSecrets: { EMAIL_HOST_PASSWORD: 'email_host_password' },
  containerEnvironment: { DJANGO_LOG_LEVEL: 'INFO' },
  databaseMultiAz: true,
  databaseBackupRetention: Duration.days(30),
  cpu: 1024,
  memoryLimitMiB: 2048,
  minCapacity: 3,
  maxCapacity: 12,
  enableExecuteCommand: true,
});

app.synth();
