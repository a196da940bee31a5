import {
  Duration,
  Names,
  type RemovalPolicy,
  Stack,
  Token,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_elasticloadbalancingv2 as elbv2,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';
import { privateBucketProps } from './private-bucket';

/**
 * Regions whose buckets CloudFront does not deliver standard logs to: a
 * distribution logging to a bucket there fails to deploy.
 */
export const NO_CLOUDFRONT_LOG_REGIONS = ['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'];

/** Days an overwritten or deleted static file's old version is kept (for rolling back). */
export const STATIC_NONCURRENT_VERSION_DAYS = 30;

/** Props of the `StaticFiles` construct. */
export interface StaticFilesProps {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly priceClass: cloudfront.PriceClass;
  readonly certificate?: acm.ICertificate;
  readonly domainNames?: string[];
  /**
   * A name that resolves to the load balancer and that its certificate
   * covers: CloudFront then reaches it over HTTPS only.
   */
  readonly originDomainName?: string;
  /** Headers CloudFront adds to every request to the load balancer (origin protection). */
  readonly originHeaders: { [name: string]: string };
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
}

/** Path pattern CloudFront sends to the bucket; Django's `STATIC_URL` must be `/static/`. */
export const STATIC_PATH_PATTERN = '/static/*';

/**
 * The static-files bucket and the CloudFront distribution in front of the
 * whole site: `/static/*` from the bucket, everything else from the ALB.
 */
export class StaticFiles extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: StaticFilesProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketProps({
        accessLogsBucket: props.accessLogsBucket,
        accessLogsPrefix: 'static-bucket/',
        removalPolicy: props.removalPolicy,
      }),
      // Every collectstatic overwrites files: keep their old versions long
      // enough to roll back, not forever.
      lifecycleRules: [{ id: 'ExpireOldVersions', noncurrentVersionExpiration: Duration.days(STATIC_NONCURRENT_VERSION_DAYS) }],
    });

    // Dynamic pages: nothing cached, everything the viewer sent forwarded.
    // CloudFront-Forwarded-Proto tells Django the viewer's protocol, whatever
    // CloudFront uses to reach the ALB (SECURE_PROXY_SSL_HEADER).
    const forwardEverything = new cloudfront.OriginRequestPolicy(this, 'ForwardEverything', {
      // Policy names are unique per account, and aws-cdk-lib's generated one
      // has no region in it (aws/aws-cdk#34336): the same stack name in two
      // regions of one account would collide.
      originRequestPolicyName: `${Names.uniqueResourceName(this, { maxLength: 96 })}-Pages-${Stack.of(this).region}`,
      comment: 'Django pages: all viewer headers, cookies and query strings, plus the viewer protocol',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.all('CloudFront-Forwarded-Proto', 'CloudFront-Viewer-Address'),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
    });

    // No certificate covers the ALB's own DNS name, so without a name of its
    // own that one covers, CloudFront reaches the ALB over HTTP; viewers are
    // redirected to HTTPS at the edge either way.
    const originOptions = {
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(60),
      customHeaders: props.originHeaders,
    };
    const originToLoadBalancer = props.originDomainName
      ? new origins.HttpOrigin(props.originDomainName, { ...originOptions, protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY })
      : new origins.LoadBalancerV2Origin(props.loadBalancer, { ...originOptions, protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY });

    const useCertificate = Boolean(props.certificate && props.domainNames && props.domainNames.length > 0);
    // The access-log bucket is in the stack's region.
    const region = Stack.of(this).region;
    const cloudFrontLogs = Token.isUnresolved(region) || !NO_CLOUDFRONT_LOG_REGIONS.includes(region);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Django site: /static/* from S3, everything else from the load balancer',
      priceClass: props.priceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      domainNames: useCertificate ? props.domainNames : undefined,
      certificate: useCertificate ? props.certificate : undefined,
      // Only a custom certificate has a TLS policy to choose: with CloudFront's
      // own certificate both settings are ignored (and aws-cdk-lib warns).
      minimumProtocolVersion: useCertificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      sslSupportMethod: useCertificate ? cloudfront.SSLMethod.SNI : undefined,
      enableLogging: cloudFrontLogs,
      logBucket: cloudFrontLogs ? props.accessLogsBucket : undefined,
      logFilePrefix: cloudFrontLogs ? 'cloudfront/' : undefined,
      defaultBehavior: {
        origin: originToLoadBalancer,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: forwardEverything,
        compress: true,
      },
      // Additional behaviors are matched before the default one, so /static/*
      // really reaches the bucket.
      additionalBehaviors: {
        [STATIC_PATH_PATTERN]: {
          origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          compress: true,
        },
      },
    });

    suppressNag(this.distribution,
      {
        id: 'AwsSolutions-CFR1',
        reason: 'A public website is served to every country; add a geo restriction through `distribution` if yours must not be.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'WAF rules and their cost depend on the application; associate a web ACL through `distribution` when one is wanted.',
      },
    );
    if (!props.originDomainName) {
      suppressNag(this.distribution, {
        id: 'AwsSolutions-CFR5',
        reason: 'CloudFront reaches the ALB over HTTP because no certificate covers the ALB DNS name; origin protection restricts the ALB to this distribution.',
      });
    }
    if (!cloudFrontLogs) {
      suppressNag(this.distribution, {
        id: 'AwsSolutions-CFR3',
        reason: `CloudFront does not deliver standard logs to buckets in ${region}, where the access-log bucket is; the load balancer's access logs record the requests that reach it.`,
      });
    }
    if (!useCertificate) {
      suppressNag(this.distribution, {
        id: 'AwsSolutions-CFR4',
        reason: 'Without domainNames the distribution uses the default *.cloudfront.net certificate, whose minimum TLS version cannot be set; give domainNames and a certificate to enforce TLSv1.2_2021.',
      });
    }
  }
}
