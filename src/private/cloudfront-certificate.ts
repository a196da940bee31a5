import * as fs from 'fs';
import * as path from 'path';
import {
  CustomResource,
  Duration,
  type RemovalPolicy,
  Stack,
  aws_certificatemanager as acm,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_route53 as route53,
  aws_stepfunctions as sfn,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';
import { CLOUDFRONT_CERTIFICATE_REGION } from './validation';

/** Props of the `CloudFrontCertificate` construct; validated: every name is in the public zone. */
export interface CloudFrontCertificateProps {
  readonly hostedZone: route53.IHostedZone;
  readonly domainNames: readonly string[];
  /** RETAIN or DESTROY: the handler's log groups. The certificate itself always goes with the resource. */
  readonly removalPolicy: RemovalPolicy;
}

/** How long the deployment waits for DNS validation (usually minutes) before it fails and rolls back. */
export const VALIDATION_TIMEOUT = Duration.minutes(60);

/** The compiled certificate handler, found like the release handler's (see release.ts). */
function handlerDirectory(): string {
  const dir = path.resolve(__dirname, '..', '..', 'lib', 'private', 'certificate-handler');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`The certificate handler is not compiled (${dir}/index.js is missing): run \`npx projen compile\` first`);
  }
  return dir;
}

/**
 * A DNS-validated ACM certificate in us-east-1 for CloudFront's aliases,
 * from a stack in any region: a custom resource whose handler requests the
 * certificate, writes its validation records into the zone, waits for it to
 * be issued, and deletes both when the resource goes (see
 * certificate-handler/index.ts for the whole lifecycle).
 *
 * aws-cdk-lib has no supported way to do this in one stack: its
 * `DnsValidatedCertificate` (the same idea) is deprecated, and
 * `crossRegionReferences` needs a second stack in us-east-1.
 */
export class CloudFrontCertificate extends Construct {
  public readonly certificate: acm.ICertificate;
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: CloudFrontCertificateProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const handlerLogs = new logs.LogGroup(this, 'HandlerLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Requests, validates and deletes the us-east-1 CloudFront certificate of one Django environment',
    });
    handlerLogs.grantWrite(role);
    const certificates = stack.formatArn({
      service: 'acm',
      region: CLOUDFRONT_CERTIFICATE_REGION,
      resource: 'certificate',
      resourceName: '*',
    });
    const names = [...props.domainNames];
    // A request names no certificate yet: it is limited to us-east-1, DNS
    // validation and exactly these names instead.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['acm:RequestCertificate'],
      resources: ['*'],
      conditions: {
        'StringEquals': { 'aws:RequestedRegion': CLOUDFRONT_CERTIFICATE_REGION, 'acm:ValidationMethod': 'DNS' },
        'ForAllValues:StringEquals': { 'acm:DomainNames': names },
      },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      // AddTagsToCertificate: RequestCertificate tags the certificate it makes.
      actions: ['acm:AddTagsToCertificate', 'acm:DescribeCertificate', 'acm:ListTagsForCertificate', 'acm:DeleteCertificate'],
      resources: [certificates],
    }));
    // Finds an earlier request's certificate, and the other certificates that
    // share validation records; ListCertificates has no resource-level permission.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['acm:ListCertificates'], resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [props.hostedZone.hostedZoneArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'DELETE'],
        },
        // ACM's validation records: _<token>.<name>.
        'ForAllValues:StringLike': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [...new Set(names.map((n) => `_*.${n.replace(/^\*\./, '')}`))],
        },
      },
    }));
    suppressNag(role.node.findChild('DefaultPolicy'), {
      id: 'AwsSolutions-IAM5',
      reason: 'A certificate ARN is known only once ACM made it: the request is limited by conditions to us-east-1, DNS validation and these names, the other ACM actions to the account\'s us-east-1 certificates; acm:ListCertificates has no resource-level permission.',
      appliesTo: ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:acm:us-east-1:.*:certificate\\/\\*$/' }],
    });

    const code = lambda.Code.fromAsset(handlerDirectory(), { exclude: ['*.ts'] });
    const handler = (handlerId: string, name: string) => new lambda.Function(this, handlerId, {
      runtime: lambda.determineLatestNodeRuntime(this),
      code,
      handler: `index.${name}`,
      role,
      logGroup: handlerLogs,
      timeout: Duration.seconds(60),
      memorySize: 256,
      description: `us-east-1 certificate of the CloudFront distribution (${name})`,
    });

    const frameworkRole = (roleId: string) => {
      const r = new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Custom-resource framework function of the CloudFront certificate',
      });
      handlerLogs.grantWrite(r);
      return r;
    };
    const onEventRole = frameworkRole('FrameworkOnEventRole');
    const completeRole = frameworkRole('FrameworkCompleteRole');
    const stateMachineLogs = new logs.LogGroup(this, 'WaiterLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler('OnEvent', 'onEvent'),
      isCompleteHandler: handler('IsComplete', 'isComplete'),
      queryInterval: Duration.seconds(30),
      totalTimeout: VALIDATION_TIMEOUT,
      frameworkOnEventRole: onEventRole,
      frameworkCompleteAndTimeoutRole: completeRole,
      logGroup: handlerLogs,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const r of [onEventRole, completeRole]) {
      suppressNag(r.node.findChild('DefaultPolicy'), {
        id: 'AwsSolutions-IAM5',
        reason: 'aws-cdk-lib\'s Provider framework invokes the certificate handlers by ARN including their versions (arn:*).',
        appliesTo: [{ regex: '/^Resource::<.*CloudFrontCertificate(OnEvent|IsComplete).*\\.Arn>:\\*$/' }],
      });
    }
    const waiter = provider.node.findChild('waiter-state-machine');
    suppressNag(waiter.node.findChild('Role').node.findChild('DefaultPolicy'), {
      id: 'AwsSolutions-IAM5',
      reason: 'The waiter state machine invokes the framework functions including their versions (arn:*), and CloudWatch Logs delivery actions have no resource-level permissions.',
      appliesTo: ['Resource::*', { regex: '/^Resource::<.*Provider.*\\.Arn>:\\*$/' }],
    });
    suppressNag(waiter.node.findChild('Resource'), {
      id: 'AwsSolutions-SF2',
      reason: 'aws-cdk-lib\'s Provider framework does not expose X-Ray tracing for its waiter state machine; it logs every event instead.',
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DjangoCloudFrontCertificate',
      properties: {
        DomainNames: [...props.domainNames],
        HostedZoneId: props.hostedZone.hostedZoneId,
        StackRegion: stack.region,
      },
    });
    this.certificate = acm.Certificate.fromCertificateArn(this, 'Certificate', this.resource.ref);
  }
}
