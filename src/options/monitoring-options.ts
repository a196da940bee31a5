import type { Duration, aws_sns as sns } from 'aws-cdk-lib';

/**
 * Alarms, their notifications, deployment rollback on alarms, and the dashboard.
 */
export interface MonitoringOptions {
  /**
   * Email addresses subscribed to the alarm topic.
   *
   * Each address receives a confirmation email from SNS and gets
   * notifications only once it confirmed. They are subscribed to
   * `alarmTopic` when one is given, too.
   *
   * @default - none: the topic is created anyway; subscribe to it yourself (Slack through AWS Chatbot, a pager...)
   */
  readonly alarmEmails?: string[];

  /**
   * The SNS topic every alarm notifies, on ALARM and on OK, and the failed scheduled commands are reported to.
   *
   * A topic of your own must let `cloudwatch.amazonaws.com` and
   * `events.amazonaws.com` publish to it (and use its KMS key, if encrypted).
   * A topic defined in the same app gets those statements in its policy; a
   * topic imported by ARN keeps its policy, which is its owner's to grant.
   *
   * @default - a new topic, encrypted with a new KMS key, TLS only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Roll the web service back when the target 5xx-rate or the latency alarm goes off during a deployment.
   *
   * ECS watches the two alarms while a new version rolls out and for a bake
   * time after; if one goes into ALARM, ECS fails the deployment and rolls the
   * service back to the previous task definition. The database migrations
   * of the release step are not rolled back.
   *
   * @default true
   */
  readonly enableDeploymentAlarms?: boolean;

  /**
   * The p99 target response time above which the latency alarm goes off, from 0.1 s to 60 s.
   *
   * @default Duration.seconds(2)
   */
  readonly latencyAlarmThreshold?: Duration;
}
