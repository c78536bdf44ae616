import { createHash } from 'crypto';
import { RemovalPolicy, Stack, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../../private/validation';

const SCOPE_ID = 'WatchkeeperAgentLogGroups';

/** What a log group the agent writes is created with. */
export interface AgentLogGroupSettings {
  readonly retention: logs.RetentionDays;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

interface Entry {
  readonly group: logs.LogGroup;
  readonly settings: AgentLogGroupSettings;
  readonly firstUser: string;
}

const registries = new WeakMap<Construct, Map<string, Entry>>();

/**
 * The stack's one log group of a name. Log group names are unique per account and Region,
 * so two agents of a stack (two services sharing one `AgentConfig`, say) that write to the
 * same group must share one `AWS::Logs::LogGroup`: a second one with the same name fails the
 * deployment (cfn-lint only warns, E3019). Users who disagree on the group's settings fail
 * at synth instead, with both paths in the message.
 */
export function agentLogGroup(user: IConstruct, name: string, settings: AgentLogGroupSettings): logs.LogGroup {
  const stack = Stack.of(user);
  const scope = (stack.node.tryFindChild(SCOPE_ID) as Construct | undefined) ?? new Construct(stack, SCOPE_ID);
  let registry = registries.get(scope);
  if (!registry) {
    registry = new Map();
    registries.set(scope, registry);
  }
  const existing = registry.get(name);
  if (existing) {
    const a = existing.settings;
    if (a.retention !== settings.retention || a.encryptionKey !== settings.encryptionKey || a.removalPolicy !== settings.removalPolicy) {
      invalid(user, `log group '${name}'`,
        `created with the same retention, encryption key and removal policy by every agent of the stack that writes to it (${existing.firstUser} already created it): `
        + 'give both the same logEncryptionKey, logRemovalPolicy and retention, or write to different log groups',
        `retention ${settings.retention} days`);
    }
    return existing.group;
  }
  const id = `Logs${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  const group = new logs.LogGroup(scope, id, {
    logGroupName: name,
    retention: settings.retention,
    encryptionKey: settings.encryptionKey,
    removalPolicy: settings.removalPolicy,
  });
  registry.set(name, { group, settings, firstUser: user.node.path });
  return group;
}
