import { lambdaPermissionStatement, snsDefaultPolicy } from './access-edges';
import { arnMatch, decide, globMatch, matchesCondition, servicePrincipal, settleConditions } from './policy-engine';
import { TemplateModel } from './template-model';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const group = (account: string, name: string) => `arn:aws:logs:us-east-1:${account}:log-group:${name}`;
const logsKeyPolicy = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Service: 'logs.us-east-1.amazonaws.com' },
    Action: 'kms:GenerateDataKey*',
    Resource: '*',
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:*' } },
  }],
};

describe('Proof policy engine', () => {
  test('matches ARNs part by part and globs with * and ?', () => {
    expect(arnMatch('arn:aws:cloudwatch:us-east-1:123456789012:alarm:*', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:a:b')).toBe(true);
    expect(arnMatch('arn:aws:cloudwatch:*:123456789012:alarm:*', 'arn:aws:cloudwatch:us-east-1:999999999999:alarm:a')).toBe(false);
    expect(arnMatch('arn:aws:logs:*', 'not-an-arn')).toBe(false);
    expect(globMatch('a?c*', 'abcdef')).toBe(true);
    expect(globMatch('a.c', 'abc')).toBe(false);
  });

  test('evaluates condition operators like IAM, and fails an operator it does not know', () => {
    expect(matchesCondition('StringEquals', ['x', 'y'], 'y')).toBe(true);
    expect(matchesCondition('StringEquals', 'x', undefined)).toBe(false);
    expect(matchesCondition('StringEqualsIfExists', 'x', undefined)).toBe(true);
    expect(matchesCondition('StringNotEquals', 'x', 'y')).toBe(true);
    expect(matchesCondition('ArnLike', 'arn:aws:logs:us-east-1:1:log-group:*', 'arn:aws:logs:us-east-1:1:log-group:/a')).toBe(true);
    expect(() => matchesCondition('NumericLessThan', '1', '0')).toThrow(/not supported/);
  });

  test('settles conditions on given keys: drops a statement whose condition fails, keeps the rest of one that holds', () => {
    const policy = { Statement: [{ Effect: 'Allow', Condition: { ArnLike: { 'k:ctx': 'arn:a:b:c:1:x/*' }, StringEquals: { 'aws:SourceAccount': '1' } } }] };
    expect(settleConditions(policy, ['k:ctx'], { 'k:ctx': 'arn:a:b:c:1:x/y' }).Statement).toEqual([{ Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } }]);
    expect(settleConditions(policy, ['k:ctx'], { 'k:ctx': 'arn:a:b:c:2:x/y' }).Statement).toEqual([]);
  });

  test('uses the Regional principal for CloudWatch Logs and the global one for other services', () => {
    expect(servicePrincipal('logs')).toEqual('logs.us-east-1.amazonaws.com');
    expect(servicePrincipal('cloudwatch')).toEqual('cloudwatch.amazonaws.com');
  });

  test('fails a service principal in the other form: the engine matches principals by exact string', async () => {
    const request = { principal: 'logs.amazonaws.com', action: 'kms:GenerateDataKey', resource: KEY, context: { 'kms:EncryptionContext:aws:logs:arn': group('123456789012', '/a') } };
    expect(await decide(request, { resource: logsKeyPolicy })).toEqual('ImplicitlyDenied');
    expect(await decide({ ...request, principal: servicePrincipal('logs') }, { resource: logsKeyPolicy })).toEqual('Allowed');
  });

  test('verifies the encryption-context condition the engine drops', async () => {
    const use = (arn: string) => decide({ principal: servicePrincipal('logs'), action: 'kms:GenerateDataKey', resource: KEY, context: { 'kms:EncryptionContext:aws:logs:arn': arn } }, { resource: logsKeyPolicy });
    expect(await use(group('123456789012', '/app'))).toEqual('Allowed');
    expect(await use(group('999999999999', '/app'))).toEqual('ImplicitlyDenied');
  });

  test('models SNS\'s default topic policy: the owner account\'s alarms may publish, others may not', async () => {
    const publish = (account: string) => decide({
      principal: 'cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      resource: TOPIC,
      context: { 'aws:SourceOwner': account, 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${account}:alarm:a` },
    }, { resource: snsDefaultPolicy(TOPIC) });
    expect(await publish('123456789012')).toEqual('Allowed');
    expect(await publish('999999999999')).toEqual('ImplicitlyDenied');
  });

  test('evaluates a Lambda permission as the function\'s resource policy', async () => {
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/r';
    const policy = { Version: '2012-10-17', Statement: [lambdaPermissionStatement({ Action: 'lambda:InvokeFunction', FunctionName: fn, Principal: 'events.amazonaws.com', SourceArn: rule })] };
    const invoke = (source: string) => decide({ principal: 'events.amazonaws.com', action: 'lambda:InvokeFunction', resource: fn, context: { 'aws:SourceArn': source } }, { resource: policy });
    expect(await invoke(rule)).toEqual('Allowed');
    expect(await invoke(rule.replace('rule/r', 'rule/other'))).toEqual('ImplicitlyDenied');
  });

  test('resolves intrinsics and each type\'s Ref and Arn', () => {
    const m = new TemplateModel({
      Resources: {
        T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } },
        G: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/app' } },
        A: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
      },
    }, 'S');
    expect(m.resolve({ Ref: 'T' })).toEqual('arn:aws:sns:us-east-1:123456789012:alerts');
    expect(m.resolve({ 'Fn::GetAtt': ['G', 'Arn'] })).toEqual('arn:aws:logs:us-east-1:123456789012:log-group:/app:*');
    expect(m.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${G}' })).toEqual('arn:aws:x:us-east-1:123456789012:/app');
    expect(m.resolve({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['A', 'Arn'] }]] })).toMatch(/^arn:aws:cloudwatch:us-east-1:123456789012:alarm:S-A-/);
  });
});
