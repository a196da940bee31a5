import { RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib';

/** Props of `privateBucketProps`. */
export interface PrivateBucketOptions {
  /** The environment's access-log bucket. */
  readonly accessLogsBucket: s3.IBucket;
  /** Key prefix of this bucket's server access logs, e.g. `static-bucket/`. */
  readonly accessLogsPrefix: string;
  /** RETAIN, or DESTROY for a disposable environment: the bucket is emptied and goes with the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * What every data bucket of the environment shares: all public access
 * blocked, object ownership enforced (no ACLs), SSE-S3, TLS only, versioned,
 * server access logs, and kept unless the environment is disposable.
 */
export function privateBucketProps(options: PrivateBucketOptions): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: options.accessLogsBucket,
    serverAccessLogsPrefix: options.accessLogsPrefix,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: options.removalPolicy === RemovalPolicy.DESTROY,
  };
}
