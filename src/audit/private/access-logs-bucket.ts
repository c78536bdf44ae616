import { Duration, RemovalPolicy, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The bucket for the audit trail bucket's server access logs. S3 delivers access logs only to
 * buckets encrypted with SSE-S3, and an access-log bucket logging to itself loops: both
 * findings are acknowledged on this bucket with those reasons, and replication with
 * `replicationReason`.
 */
export function newAccessLogsBucket(scope: Construct, removalPolicy: RemovalPolicy, replicationReason: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogsBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy,
  });
  const v = Validations.of(bucket);
  const kmsReason = 'S3 server access logs can only be delivered to a bucket encrypted with SSE-S3 (AES256); SSE-KMS is not supported for the target bucket.';
  const loggingReason = 'This bucket receives the server access logs of the audit trail bucket; logging it to itself would loop.';
  v.acknowledge({ id: 'AwsSolutions-S1', reason: loggingReason });
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
    v.acknowledge({ id: `${pack}-S3BucketLoggingEnabled`, reason: loggingReason });
    v.acknowledge({ id: `${pack}-S3DefaultEncryptionKMS`, reason: kmsReason });
    v.acknowledge({ id: `${pack}-S3BucketReplicationEnabled`, reason: replicationReason });
  }
  return bucket;
}
