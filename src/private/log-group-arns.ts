import { ArnFormat, Stack, aws_logs as logs } from 'aws-cdk-lib';

/**
 * The two ARNs of a log group an IAM statement must name. The Service Authorization
 * Reference writes the `log-group` resource as `arn:…:log-group:NAME`, while CloudFormation's
 * `Arn` attribute (and `ILogGroup.logGroupArn`) ends in `:*`; actions are authorized against
 * either form depending on the API, so a grant names both.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
 */
export function logGroupArns(logGroup: logs.ILogGroup): string[] {
  return [
    logGroup.logGroupArn,
    Stack.of(logGroup).formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  ];
}
