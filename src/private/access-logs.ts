import { Duration, RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';

/** Props of the `AccessLogs` construct. */
export interface AccessLogsProps {
  /** RETAIN, or DESTROY for a disposable environment: the logs go with the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/** aws-cdk-lib feature flag (cx-api S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY). */
const SERVER_ACCESS_LOGS_USE_BUCKET_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/** How long access logs are kept. */
export const ACCESS_LOG_RETENTION = Duration.days(90);

/**
 * One bucket for the access logs of the static bucket, CloudFront, the load
 * balancer and the VPC's flow logs, each under its own prefix.
 */
export class AccessLogs extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsProps) {
    super(scope, id);
    // Grant S3 server-access-log delivery through the bucket policy, not the
    // legacy LogDeliveryWrite ACL, whatever the app's feature flags say.
    this.node.setContext(SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // ALB access logs only support SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes through ACLs, so the bucket owner
      // must be able to take over the objects rather than ACLs being disabled.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: ACCESS_LOG_RETENTION, noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    suppressNag(this.bucket, {
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging its own accesses into itself would loop.',
    });
  }
}
