import { checkEmf } from './emf-spec';

// The example of AWS's page "Specification: Embedded metric format"
// (CloudWatch_Embedded_Metric_Format_Specification), and documents that break one rule each.
const PAGE_EXAMPLE = {
  _aws: {
    Timestamp: 1574109732004,
    CloudWatchMetrics: [{ Namespace: 'lambda-function-metrics', Dimensions: [['functionVersion']], Metrics: [{ Name: 'time', Unit: 'Milliseconds' }] }],
  },
  functionVersion: '$LATEST',
  time: 100,
  requestId: '989ffbf8-9ace-4817-a57c-e4dd734019ee',
};
const withDirective = (change: object, root: object = {}) => JSON.stringify({
  ...PAGE_EXAMPLE, ...root, _aws: { ...PAGE_EXAMPLE._aws, CloudWatchMetrics: [{ ...PAGE_EXAMPLE._aws.CloudWatchMetrics[0], ...change }] },
});

describe('checkEmf', () => {
  test('accepts the specification page\'s own example, an empty dimension set and a metric array', () => {
    expect(checkEmf(JSON.stringify(PAGE_EXAMPLE))).toEqual([]);
    expect(checkEmf(withDirective({ Dimensions: [[]] }))).toEqual([]);
    expect(checkEmf(withDirective({}, { time: [1, 2, 3] }))).toEqual([]);
  });

  test.each([
    ['text around the JSON', `x ${JSON.stringify(PAGE_EXAMPLE)}`, /valid JSON object/],
    ['no _aws', JSON.stringify({ time: 1 }), /_aws member/],
    ['a Timestamp in seconds as a string', JSON.stringify({ ...PAGE_EXAMPLE, _aws: { ...PAGE_EXAMPLE._aws, Timestamp: '1574109732' } }), /Timestamp MUST be a number of milliseconds/],
    ['a dimension that is not a root member', withDirective({ Dimensions: [['service']] }), /dimension service MUST be a member of the root node/],
    ['a numeric dimension value', withDirective({}, { functionVersion: 7 }), /dimension target functionVersion MUST have a string value/],
    ['31 dimension keys', withDirective({ Dimensions: [Array.from({ length: 31 }, () => 'functionVersion')] }), /MUST NOT contain more than 30 dimension keys/],
    ['a string metric value', withDirective({}, { time: '100' }), /metric target time MUST be a numeric value/],
    ['a metric array of 101 values', withDirective({}, { time: Array.from({ length: 101 }, () => 1) }), /MUST NOT have more than 100 members/],
    ['101 metric definitions', withDirective({ Metrics: Array.from({ length: 101 }, () => ({ Name: 'time' })) }), /MUST NOT contain more than 100 MetricDefinition/],
    ['an unknown unit', withDirective({ Metrics: [{ Name: 'time', Unit: 'Millis' }] }), /Unit SHOULD be a valid CloudWatch unit/],
    ['a storage resolution of 30', withDirective({ Metrics: [{ Name: 'time', StorageResolution: 30 }] }), /StorageResolution is 1/],
    ['a nested metric target', withDirective({ Metrics: [{ Name: 'timing.total' }] }, { timing: { total: 1 } }), /metric timing.total MUST be a member of the root node/],
  ])('fails a document with %s', (_what, document, rule) => {
    expect(checkEmf(document).join('\n')).toMatch(rule);
  });
});
