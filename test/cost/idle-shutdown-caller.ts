// The idle-shutdown function as AWS sees it: its settings and its role's policies, read from
// a synthesized stack, and a caller whose every request is decided by the IAM policy engine
// (test/proof/policy-engine.ts) against those policies. The fake AWS (fake-aws.ts) asks it
// before it answers, as AWS does.
import { Stack, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Caller } from './fake-aws';
import { AlertTopic, IdleShutdown, IdleShutdownProps } from '../../src';
import { IdleSettings } from '../../src/cost/idle-decision.pure';
import { settingsFromEnv } from '../../src/cost/idle-shutdown.lambda';
import { newStack } from '../helpers';
import { decide } from '../proof/policy-engine';
import { TemplateModel, asArray } from '../proof/template-model';

type Json = any;

/** The function of a synthesized stack: its settings, and what its role may do. */
export interface IdleShutdownFunction {
  readonly settings: IdleSettings;
  readonly env: Record<string, string>;
  readonly caller: Caller;
  /** The tags of the stack's first instance, as EC2 will report them. */
  readonly instanceTags: Record<string, string>;
}

/** Reads the idle-shutdown function of a synthesized stack. */
export function idleShutdownFunction(stack: Stack): IdleShutdownFunction {
  const model = new TemplateModel(Template.fromStack(stack).toJSON(), stack.stackName);
  const fnId = model.ofType('AWS::Lambda::Function').find(id => model.props(id).Environment?.Variables?.OPT_IN_TAG_KEY !== undefined);
  if (!fnId) throw new Error(`no idle-shutdown function in ${stack.stackName}`);
  const env = model.resolve(model.props(fnId).Environment.Variables) as Record<string, string>;
  const roleArn = String(model.resolve(model.props(fnId).Role));
  const roleId = model.ofType('AWS::IAM::Role').find(id => model.arn(id) === roleArn)!;
  // Read when asked, so that a test may change the template first.
  const policies = () => model.ofType('AWS::IAM::ManagedPolicy')
    .filter(id => asArray(model.props(id).Roles).some((r: Json) => r?.Ref === roleId))
    .map(id => model.resolve(model.props(id).PolicyDocument));
  const decided = new Map<string, Promise<boolean>>();
  const caller: Caller = {
    may(action, resource, context = {}) {
      const key = JSON.stringify([action, resource, context]);
      let answer = decided.get(key);
      if (!answer) {
        // A permission "scoped to *" is a statement whose Resource is `*`: the engine reads a
        // request for `*` as one for any resource a statement overlaps, so only those count.
        const identity = resource === '*' ? policies().map(onlyOnEverything) : policies();
        answer = decide({ principal: roleArn, action, resource, context }, { identity }).then(d => d === 'Allowed');
        decided.set(key, answer);
      }
      return answer;
    },
  };
  const instance = model.ofType('AWS::EC2::Instance')[0];
  const instanceTags = Object.fromEntries(asArray(instance ? model.props(instance).Tags : undefined)
    .map((t: Json) => [String(model.resolve(t.Key)), String(model.resolve(t.Value))]));
  return { settings: settingsFromEnv(env), env, caller, instanceTags };
}

/** A policy with only its statements on `Resource: *`. */
function onlyOnEverything(policy: Json): Json {
  return { ...policy, Statement: asArray(policy.Statement).filter((s: Json) => asArray(s.Resource).includes('*')).map((s: Json) => ({ ...s, Resource: '*' })) };
}

/**
 * A stack with idle shutdown and one instance opted in with the given liveness alarms (by
 * name, as the instance names them in its tags), synthesized.
 */
export function idleShutdownStack(livenessAlarms: string[], props: Partial<IdleShutdownProps> = {}, stackName = 'TestStack'):
{ stack: Stack; idle: IdleShutdown } {
  const stack = newStack(stackName);
  const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const idle = new IdleShutdown(stack, 'IdleShutdown', { alertTopic, ...props });
  const instance = new ec2.CfnInstance(stack, 'Web', { imageId: ec2.MachineImage.latestAmazonLinux2023().getImage(stack).imageId, instanceType: 't3.micro' });
  idle.optIn(instance, { livenessAlarms: livenessAlarms.map((name, i) => cloudwatch.Alarm.fromAlarmName(stack, `Liveness${i}`, name)) });
  return { stack, idle };
}
