import {
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  aws_certificatemanager as acm,
  aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';

/** Props of the `LoadBalancer` construct. */
export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly certificate?: acm.ICertificate;
  /** Forward only requests carrying CloudFront's secret header; answer others 403. */
  readonly originProtection: boolean;
  readonly accessLogsBucket: s3.IBucket;
  /** RETAIN turns deletion protection on; DESTROY (a disposable environment) leaves it off. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Name of the header CloudFront adds to prove a request came through it.
 *
 * Django sees it as `HTTP_X_ORIGIN_SECRET`, which matches the pattern of its
 * default `SafeExceptionReporterFilter` (`API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE`):
 * error reports and debug pages show it masked, never its value.
 */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Secret';

/**
 * The internet-facing ALB, its IP target group and its listeners: HTTP on 80
 * and, with a certificate, HTTPS on 443, both forwarding to the target group.
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly httpListener: elbv2.ApplicationListener;
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** The headers CloudFront must send; empty without origin protection. */
  public readonly originHeaders: { [name: string]: string } = {};

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      // An ALB takes at most one subnet per Availability Zone; round-robin
      // placement may put two public subnets in one zone.
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC, onePerAz: true },
      securityGroup: props.securityGroup,
      dropInvalidHeaderFields: true,
      // Like the database: an environment that keeps its data is not deleted by accident.
      deletionProtection: props.removalPolicy !== RemovalPolicy.DESTROY,
    });
    // The bucket policy for ALB access logs names the region's ELB log
    // delivery principal, so the region must be known at synthesis.
    if (!Token.isUnresolved(Stack.of(this).region)) {
      this.loadBalancer.logAccessLogs(props.accessLogsBucket, 'alb');
    } else {
      suppressNag(this.loadBalancer, {
        id: 'AwsSolutions-ELB2',
        reason: 'ALB access logging needs the region at synthesis to name its log-delivery principal; give the stack an env (account and region) to turn it on.',
      });
    }

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: props.containerPort,
      deregistrationDelay: Duration.seconds(120),
      healthCheck: {
        path: props.healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });

    // With origin protection the listeners refuse by default and forward only
    // requests that carry the secret CloudFront adds. The secret is generated
    // by Secrets Manager at deployment and reaches CloudFront and the rules
    // as dynamic references: its value is never in the template. Target
    // health checks do not pass through listeners, so they are unaffected.
    let verifiedValue: string | undefined;
    if (props.originProtection) {
      const originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
        description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront adds to requests to the load balancer`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
      suppressNag(originSecret, {
        id: 'AwsSolutions-SMG4',
        reason: 'Rotating the origin header needs CloudFront and the listener rules updated together; redeploy after replacing the secret instead.',
      });
      verifiedValue = originSecret.secretValue.unsafeUnwrap();
      this.originHeaders[ORIGIN_VERIFY_HEADER] = verifiedValue;
    }

    // CloudFront reaches the ALB over HTTP and redirects viewers to HTTPS
    // itself, so port 80 forwards rather than redirects. `open: false`: the
    // security group's rules are managed in SecurityGroups.
    this.httpListener = this.addListener('Http', 80, elbv2.ApplicationProtocol.HTTP, verifiedValue);
    if (props.certificate) {
      this.httpsListener = this.addListener('Https', 443, elbv2.ApplicationProtocol.HTTPS, verifiedValue, props.certificate);
    }
  }

  private addListener(
    id: string,
    port: number,
    protocol: elbv2.ApplicationProtocol,
    verifiedValue: string | undefined,
    certificate?: acm.ICertificate,
  ): elbv2.ApplicationListener {
    const forward = elbv2.ListenerAction.forward([this.targetGroup]);
    const listener = this.loadBalancer.addListener(id, {
      protocol,
      port,
      open: false,
      certificates: certificate ? [certificate] : undefined,
      sslPolicy: certificate ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      defaultAction: verifiedValue === undefined
        ? forward
        : elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }),
    });
    if (verifiedValue !== undefined) {
      listener.addAction('FromCloudFront', {
        priority: 1,
        conditions: [elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER, [verifiedValue])],
        action: forward,
      });
    }
    return listener;
  }
}
