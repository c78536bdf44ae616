import {
  ArnFormat, CfnResource, ITaggableV2, Lazy, Stack, TagManager, TagType,
  aws_cloudwatch as cloudwatch,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LogQueryAlarmProps } from '../log-alarm-spec';

/**
 * `AWS::CloudWatch::LogAlarm` as an L1 of our own: aws-cdk-lib 2.263 (the floor) has no
 * `CfnLogAlarm`. Taggable like the generated L1s, so `Tags.of(...)` reaches it.
 */
class CfnLogAlarmResource extends CfnResource implements ITaggableV2 {
  public readonly cdkTagManager = new TagManager(TagType.KEY_VALUE, 'AWS::CloudWatch::LogAlarm', undefined, { tagPropertyName: 'Tags' });
}

/**
 * A CloudWatch log alarm (a managed Logs Insights scheduled query, evaluated M of N) that
 * takes actions like any other alarm. Created only by the alarm factory.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutLogAlarm.html
 */
export class LogQueryAlarm extends cloudwatch.AlarmBase {
  public readonly alarmArn: string;
  public readonly alarmName: string;
  public readonly resource: CfnResource;

  public constructor(scope: Construct, id: string, props: LogQueryAlarmProps) {
    super(scope, id, { physicalName: props.alarmName });
    const list = (get: () => string[] | undefined) => Lazy.list({ produce: () => get() }, { omitEmpty: true });
    this.resource = new CfnLogAlarmResource(this, 'Resource', {
      type: 'AWS::CloudWatch::LogAlarm',
      properties: {
        AlarmName: props.alarmName,
        AlarmDescription: props.alarmDescription,
        ComparisonOperator: props.comparisonOperator,
        Threshold: props.threshold,
        QueryResultsToEvaluate: props.queryResultsToEvaluate,
        QueryResultsToAlarm: props.queryResultsToAlarm,
        TreatMissingData: props.treatMissingData,
        ActionLogLineCount: props.actionLogLineCount,
        ActionLogLineRoleArn: props.actionLogLineRoleArn,
        ScheduledQueryConfiguration: props.scheduledQueryConfiguration,
        AlarmActions: list(() => this.alarmActionArns),
        OKActions: list(() => this.okActionArns),
        InsufficientDataActions: list(() => this.insufficientDataActionArns),
      },
    });
    // Ref of AWS::CloudWatch::LogAlarm is the alarm's name (its primary identifier).
    this.alarmName = this.getResourceNameAttribute(this.resource.ref);
    this.alarmArn = Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: this.alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}
