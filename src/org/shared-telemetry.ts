/**
 * What a source account shares with the monitoring account through CloudWatch cross-account
 * observability. The sink policy and every link use the same list: a link that asks for a
 * type the sink policy does not allow fails to be created.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account-Setup.html
 */
export enum SharedTelemetryType {
  /** CloudWatch metrics (`AWS::CloudWatch::Metric`). */
  METRICS = 'AWS::CloudWatch::Metric',
  /** CloudWatch Logs log groups (`AWS::Logs::LogGroup`). */
  LOG_GROUPS = 'AWS::Logs::LogGroup',
  /** X-Ray traces (`AWS::XRay::Trace`); copies to a second and further monitoring account are billed. */
  TRACES = 'AWS::XRay::Trace',
}
