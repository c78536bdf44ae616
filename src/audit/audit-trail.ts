import {
  Annotations, ArnFormat, Duration, Names, RemovalPolicy, Stack, Validations,
  aws_cloudtrail as cloudtrail,
  aws_cloudwatch as cloudwatch,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CisBenchmarkAlarms } from './cis-benchmark-alarms';
import { CisControl } from './cis-controls';
import { newAccessLogsBucket } from './private/access-logs-bucket';
import { AlarmRouting, AlarmSeverity } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { allowLogsToUseKey } from '../private/log-group-key';
import { checkInteger, checkPattern, invalid } from '../private/validation';

/** Properties of an {@link AuditTrail}. */
export interface AuditTrailProps {
  /** Where the CIS and delivery alarms notify, as a shortcut for `routing: AlarmRouting.toTopic(topic)`. */
  readonly alertTopic: IAlertTopic;
  /**
   * Where the CIS and delivery alarms notify, by severity: the CIS alarms are INFO security
   * notifications (no OK notification), the delivery alarm is CRITICAL.
   * @default - every severity to `alertTopic`, with OK notifications
   */
  readonly routing?: AlarmRouting;
  /**
   * The trail's name.
   * @default - a name derived from the construct path
   */
  readonly trailName?: string;
  /**
   * The customer managed key that encrypts the log files, the bucket and the log group.
   * Must be a key of this app (its policy is extended for CloudTrail and CloudWatch Logs).
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.Key;
  /**
   * How long the CloudWatch Logs copy of the events is kept (the one the CIS filters and
   * Logs Insights read).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * When log files larger than 128 KB move to S3 Glacier Instant Retrieval. Smaller files
   * (most CloudTrail files) stay in S3 Standard: Glacier Instant Retrieval bills every
   * object as at least 128 KB and charges per transition, so moving them would cost more.
   * @default Duration.days(90)
   */
  readonly archiveAfter?: Duration;
  /**
   * When log files in the bucket are deleted.
   * @default Duration.days(365)
   */
  readonly expireAfter?: Duration;
  /**
   * S3 Object Lock on the trail bucket: every log file version is protected from deletion
   * and overwrite for `objectLockRetention`. In COMPLIANCE mode nobody, the root user
   * included, can shorten it. Object Lock cannot be turned off once the bucket has it.
   * @default - no Object Lock
   */
  readonly objectLockMode?: s3.ObjectLockMode;
  /**
   * How long Object Lock protects each log file version: whole days, at most `expireAfter`
   * (the lifecycle cannot delete a locked version). Required with `objectLockMode`.
   * @default - no Object Lock
   */
  readonly objectLockRetention?: Duration;
  /**
   * The bucket that receives the trail bucket's server access logs.
   * @default - a new bucket (SSE-S3, versioned, TLS only, kept 365 days)
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * The CIS controls to alarm on.
   * @default - every control of CisControl
   */
  readonly cisControls?: CisControl[];
  /**
   * How long the log group may go without any event before the delivery alarm fires
   * (missing data counts as no event).
   * @default Duration.hours(1)
   */
  readonly deliveryCheckPeriod?: Duration;
  /**
   * What happens to the bucket, log group and key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The trail's name and the bucket's lifecycle, checked. */
interface TrailSettings {
  readonly trailName: string;
  readonly archiveDays: number;
  readonly expireDays: number;
  readonly objectLock?: s3.ObjectLockRetention;
}

/** Glacier Instant Retrieval's minimum billable object size, and S3's default transition minimum. */
const ARCHIVE_MIN_BYTES = 128 * 1024;

const REPLICATION_REASON = 'Cross-Region replication of audit logs is a choice of the account owner '
  + '(a second Region, its key and its cost): enable it on this bucket when your policy requires it.';

/**
 * An account audit trail: a multi-Region CloudTrail trail with log file validation,
 * writing to a KMS-encrypted, versioned, TLS-only S3 bucket with server access logging,
 * block public access and a lifecycle, and to an encrypted CloudWatch Logs group with
 * the CIS AWS Foundations Benchmark metric filters and alarms.
 *
 * Cost: the first copy of management events is free; S3 storage, one KMS key ($1/month),
 * CloudWatch Logs ingestion ($0.50/GB), the CIS alarms and the delivery alarm ($0.10 each per month).
 *
 * @example
 * declare const alerts: AlertTopic;
 * new AuditTrail(this, 'Audit', { alertTopic: alerts });
 */
export class AuditTrail extends Construct {
  /** The trail. */
  public readonly trail: cloudtrail.CfnTrail;
  /** The trail's ARN. */
  public readonly trailArn: string;
  /** The bucket holding the log files. */
  public readonly bucket: s3.Bucket;
  /** The bucket receiving the log bucket's access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The CloudWatch Logs group the trail delivers to. */
  public readonly logGroup: logs.LogGroup;
  /** The key encrypting log files, bucket and log group. */
  public readonly encryptionKey: kms.Key;
  /** The CIS metric filters and alarms. */
  public readonly cisAlarms: CisBenchmarkAlarms;
  /** Fires when the log group receives no event for `deliveryCheckPeriod` (delivery broke). */
  public readonly deliveryAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const settings = this.validate(props);
    this.trailArn = Stack.of(this).formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: settings.trailName });
    this.encryptionKey = this.key(props, settings.trailName, removalPolicy);
    this.accessLogsBucket = props.accessLogsBucket ?? newAccessLogsBucket(this, removalPolicy, REPLICATION_REASON);
    this.bucket = this.newBucket(settings, removalPolicy);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.encryptionKey,
      removalPolicy,
    });
    const delivery = this.deliveryRole(settings.trailName);
    this.trail = this.newTrail(settings.trailName, delivery.role);
    this.trail.node.addDependency(this.bucket.policy!, delivery.policy);

    this.cisAlarms = new CisBenchmarkAlarms(this, 'Cis', {
      logGroup: this.logGroup,
      alertTopic: props.alertTopic,
      routing: props.routing,
      controls: props.cisControls,
    });
    const target = { alertTopic: props.alertTopic, routing: props.routing };
    this.deliveryAlarm = this.alarmOnNoEvents(target, props.deliveryCheckPeriod ?? Duration.hours(1));
  }

  /** The trail's name and the bucket's lifecycle and Object Lock, checked. */
  private validate(props: AuditTrailProps): TrailSettings {
    const trailName = props.trailName ?? Names.uniqueResourceName(this, { maxLength: 128 });
    checkPattern(this, 'trailName', trailName, /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/,
      '3-128 letters, digits, periods, underscores and dashes, starting with a letter or digit');
    const archiveDays = (props.archiveAfter ?? Duration.days(90)).toDays({ integral: false });
    const expireDays = (props.expireAfter ?? Duration.days(365)).toDays({ integral: false });
    checkInteger(this, 'archiveAfter (days)', archiveDays, 1, 36_500);
    checkInteger(this, 'expireAfter (days)', expireDays, 1, 36_500);
    if (expireDays <= archiveDays) invalid(this, 'expireAfter', `longer than archiveAfter (${archiveDays} days)`, `${expireDays} days`);
    // One period of a standard-resolution alarm: whole minutes, at most a day (CloudWatch's
    // longest single period with the alarm's window rules).
    const checkMinutes = (props.deliveryCheckPeriod ?? Duration.hours(1)).toMinutes({ integral: false });
    checkInteger(this, 'deliveryCheckPeriod (minutes)', checkMinutes, 1, 1440);
    return { trailName, archiveDays, expireDays, objectLock: this.objectLock(props, expireDays) };
  }

  /** The key of log files, bucket and log group, which CloudTrail and CloudWatch Logs may use. */
  private key(props: AuditTrailProps, trailName: string, removalPolicy: RemovalPolicy): kms.Key {
    const key = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the audit trail ${trailName}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.allowCloudTrailToUseKey(key);
    allowLogsToUseKey(this, key);
    return key;
  }

  /**
   * The bucket of the log files: KMS-encrypted, versioned, TLS only, access-logged, with a
   * lifecycle, and a policy that lets only this trail write.
   */
  private newBucket(settings: TrailSettings, removalPolicy: RemovalPolicy): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // S3 does not transition objects under 128 KB by default, and Glacier Instant Retrieval
      // would bill them as 128 KB anyway: the size filter says so and keeps the rule's
      // meaning whatever the bucket's default minimum size.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-lifecycleconfig.html
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare
      lifecycleRules: [{
        id: 'ArchiveLargeLogFiles',
        objectSizeGreaterThan: ARCHIVE_MIN_BYTES,
        transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(settings.archiveDays) }],
      }, {
        id: 'ExpireLogFiles',
        expiration: Duration.days(settings.expireDays),
        noncurrentVersionExpiration: Duration.days(30),
      }],
      objectLockEnabled: settings.objectLock !== undefined ? true : undefined,
      objectLockDefaultRetention: settings.objectLock,
      removalPolicy,
    });
    Validations.of(bucket).acknowledge({
      id: 'CloudFormation-Validate::W9003',
      reason: 'aws-cdk-lib writes ObjectSizeGreaterThan as a number; CloudFormation reads it as the string of the same bytes.',
    });
    this.logAccessTo(bucket, this.accessLogsBucket, 'audit-trail-bucket/');
    Validations.of(bucket).acknowledge({ id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: REPLICATION_REASON });
    Validations.of(bucket).acknowledge({ id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: REPLICATION_REASON });
    Validations.of(bucket).acknowledge({ id: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: REPLICATION_REASON });

    const sourceArn = { 'aws:SourceArn': this.trailArn };
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSCloudTrailAclCheck',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:GetBucketAcl'],
      resources: [bucket.bucketArn],
      conditions: { StringEquals: sourceArn },
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AWSCloudTrailWrite',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${Stack.of(this).account}/*`)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...sourceArn } },
    }));
    return bucket;
  }

  /**
   * The role CloudTrail delivers to the log group with. The trust policy CloudTrail documents
   * for it has no condition; an aws:SourceArn condition has been reported to stop delivery to
   * CloudWatch Logs without an error.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
   */
  private deliveryRole(trailName: string): { role: iam.Role; policy: iam.ManagedPolicy } {
    const role = new iam.Role(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: `Lets the trail ${trailName} deliver events to its log group`,
    });
    const policy = new iam.ManagedPolicy(this, 'LogsPolicy', {
      description: `Lets the trail ${trailName} write its log group only`,
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      })],
    });
    return { role, policy };
  }

  /** The multi-Region trail of management events, with log file validation. */
  private newTrail(trailName: string, logsRole: iam.IRole): cloudtrail.CfnTrail {
    return new cloudtrail.CfnTrail(this, 'Resource', {
      trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.encryptionKey.keyArn,
      s3BucketName: this.bucket.bucketName,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: logsRole.roleArn,
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
    });
  }

  /**
   * Every CIS alarm reads the log group: when delivery stops (role, key or trail changed),
   * they all go quiet. A trail with management events always has traffic (CloudTrail's own
   * KMS calls for the log files included), so no event in a whole period means delivery broke.
   */
  private alarmOnNoEvents(target: { alertTopic: IAlertTopic; routing?: AlarmRouting }, period: Duration): cloudwatch.Alarm {
    const events = new cloudwatch.Metric({
      namespace: 'AWS/Logs',
      metricName: 'IncomingLogEvents',
      dimensionsMap: { LogGroupName: this.logGroup.logGroupName },
      statistic: 'Sum',
      period,
    });
    // A period without events has no datapoint, and CloudWatch evaluates the newest real
    // datapoints of a wider range before missing data counts: FILL makes the empty period a 0,
    // so the alarm fires one period after the last event, not up to three.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data
    const set = new AlarmSet(this, 'Alarms', target);
    return set.addAlarm('NoEvents', new cloudwatch.MathExpression({
      expression: 'FILL(events, 0)',
      usingMetrics: { events },
      label: 'Audit events delivered',
      period,
    }), {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      evaluationPeriods: 1,
      severity: AlarmSeverity.CRITICAL,
      liveness: true,
      description: `The audit trail delivered no event to ${this.logGroup.logGroupName} in ${period.toHumanString()}: `
        + 'the CIS alarms see nothing until delivery works again. Check the trail\'s CloudWatch Logs status '
        + '(LatestCloudWatchLogsDeliveryError), its role and the key.',
    });
  }

  /** The Object Lock default retention, validated, when asked for. */
  private objectLock(props: AuditTrailProps, expireDays: number): s3.ObjectLockRetention | undefined {
    if (props.objectLockMode === undefined && props.objectLockRetention === undefined) return undefined;
    if (props.objectLockMode === undefined) invalid(this, 'objectLockMode', 'set with objectLockRetention', undefined);
    if (props.objectLockRetention === undefined) invalid(this, 'objectLockRetention', 'set with objectLockMode', undefined);
    const days = props.objectLockRetention.toDays({ integral: false });
    checkInteger(this, 'objectLockRetention (days)', days, 1, 36_500);
    if (days > expireDays) invalid(this, 'objectLockRetention', `at most expireAfter (${expireDays} days)`, `${days} days`);
    return props.objectLockMode === s3.ObjectLockMode.COMPLIANCE
      ? s3.ObjectLockRetention.compliance(Duration.days(days))
      : s3.ObjectLockRetention.governance(Duration.days(days));
  }

  /**
   * Server access logging of the trail bucket through a bucket policy on the target (the
   * method AWS recommends), whatever the app's feature flags: CDK's own wiring falls back
   * to ACLs, which need ObjectWriter ownership.
   */
  private logAccessTo(bucket: s3.Bucket, target: s3.IBucket, prefix: string): void {
    const stack = Stack.of(this);
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: target.bucketName,
      logFilePrefix: prefix,
    };
    const added = target.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsOfTheAuditTrailBucket',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [target.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }));
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2('cdk-watchkeeper:AuditTrail.accessLogsBucketPolicy',
        'Cannot add a policy to the imported access-logs bucket: allow logging.s3.amazonaws.com s3:PutObject on '
        + `${prefix}* (aws:SourceArn = the audit trail bucket) yourself, or no access logs are delivered.`);
    }
  }

  /** Lets CloudTrail encrypt this trail's log files with the key, and describe it. */
  private allowCloudTrailToUseKey(key: kms.Key): void {
    const stack = Stack.of(this);
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': this.trailArn },
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': stack.formatArn({
            service: 'cloudtrail', region: '*', resource: 'trail', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [cloudTrail],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
    }));
  }
}
