import { Duration, aws_certificatemanager as acm, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Props of the `LoadBalancer` construct. */
export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly certificate?: acm.ICertificate;
}

/**
 * The internet-facing ALB, its IP target group and its listeners: HTTP on 80
 * and, with a certificate, HTTPS on 443, both forwarding to the target group.
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly httpListener: elbv2.ApplicationListener;
  public readonly httpsListener?: elbv2.ApplicationListener;

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
    });

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

    // CloudFront reaches the ALB over HTTP and redirects viewers to HTTPS
    // itself, so port 80 forwards rather than redirects. `open: false`: the
    // security group's rules are managed in SecurityGroups.
    this.httpListener = this.loadBalancer.addListener('Http', {
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: 80,
      open: false,
      defaultTargetGroups: [this.targetGroup],
    });

    if (props.certificate) {
      this.httpsListener = this.loadBalancer.addListener('Https', {
        protocol: elbv2.ApplicationProtocol.HTTPS,
        port: 443,
        open: false,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultTargetGroups: [this.targetGroup],
      });
    }
  }
}
