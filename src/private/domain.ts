import {
  type RemovalPolicy,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_elasticloadbalancingv2 as elbv2,
  aws_route53 as route53,
  aws_route53_targets as targets,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CloudFrontCertificate } from './cloudfront-certificate';

/** Props of the `Domain` construct; validated: every name is in the zone, the zone is public. */
export interface DomainProps {
  readonly hostedZone: route53.IHostedZone;
  readonly domainNames: readonly string[];
  /** The load balancer's certificate the user gave; none is made then. */
  readonly certificate?: acm.ICertificate;
  /** A certificate the user gave that CloudFront can use; none is made for CloudFront then. */
  readonly cloudFrontCertificate?: acm.ICertificate;
  /** The stack deploys to us-east-1 (known at synthesis): one certificate made there serves both. */
  readonly inUsEast1: boolean;
  /** For the log groups of the certificate custom resource. */
  readonly removalPolicy: RemovalPolicy;
}

/** The name CloudFront reaches the load balancer by: `origin.` + the first domain name (a wildcard's `*.` dropped). */
export function originDomainName(domainNames: readonly string[]): string {
  return `origin.${domainNames[0].replace(/^\*\./, '')}`;
}

/**
 * A site's names in its public hosted zone: the load balancer's certificate
 * (made unless given), DNS-validated in the zone, covering every domain name
 * and the origin name; and, once the distribution exists, the alias records.
 */
export class Domain extends Construct {
  /** The load balancer's certificate: the given one, or the one made here. */
  public readonly loadBalancerCertificate: acm.ICertificate;
  /**
   * The name that resolves to the load balancer and that its certificate
   * covers, so CloudFront may reach it over HTTPS; only when the certificate
   * is made here (a given one may not cover it).
   */
  public readonly originDomainName?: string;
  /** CloudFront's certificate, in us-east-1: the given one, or one made here. */
  public readonly cloudFrontCertificate: acm.ICertificate;

  private readonly hostedZone: route53.IHostedZone;
  private readonly domainNames: readonly string[];
  private readonly originName: string;

  constructor(scope: Construct, id: string, props: DomainProps) {
    super(scope, id);
    this.hostedZone = props.hostedZone;
    this.domainNames = props.domainNames;
    this.originName = originDomainName(props.domainNames);

    if (props.certificate) {
      this.loadBalancerCertificate = props.certificate;
    } else {
      // In the stack's region, like the load balancer. ACM adds one CNAME
      // per name to the zone and waits for the validation.
      const [first, ...others] = props.domainNames;
      this.loadBalancerCertificate = new acm.Certificate(this, 'LoadBalancerCertificate', {
        domainName: first,
        subjectAlternativeNames: [...others, this.originName],
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      });
      this.originDomainName = this.originName;
    }

    if (props.cloudFrontCertificate) {
      this.cloudFrontCertificate = props.cloudFrontCertificate;
    } else if (props.inUsEast1 && !props.certificate) {
      // The load balancer's certificate is in us-east-1 too: it covers every
      // name, and the origin name does CloudFront no harm.
      this.cloudFrontCertificate = this.loadBalancerCertificate;
    } else {
      // Another region, or one unknown at synthesis: a certificate made in
      // us-east-1 by a custom resource, for the domain names only.
      this.cloudFrontCertificate = new CloudFrontCertificate(this, 'CloudFrontCertificate', {
        hostedZone: props.hostedZone,
        domainNames: props.domainNames,
        removalPolicy: props.removalPolicy,
      }).certificate;
    }
  }

  /**
   * A and AAAA alias records for every domain name to the distribution, and
   * with a certificate made here, an A record for the origin name to the
   * load balancer (which has IPv4 addresses only).
   */
  public addRecords(distribution: cloudfront.IDistribution, loadBalancer: elbv2.ILoadBalancerV2): void {
    const toDistribution = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(distribution));
    for (const recordName of this.domainNames) {
      // Ids by name: reordering the names changes nothing, and a record is
      // never replaced by one of the same name (which Route 53 would refuse).
      new route53.ARecord(this, `Alias-${recordName}`, { zone: this.hostedZone, recordName, target: toDistribution });
      new route53.AaaaRecord(this, `AliasIpv6-${recordName}`, { zone: this.hostedZone, recordName, target: toDistribution });
    }
    // Only the name CloudFront uses: a given certificate may not cover it.
    if (this.originDomainName) {
      new route53.ARecord(this, 'Origin', {
        zone: this.hostedZone,
        recordName: this.originDomainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(loadBalancer)),
      });
    }
  }
}
