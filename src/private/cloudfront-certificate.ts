import {
  CustomResource,
  Duration,
  type RemovalPolicy,
  Stack,
  aws_certificatemanager as acm,
  aws_iam as iam,
  aws_route53 as route53,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { handlerProvider } from './handler-provider';
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

    const provider = handlerProvider(this, {
      handlerFolder: 'certificate-handler',
      purpose: 'us-east-1 certificate of the CloudFront distribution',
      roleDescription: 'Requests, validates and deletes the us-east-1 CloudFront certificate of one Django environment',
      frameworkRoleDescription: 'Custom-resource framework function of the CloudFront certificate',
      grant: (role) => {
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
      },
      handlerTimeout: Duration.seconds(60),
      queryInterval: Duration.seconds(30),
      totalTimeout: VALIDATION_TIMEOUT,
      removalPolicy: props.removalPolicy,
      handlerIdPrefix: 'CloudFrontCertificate',
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
