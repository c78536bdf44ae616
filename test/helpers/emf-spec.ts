/**
 * A checker of CloudWatch Embedded Metric Format documents, written from AWS's page
 * "Specification: Embedded metric format"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html,
 * page id CloudWatch_Embedded_Metric_Format_Specification). Each rule names the section it
 * comes from; `checkEmf` returns the rules a document breaks (none for a valid one).
 */

/** Units a MetricDefinition's Unit may name (the page's JSON schema, "MetricUnit"). */
export const EMF_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits',
  'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second',
  'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
];

/** The largest event: "subject to the same limits as standard CloudWatch Logs events", 1 MB. */
const MAX_EVENT_BYTES = 1_048_576;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** The rules the document (one log event's message) breaks. */
export function checkEmf(message: string): string[] {
  const errors: string[] = [];
  if (Buffer.byteLength(message) > MAX_EVENT_BYTES) errors.push('structure: the event is larger than a CloudWatch Logs event may be (1 MB)');
  let root: unknown;
  try {
    root = JSON.parse(message);
  } catch {
    return [...errors, 'root node: the LogEvent message MUST be a valid JSON object with no additional data'];
  }
  if (!isObject(root)) return [...errors, 'root node: the LogEvent message MUST be a valid JSON object'];
  const aws = root._aws;
  if (!isObject(aws)) return [...errors, 'root node: MUST contain the _aws member, an object (metadata object)'];
  // Metadata object: CloudWatchMetrics (array of MetricDirective) and Timestamp (ms since the epoch).
  if (!Number.isInteger(aws.Timestamp) || (aws.Timestamp as number) < 0) {
    errors.push('metadata object: Timestamp MUST be a number of milliseconds after Jan 1, 1970 00:00:00 UTC');
  }
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...errors, 'metadata object: MUST contain CloudWatchMetrics, an array of MetricDirective objects'];
  aws.CloudWatchMetrics.forEach((directive, i) => {
    const at = `MetricDirective ${i}`;
    if (!isObject(directive)) {
      errors.push(`${at}: MUST be an object`);
      return;
    }
    // MetricDirective: Namespace, Dimensions (DimensionSet array), Metrics (at most 100 MetricDefinitions).
    if (typeof directive.Namespace !== 'string' || directive.Namespace.length < 1 || directive.Namespace.length > 255) {
      errors.push(`${at}: Namespace MUST be a string (1-255 characters)`);
    }
    if (!Array.isArray(directive.Dimensions)) {
      errors.push(`${at}: Dimensions MUST be a DimensionSet array`);
    } else {
      directive.Dimensions.forEach((set, j) => {
        if (!Array.isArray(set) || set.some(d => typeof d !== 'string')) {
          errors.push(`${at} DimensionSet ${j}: MUST be an array of strings`);
          return;
        }
        if (set.length > 30) errors.push(`${at} DimensionSet ${j}: MUST NOT contain more than 30 dimension keys`);
        for (const key of set) {
          // Target members: on the root node, not nested; a dimension target MUST have a string value.
          if (!(key in root)) errors.push(`${at} DimensionSet ${j}: dimension ${key} MUST be a member of the root node (target member)`);
          else if (typeof root[key] !== 'string') errors.push(`${at} DimensionSet ${j}: dimension target ${key} MUST have a string value`);
        }
      });
    }
    if (!Array.isArray(directive.Metrics)) {
      errors.push(`${at}: Metrics MUST be an array of MetricDefinition objects`);
      return;
    }
    if (directive.Metrics.length > 100) errors.push(`${at}: Metrics MUST NOT contain more than 100 MetricDefinition objects`);
    directive.Metrics.forEach((definition, k) => {
      const where = `${at} MetricDefinition ${k}`;
      if (!isObject(definition) || typeof definition.Name !== 'string' || definition.Name.length === 0) {
        errors.push(`${where}: MUST contain Name, a string reference to a target member`);
        return;
      }
      if (definition.Unit !== undefined && !EMF_UNITS.includes(String(definition.Unit))) {
        errors.push(`${where}: Unit SHOULD be a valid CloudWatch unit, got ${String(definition.Unit)}`);
      }
      if (definition.StorageResolution !== undefined && definition.StorageResolution !== 1 && definition.StorageResolution !== 60) {
        errors.push(`${where}: StorageResolution is 1 (high resolution) or 60 (standard)`);
      }
      // A metric target MUST be a numeric value or an array of at most 100 numeric values.
      const target = root[definition.Name];
      if (target === undefined) {errors.push(`${where}: metric ${definition.Name} MUST be a member of the root node (target member)`);} else if (Array.isArray(target)) {
        if (!target.every(isNumber)) errors.push(`${where}: metric target ${definition.Name} MUST be numeric values`);
        if (target.length > 100) errors.push(`${where}: a numeric array metric target MUST NOT have more than 100 members`);
      } else if (!isNumber(target)) {errors.push(`${where}: metric target ${definition.Name} MUST be a numeric value or an array of numeric values`);}
    });
  });
  return errors;
}
