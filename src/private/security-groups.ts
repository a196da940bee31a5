import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';

/** Props of the `SecurityGroups` construct. */
export interface SecurityGroupsProps {
  readonly vpc: ec2.IVpc;
  readonly containerPort: number;
}

/** PostgreSQL's port, which the database listens on. */
export const DATABASE_PORT = 5432;

/**
 * The chained security groups: internet → ALB (80, 443) → service
 * (container port) → database (5432), plus the group of the tasks that take
 * no traffic (workers, scheduled commands, release and one-off tasks), which
 * admits nothing and reaches the database like the service. Nothing else is
 * let in.
 */
export class SecurityGroups extends Construct {
  public readonly loadBalancer: ec2.SecurityGroup;
  public readonly service: ec2.SecurityGroup;
  public readonly database: ec2.SecurityGroup;
  public readonly worker: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: SecurityGroupsProps) {
    super(scope, id);
    const { vpc, containerPort } = props;

    // The ALB only talks to the tasks; its egress is limited to them below.
    this.loadBalancer = new ec2.SecurityGroup(this, 'LoadBalancer', {
      vpc,
      description: 'Load balancer: HTTP and HTTPS from anywhere',
      allowAllOutbound: false,
    });
    // Tasks reach ECR, SSM, CloudWatch Logs, S3 and the database through the
    // NAT gateway or inside the VPC, on ports that vary by service.
    this.service = new ec2.SecurityGroup(this, 'Service', {
      vpc,
      description: 'Django service: container port from the load balancer only',
      allowAllOutbound: true,
    });
    // Workers, scheduled commands, release and one-off tasks serve nothing:
    // no ingress at all; their egress is the service's.
    this.worker = new ec2.SecurityGroup(this, 'Worker', {
      vpc,
      description: 'Django tasks without traffic (workers, scheduled commands, release, one-off): no ingress',
      allowAllOutbound: true,
    });
    // The database never opens connections itself. (Its description predates
    // the worker group; changing it would replace the group.)
    this.database = new ec2.SecurityGroup(this, 'Database', {
      vpc,
      description: 'PostgreSQL: 5432 from the Django service only',
      allowAllOutbound: false,
    });

    this.loadBalancer.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from anywhere');
    this.loadBalancer.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from anywhere');
    suppressNag(this.loadBalancer, {
      id: 'AwsSolutions-EC23',
      reason: 'The load balancer is the public entry point (CloudFront origin); with origin protection, requests without CloudFront\'s secret header get 403.',
    });
    this.service.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(containerPort), 'Container port from the load balancer');
    this.database.connections.allowFrom(this.service, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the Django service');
    this.database.connections.allowFrom(this.worker, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the Django workers and one-off tasks');
  }
}
