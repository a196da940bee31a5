import { Duration, RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Props of the `Media` construct. */
export interface MediaProps {
  readonly accessLogsBucket: s3.IBucket;
  /** RETAIN, or DESTROY for a disposable environment: the uploads go with the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The bucket for user uploads (Django's `MEDIA`, django-storages' default
 * storage). Private: files are served through presigned URLs, never publicly
 * and not through CloudFront.
 */
export class Media extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Versions keep an overwritten or deleted upload recoverable.
      versioned: true,
      // Parts of abandoned multipart uploads are billed until aborted.
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'media-bucket/',
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
  }
}
