import type { aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_route53 as route53 } from 'aws-cdk-lib';

/**
 * TLS and public names: the load balancer's HTTPS listener and the CloudFront distribution.
 */
export interface DistributionOptions {
  /**
   * ACM certificate for the load balancer's HTTPS listener (port 443).
   *
   * It must be in the stack's region. When it is in us-east-1 and
   * `domainNames` are set, CloudFront uses it too; otherwise give CloudFront
   * its own with `cloudFrontCertificate`.
   *
   * @default - no HTTPS listener on the load balancer (port 80 only)
   */
  readonly certificate?: acm.ICertificate;

  /**
   * ACM certificate in us-east-1 for CloudFront, when `certificate` is in another region.
   *
   * Requires `domainNames`: CloudFront serves a custom certificate only for its aliases.
   *
   * @default - `certificate`, if it is in us-east-1
   */
  readonly cloudFrontCertificate?: acm.ICertificate;

  /**
   * Alternate domain names (aliases) of the CloudFront distribution, e.g. `['www.example.com']`.
   *
   * Needs a certificate CloudFront can use: `cloudFrontCertificate`,
   * `certificate` when it is in us-east-1, or a `hostedZone` holding the
   * names, in which the construct makes the certificates and the DNS
   * records. Without `hostedZone`, point the names' DNS records at the
   * distribution yourself. When the certificate is an `acm.Certificate`
   * created in the app, every name must be one of its names or match one of
   * its wildcards (`*.example.com` covers one label), else synthesis fails.
   * Every container gets `DJANGO_CSRF_TRUSTED_ORIGINS`
   * = `https://<name>` for each name, comma-separated.
   *
   * @default - the distribution's own `*.cloudfront.net` name only
   */
  readonly domainNames?: string[];

  /**
   * The public Route 53 hosted zone holding every `domainNames` entry: certificates and DNS records are made for you.
   *
   * In the zone, DNS-validated: CloudFront's certificate in us-east-1
   * (unless `cloudFrontCertificate`, or `certificate` in us-east-1, is given)
   * and the load balancer's certificate in the stack's region (unless
   * `certificate` is given); A and AAAA alias records for every name to the
   * distribution. When the construct makes the load balancer's certificate,
   * it also covers `origin.<first domain name>`, an A alias record points
   * that name at the load balancer, and CloudFront reaches the load balancer
   * by it over HTTPS only. Requires `domainNames`, all inside the zone; the
   * zone must be public.
   *
   * @default - no DNS records and no certificates are made
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * CloudFront price class: which edge locations serve the site.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * Refuse requests that reach the load balancer without coming through this distribution.
   *
   * CloudFront adds an `X-Origin-Secret` header whose value Secrets Manager
   * generates at deployment; both listeners forward to the service only when
   * the header matches and answer 403 otherwise. Django's error reports mask
   * it (its name contains `SECRET`). The value never appears in
   * the template. Turn it off only if clients must call the load balancer
   * directly.
   *
   * @default true
   */
  readonly originProtection?: boolean;
}
