// Every place where one AWS principal acts on another resource, found by walking a
// synthesized template, with the requests AWS will make (positive) and requests it must refuse
// (negative). Policies are read lazily from the template, so a fixture that edits the template
// JSON changes what is evaluated.
import { AccessRequest, Decision, PolicySet, decide, servicePrincipal } from './policy-engine';
import { ACCOUNT, OTHER_ACCOUNT, OTHER_REGION, PARTITION, REGION, TemplateModel, asArray } from './template-model';

type Json = any;

export type EdgeKind =
  | 'alarm → topic' | 'alarm → topic key'
  | 'rule → topic' | 'rule → topic key' | 'rule → function' | 'rule → dead-letter queue'
  | 'schedule → role trust' | 'schedule → target'
  | 'idle shutdown → instances' | 'idle shutdown → alarms'
  | 'partition tagger → instances'
  | 'agent → metrics' | 'agent → logs' | 'agent → parameter'
  | 'trail → bucket' | 'trail → logs role' | 'trail → key'
  | 'log group → key' | 'auto scaling → EBS key'
  | 'state manager → instance role'
  | 'log alarm → query role' | 'log alarm → log lines role';

/** A request with the policies AWS evaluates for it. */
export interface Check {
  readonly request: AccessRequest;
  readonly policies: () => PolicySet;
}

export interface Edge {
  readonly kind: EdgeKind;
  /** Logical ids (from → to), for messages and for the fixtures that break an edge. */
  readonly from: string;
  readonly to: string;
  readonly positive: Check[];
  readonly negative: Check[];
}

/** A check's outcome, phrased so a failing assertion says what to fix. */
export async function outcome(edge: Edge, check: Check): Promise<string> {
  const d: Decision = await decide(check.request, check.policies());
  const { principal, action, resource } = check.request;
  return `${d}: ${edge.kind} ${edge.from} → ${edge.to}: ${principal} ${action} ${resource}`;
}

const ec2Arn = (id: string) => `arn:${PARTITION}:ec2:${REGION}:${ACCOUNT}:instance/${id}`;
const alarmArn = (name: string, account = ACCOUNT) => `arn:${PARTITION}:cloudwatch:${REGION}:${account}:alarm:${name}`;
const foreign = (arn: string) => arn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`);

/**
 * SNS's default topic policy: principals of the owner account (`AWS:SourceOwner`) may publish.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
export function snsDefaultPolicy(topicArn: string): Json {
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission',
        'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': ACCOUNT } },
    }],
  };
}

/**
 * An AWS::Lambda::Permission as the statement Lambda adds to the function's resource policy.
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
export function lambdaPermissionStatement(props: Json): Json {
  const principal = String(props.Principal);
  const condition: Json = {};
  if (props.SourceArn) condition.ArnLike = { 'AWS:SourceArn': props.SourceArn };
  if (props.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': props.SourceAccount };
  return {
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: props.Action,
    Resource: props.FunctionName,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

/** Finds every edge of a template. */
export class AccessEdges {
  public readonly edges: Edge[] = [];

  public constructor(private readonly m: TemplateModel) {
    this.alarms();
    this.logAlarms();
    this.rules();
    this.schedules();
    this.idleShutdown();
    this.partitionTagger();
    this.agents();
    this.associations();
    this.trails();
    this.logGroups();
    this.launchTemplates();
  }

  public count(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.edges) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    return counts;
  }

  // -- policies, read from the template at evaluation time ---------------------------------

  private byArn(type: string, arn: string): string | undefined {
    return this.m.ofType(type).find(id => this.m.arn(id) === arn);
  }

  /** The topic policy, or SNS's default one when the topic has none. */
  private topicPolicy(topicArn: string): Json {
    const docs = this.m.ofType('AWS::SNS::TopicPolicy')
      .filter(id => asArray(this.m.resolve(this.m.props(id).Topics)).includes(topicArn))
      .map(id => this.m.resolve(this.m.props(id).PolicyDocument));
    if (docs.length === 0) return snsDefaultPolicy(topicArn);
    return { Version: '2012-10-17', Statement: docs.flatMap(d => asArray(d.Statement)) };
  }

  /** The queue policies of a queue, merged (none: no resource policy). */
  private queuePolicy(queueArn: string): Json {
    const queueId = this.byArn('AWS::SQS::Queue', queueArn);
    const docs = this.m.ofType('AWS::SQS::QueuePolicy')
      .filter(id => queueId && asArray(this.m.props(id).Queues).some((q: Json) => q?.Ref === queueId))
      .map(id => this.m.resolve(this.m.props(id).PolicyDocument));
    return docs.length === 0 ? undefined : { Version: '2012-10-17', Statement: docs.flatMap(d => asArray(d.Statement)) };
  }

  private keyPolicy(keyId: string): Json {
    return this.m.resolve(this.m.props(keyId).KeyPolicy);
  }

  /** Inline, customer managed and AWS::IAM::Policy documents of a role. */
  private rolePolicies(roleId: string): Json[] {
    const attached = (type: string) => this.m.ofType(type)
      .filter(id => asArray(this.m.props(id).Roles).some((ref: Json) => ref?.Ref === roleId))
      .map(id => this.m.resolve(this.m.props(id).PolicyDocument));
    const inline = asArray(this.m.props(roleId).Policies).map((p: Json) => this.m.resolve(p.PolicyDocument));
    return [...inline, ...attached('AWS::IAM::ManagedPolicy'), ...attached('AWS::IAM::Policy')];
  }

  private roleIdOf(roleArn: Json): string {
    const arn = this.m.resolve(roleArn);
    const id = this.byArn('AWS::IAM::Role', arn);
    if (!id) throw new Error(`role ${arn} is not in the template`);
    return id;
  }

  private asRole(roleId: string, action: string, resource: string,
    context: Record<string, string | string[]> = {}, resourcePolicy?: () => Json): Check {
    return {
      request: { principal: this.m.arn(roleId), action, resource, context },
      policies: () => ({ identity: this.rolePolicies(roleId), resource: resourcePolicy?.() }),
    };
  }

  // -- edges ---------------------------------------------------------------------------------

  /** Alarms and composite alarms → SNS topics of their actions → the topics' keys. */
  private alarms(): void {
    for (const id of [...this.m.ofType('AWS::CloudWatch::Alarm'), ...this.m.ofType('AWS::CloudWatch::CompositeAlarm'), ...this.m.ofType('AWS::CloudWatch::LogAlarm')]) {
      const p = this.m.props(id);
      const arns = new Set<string>(['AlarmActions', 'OKActions', 'InsufficientDataActions']
        .flatMap(k => asArray(this.m.resolve(p[k])).map(String)));
      const source = this.m.arn(id);
      for (const topicArn of [...arns].filter(a => a.startsWith(`arn:${PARTITION}:sns:`))) {
        this.publishEdges('alarm', id, topicArn, 'cloudwatch', source, alarmArn('someone-elses-alarm', OTHER_ACCOUNT));
      }
    }
  }

  /**
   * Log alarms: CloudWatch Logs assumes the query role for a scheduled query of this account
   * and queries the log group; CloudWatch assumes the log-lines role for an alarm of this
   * account and reads the query's results. Neither role reaches another log group.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-log.html
   */
  private logAlarms(): void {
    for (const id of this.m.ofType('AWS::CloudWatch::LogAlarm')) {
      const p = this.m.props(id);
      const q = p.ScheduledQueryConfiguration;
      const groups = asArray(this.m.resolve(q.LogGroupIdentifiers)).map(String);
      const groupArn = (name: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
      const elsewhere = groupArn('someone-elses-group');
      const trust = (roleId: string, principals: string[], source: string, foreignSource: string) => {
        const assume = (principal: string, src: string, account: string): Check => ({
          request: { principal, action: 'sts:AssumeRole', resource: this.m.arn(roleId), context: { 'aws:SourceArn': src, 'aws:SourceAccount': account } },
          policies: () => ({ resource: this.m.resolve(this.m.props(roleId).AssumeRolePolicyDocument) }),
        });
        return {
          positive: principals.map(who => assume(who, source, ACCOUNT)),
          negative: principals.map(who => assume(who, foreignSource, OTHER_ACCOUNT)),
        };
      };
      const queryRole = this.roleIdOf(q.ScheduledQueryRoleARN);
      const scheduledQuery = `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:scheduled-query:q-1`;
      // CloudWatch Logs may call in with its global or its Regional principal.
      const t = trust(queryRole, ['logs.amazonaws.com', servicePrincipal('logs')], scheduledQuery, scheduledQuery.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`));
      this.edges.push({
        kind: 'log alarm → query role',
        from: id,
        to: queryRole,
        positive: [...t.positive, ...groups.flatMap(g => ['logs:StartQuery', 'logs:GetQueryResults'].map(a => this.asRole(queryRole, a, groupArn(g)))),
          ...['logs:StopQuery', 'logs:DescribeLogGroups'].map(a => this.asRole(queryRole, a, '*', { 'aws:RequestedRegion': REGION }))],
        negative: [...t.negative, this.asRole(queryRole, 'logs:StartQuery', elsewhere),
          this.asRole(queryRole, 'logs:StopQuery', '*', { 'aws:RequestedRegion': OTHER_REGION })],
      });
      if (!p.ActionLogLineRoleArn) continue;
      const linesRole = this.roleIdOf(p.ActionLogLineRoleArn);
      const l = trust(linesRole, [servicePrincipal('cloudwatch')], this.m.arn(id), alarmArn('someone-elses-alarm', OTHER_ACCOUNT));
      this.edges.push({
        kind: 'log alarm → log lines role',
        from: id,
        to: linesRole,
        positive: [...l.positive, ...groups.map(g => this.asRole(linesRole, 'logs:GetQueryResults', groupArn(g)))],
        negative: [...l.negative, this.asRole(linesRole, 'logs:GetQueryResults', elsewhere), this.asRole(linesRole, 'logs:StartQuery', groupArn(groups[0]))],
      });
    }
  }

  /** A service publishing to a topic, then using the topic's key. */
  private publishEdges(kind: 'alarm' | 'rule', fromId: string, topicArn: string, service: string, sourceArn: string, foreignSource: string): void {
    const principal = servicePrincipal(service);
    const ctx = (arn: string) => ({ 'aws:SourceArn': arn, 'aws:SourceAccount': arn.split(':')[4], 'aws:SourceOwner': arn.split(':')[4] });
    const topicId = this.byArn('AWS::SNS::Topic', topicArn);
    const publish = (arn: string): Check => ({
      request: { principal, action: 'sns:Publish', resource: topicArn, context: ctx(arn) },
      policies: () => ({ resource: this.topicPolicy(topicArn) }),
    });
    this.edges.push({ kind: `${kind} → topic`, from: fromId, to: topicId ?? topicArn, positive: [publish(sourceArn)], negative: [publish(foreignSource)] });
    const keyRef = topicId ? this.m.props(topicId).KmsMasterKeyId : undefined;
    if (!keyRef) return;
    const keyArn = String(this.m.resolve(keyRef));
    const keyId = this.byArn('AWS::KMS::Key', keyArn);
    if (!keyId) throw new Error(`the key ${keyArn} of ${topicId} is not in the template: its policy cannot be checked`);
    const use = (action: string, arn: string): Check => ({
      request: { principal, action, resource: keyArn, context: ctx(arn) },
      policies: () => ({ resource: this.keyPolicy(keyId) }),
    });
    this.edges.push({
      kind: `${kind} → topic key`,
      from: fromId,
      to: keyId,
      positive: [use('kms:GenerateDataKey', sourceArn), use('kms:Decrypt', sourceArn)],
      negative: [use('kms:GenerateDataKey', foreignSource), use('kms:Decrypt', foreignSource)],
    });
  }

  /** EventBridge rules → SNS topics (and keys) and Lambda functions. */
  private rules(): void {
    for (const id of this.m.ofType('AWS::Events::Rule')) {
      const ruleArn = this.m.arn(id);
      for (const target of asArray(this.m.props(id).Targets)) {
        const arn = String(this.m.resolve((target as Json).Arn));
        if (arn.startsWith(`arn:${PARTITION}:sns:`)) {
          this.publishEdges('rule', id, arn, 'events', ruleArn, foreign(ruleArn));
        } else if (arn.startsWith(`arn:${PARTITION}:lambda:`)) {
          const fnId = this.byArn('AWS::Lambda::Function', arn);
          const invoke = (source: string): Check => ({
            request: {
              principal: servicePrincipal('events'),
              action: 'lambda:InvokeFunction',
              resource: arn,
              context: { 'aws:SourceArn': source, 'aws:SourceAccount': source.split(':')[4] },
            },
            policies: () => ({ resource: this.functionPolicy(arn) }),
          });
          this.edges.push({ kind: 'rule → function', from: id, to: fnId ?? arn, positive: [invoke(ruleArn)], negative: [invoke(foreign(ruleArn))] });
        }
        const dlq = (target as Json).DeadLetterConfig?.Arn;
        if (dlq !== undefined) this.deadLetterEdge(id, ruleArn, String(this.m.resolve(dlq)));
      }
    }
  }

  /** EventBridge sends what a target could not take to the queue, as events.amazonaws.com for the rule. */
  private deadLetterEdge(ruleId: string, ruleArn: string, queueArn: string): void {
    const queueId = this.byArn('AWS::SQS::Queue', queueArn);
    const queueUrl = queueId ? this.m.resolve({ Ref: queueId }) : undefined;
    const send = (source: string): Check => ({
      request: {
        principal: servicePrincipal('events'),
        action: 'sqs:SendMessage',
        resource: queueArn,
        context: { 'aws:SourceArn': source, 'aws:SourceAccount': source.split(':')[4], 'aws:SecureTransport': 'true' },
      },
      policies: () => ({
        resource: {
          Version: '2012-10-17',
          Statement: this.m.ofType('AWS::SQS::QueuePolicy')
            .map(pid => this.m.resolve(this.m.props(pid)))
            .filter(p => asArray(p.Queues).includes(queueUrl))
            .flatMap(p => asArray(p.PolicyDocument.Statement)),
        },
      }),
    });
    this.edges.push({ kind: 'rule → dead-letter queue', from: ruleId, to: queueId ?? queueArn, positive: [send(ruleArn)], negative: [send(foreign(ruleArn))] });
  }

  private functionPolicy(functionArn: string): Json {
    const statements = this.m.ofType('AWS::Lambda::Permission')
      .map(id => this.m.resolve(this.m.props(id)))
      .map(p => ({ ...p, FunctionName: String(p.FunctionName).startsWith('arn:') ? p.FunctionName : `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${p.FunctionName}` }))
      .filter(p => p.FunctionName === functionArn)
      .map(lambdaPermissionStatement);
    return { Version: '2012-10-17', Statement: statements };
  }

  /** EventBridge Scheduler: the role's trust, and the universal target's action on what the Input names. */
  private schedules(): void {
    for (const id of this.m.ofType('AWS::Scheduler::Schedule')) {
      const target = this.m.resolve(this.m.props(id).Target);
      const roleId = this.roleIdOf(this.m.props(id).Target.RoleArn);
      const scheduleArn = this.m.arn(id);
      const assume = (account: string): Check => ({
        request: {
          principal: servicePrincipal('scheduler'),
          action: 'sts:AssumeRole',
          resource: this.m.arn(roleId),
          context: { 'aws:SourceAccount': account, 'aws:SourceArn': scheduleArn.replace(`:${ACCOUNT}:`, `:${account}:`) },
        },
        policies: () => ({ resource: this.m.resolve(this.m.props(roleId).AssumeRolePolicyDocument) }),
      });
      this.edges.push({ kind: 'schedule → role trust', from: id, to: roleId, positive: [assume(ACCOUNT)], negative: [assume(OTHER_ACCOUNT)] });

      // arn:aws:scheduler:::aws-sdk:<service>:<apiAction>
      // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
      const m = /^arn:[^:]+:scheduler:::aws-sdk:([a-z0-9-]+):(\w+)$/.exec(String(target.Arn));
      if (!m) throw new Error(`schedule ${id}: target ${target.Arn} is not a universal target the proof knows`);
      const action = `${m[1]}:${m[2][0].toUpperCase()}${m[2].slice(1)}`;
      const input = JSON.parse(String(target.Input));
      const resources = (input.InstanceIds ?? []).map(ec2Arn).concat((input.AlarmNames ?? []).map((n: string) => alarmArn(n)));
      if (resources.length === 0) throw new Error(`schedule ${id}: no InstanceIds or AlarmNames in ${target.Input}`);
      const other = input.InstanceIds ? ec2Arn('i-0fffffffffffffff0') : alarmArn('someone-elses-alarm');
      // An invocation that fails after the retries goes to the dead-letter queue, sent with
      // the schedule's role (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html),
      // over TLS only.
      const dlq = target.DeadLetterConfig?.Arn as string | undefined;
      const send = (tls: string) => this.asRole(roleId, 'sqs:SendMessage', dlq!, { 'aws:SecureTransport': tls }, () => this.queuePolicy(dlq!));
      this.edges.push({
        kind: 'schedule → target',
        from: id,
        to: roleId,
        positive: [...resources.map((res: string) => this.asRole(roleId, action, res)), ...(dlq ? [send('true')] : [])],
        negative: [this.asRole(roleId, action, other), ...(dlq ? [send('false')] : [])],
      });
    }
  }

  /** The idle-shutdown function: stops opted-in instances only, switches the alarms of watched instances only. */
  private idleShutdown(): void {
    for (const id of this.m.ofType('AWS::Lambda::Function')) {
      const env = this.m.resolve(this.m.props(id).Environment?.Variables ?? {});
      if (!env.OPT_IN_TAG_KEY) continue;
      const roleId = this.roleIdOf(this.m.props(id).Role);
      const tag = `aws:ResourceTag/${env.OPT_IN_TAG_KEY}`;
      const instance = ec2Arn('i-0123456789abcdef0');
      this.edges.push({
        kind: 'idle shutdown → instances',
        from: id,
        to: roleId,
        positive: [this.asRole(roleId, 'ec2:StopInstances', instance, { [tag]: env.OPT_IN_TAG_VALUE })],
        negative: [this.asRole(roleId, 'ec2:StopInstances', instance), this.asRole(roleId, 'ec2:StopInstances', instance, { [tag]: 'disabled' })],
      });
      // The alarms it may switch: the liveness alarms each opted-in instance names in its
      // `watchkeeper:liveness-alarm-N` tags (metric alarms and composite notifiers alike).
      const named = new Set(this.m.ofType('AWS::EC2::Instance').flatMap(i => asArray(this.m.props(i).Tags)
        .filter((t: Json) => /^watchkeeper:liveness-alarm-\d+$/.test(t.Key)).map((t: Json) => String(this.m.resolve(t.Value)))));
      const watched = [...this.m.ofType('AWS::CloudWatch::Alarm'), ...this.m.ofType('AWS::CloudWatch::CompositeAlarm')]
        .filter(a => named.has(this.m.physicalName(a)));
      if (watched.length === 0) continue;
      this.edges.push({
        kind: 'idle shutdown → alarms',
        from: id,
        to: roleId,
        positive: watched.flatMap(a => ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions'].map(act => this.asRole(roleId, act, this.m.arn(a)))),
        negative: [
          this.asRole(roleId, 'cloudwatch:DisableAlarmActions', alarmArn('someone-elses-alarm')),
          // an alarm of the same instance that is not a liveness alarm (CPU, say) stays untouched
          ...this.m.ofType('AWS::CloudWatch::Alarm').filter(a => !named.has(this.m.physicalName(a))).slice(0, 1)
            .map(a => this.asRole(roleId, 'cloudwatch:DisableAlarmActions', this.m.arn(a))),
        ],
      });
    }
  }

  /**
   * The fleet's partition tagger: tags members of Auto Scaling groups with a partition of the
   * fleet, and nothing else (no other key, no other fleet's value, no instance outside a group).
   */
  private partitionTagger(): void {
    for (const id of this.m.ofType('Custom::WatchkeeperPartitionTags')) {
      const p = this.m.resolve(this.m.props(id));
      const fnId = this.byArn('AWS::Lambda::Function', p.ServiceToken);
      if (!fnId) throw new Error(`function ${p.ServiceToken} is not in the template`);
      const roleId = this.roleIdOf(this.m.props(fnId).Role);
      const key = String(p.TagKey);
      const value = String(asArray(p.Groups)[0].TagValue);
      const instance = ec2Arn('i-0123456789abcdef0');
      const member = { 'aws:ResourceTag/aws:autoscaling:groupName': 'web' };
      const tag = (k: string, v: string) => ({ ...member, 'aws:TagKeys': [k], [`aws:RequestTag/${k}`]: v });
      this.edges.push({
        kind: 'partition tagger → instances',
        from: id,
        to: roleId,
        positive: [
          this.asRole(roleId, 'ec2:CreateTags', instance, tag(key, value)),
          this.asRole(roleId, 'ec2:DeleteTags', instance, { ...member, 'aws:TagKeys': [key] }),
        ],
        negative: [
          this.asRole(roleId, 'ec2:CreateTags', instance, { 'aws:TagKeys': [key], [`aws:RequestTag/${key}`]: value }), // not a group member
          this.asRole(roleId, 'ec2:CreateTags', instance, tag('Name', value)), // another tag
          this.asRole(roleId, 'ec2:CreateTags', instance, tag(key, 'someone-elses-fleet-p1')), // another fleet's partition
          this.asRole(roleId, 'ec2:DeleteTags', instance, { ...member, 'aws:TagKeys': ['Name'] }),
          this.asRole(roleId, 'ec2:CreateTags', foreign(instance), tag(key, value)),
        ],
      });
    }
  }

  /** CloudWatch agents: the role of the instances whose user data reads an agent parameter. */
  private agents(): void {
    const launchers: Array<[string, Json, Json]> = [
      ...this.m.ofType('AWS::EC2::Instance').map(id => [id, this.m.props(id).UserData, this.m.props(id).IamInstanceProfile] as [string, Json, Json]),
      ...this.m.ofType('AWS::EC2::LaunchTemplate').map(id => {
        const d = this.m.props(id).LaunchTemplateData ?? {};
        return [id, d.UserData, d.IamInstanceProfile?.Arn ?? d.IamInstanceProfile?.Name] as [string, Json, Json];
      }),
    ];
    for (const [launcherId, userData, profileRef] of launchers) {
      if (!userData || !profileRef) continue;
      const script = String(this.m.resolve(userData));
      const profileId = this.m.ofType('AWS::IAM::InstanceProfile')
        .find(p => [this.m.ref(p), this.m.arn(p)].includes(String(this.m.resolve(profileRef))));
      if (!profileId) continue;
      const roleId = asArray(this.m.props(profileId).Roles).map((ref: Json) => ref.Ref)[0];
      for (const paramId of this.m.ofType('AWS::SSM::Parameter')) {
        const name = this.m.physicalName(paramId);
        if (!script.includes(`ssm:${name}`)) continue;
        const config = JSON.parse(String(this.m.resolve(this.m.props(paramId).Value)));
        const namespace = config.metrics?.namespace ?? 'CWAgent';
        const put = (ns: string) => this.asRole(roleId, 'cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': ns });
        this.edges.push({ kind: 'agent → metrics', from: launcherId, to: roleId, positive: [put(namespace)], negative: [put('SomeoneElses/Namespace')] });
        const stream = (group: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${group}:log-stream:i-0123456789abcdef0`;
        const groups: string[] = (config.logs?.logs_collected?.files?.collect_list ?? []).map((f: Json) => f.log_group_name);
        for (const group of groups) {
          this.edges.push({
            kind: 'agent → logs',
            from: launcherId,
            to: group,
            positive: ['logs:CreateLogStream', 'logs:PutLogEvents'].map(a => this.asRole(roleId, a, stream(group))),
            negative: [this.asRole(roleId, 'logs:PutLogEvents', stream('/someone-elses/group'))],
          });
        }
        this.edges.push({
          kind: 'agent → parameter',
          from: launcherId,
          to: paramId,
          positive: [this.asRole(roleId, 'ssm:GetParameter', this.m.arn(paramId))],
          negative: [this.asRole(roleId, 'ssm:GetParameter', `arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter/someone-elses-parameter`)],
        });
      }
    }
  }

  /** The role of an instance profile reference (a Ref or GetAtt Arn), when the profile is in the template. */
  private roleOfProfile(profileRef: Json): string | undefined {
    if (!profileRef) return undefined;
    const resolved = String(this.m.resolve(profileRef));
    const profileId = this.m.ofType('AWS::IAM::InstanceProfile').find(p => [this.m.ref(p), this.m.arn(p)].includes(resolved));
    return profileId ? asArray(this.m.props(profileId).Roles).map((ref: Json) => ref.Ref)[0] : undefined;
  }

  /**
   * State Manager associations → the roles of the instances they target: the calls SSM Agent
   * makes as the instance's role to run one (amazon-ssm-agent, agent/association/service/service.go,
   * agent/association/compliance/uploader/uploader.go): register and heartbeat the instance,
   * list its associations, read the association's document, receive the command that runs
   * an association at once (ec2messages), report the run on the association and its
   * instance, and record compliance on the instance; then the document reads the parameter
   * the association names. Each on the ARN IAM evaluates: the association ARN for
   * UpdateInstanceAssociationStatus (its required resource type), the instance for the rest.
   */
  private associations(): void {
    for (const id of this.m.ofType('AWS::SSM::Association')) {
      const p = this.m.props(id);
      const named = Object.values<Json>(this.m.resolve(p.Parameters ?? {})).flatMap(v => asArray(v).map(String));
      const paramId = this.m.ofType('AWS::SSM::Parameter').find(pid => named.includes(this.m.physicalName(pid)));
      // A document of the template; an AWS-owned one (a plain name) has an ARN without account,
      // which the policy engine's resource patterns do not take, so its read is not checked here.
      const documentId = p.Name?.Ref && this.m.resources[p.Name.Ref]?.Type === 'AWS::SSM::Document' ? p.Name.Ref as string : undefined;
      const roles = new Set<string>();
      for (const target of asArray(p.Targets)) {
        const values = asArray(this.m.resolve(target.Values)).map(String);
        if (target.Key === 'InstanceIds') {
          this.m.ofType('AWS::EC2::Instance').filter(i => values.includes(this.m.ref(i)))
            .forEach(i => { const r = this.roleOfProfile(this.m.props(i).IamInstanceProfile); if (r) roles.add(r); });
        } else if (target.Key === 'tag:aws:autoscaling:groupName') {
          for (const g of this.m.ofType('AWS::AutoScaling::AutoScalingGroup').filter(asg => values.includes(this.m.ref(asg)))) {
            const templateRef = this.m.props(g).LaunchTemplate?.LaunchTemplateId;
            const lt = this.m.ofType('AWS::EC2::LaunchTemplate').find(t => this.m.ref(t) === String(this.m.resolve(templateRef)));
            const data = lt ? this.m.props(lt).LaunchTemplateData ?? {} : {};
            const r = this.roleOfProfile(data.IamInstanceProfile?.Arn ?? data.IamInstanceProfile?.Name);
            if (r) roles.add(r);
          }
        }
      }
      const instance = ec2Arn('i-0123456789abcdef0');
      // State Manager assigns the id at creation; its ARN: Service Authorization Reference, Systems Manager, resource type association.
      const association = (account = ACCOUNT) => `arn:${PARTITION}:ssm:${REGION}:${account}:association/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
      for (const roleId of roles) {
        this.edges.push({
          kind: 'state manager → instance role',
          from: id,
          to: roleId,
          positive: [
            ...['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations'].map(a => this.asRole(roleId, a, instance)),
            ...(documentId ? [this.asRole(roleId, 'ssm:GetDocument', this.m.arn(documentId))] : []),
            ...['ec2messages:GetMessages', 'ec2messages:AcknowledgeMessage', 'ec2messages:SendReply'].map(a => this.asRole(roleId, a, '*')),
            this.asRole(roleId, 'ssm:UpdateInstanceAssociationStatus', association()),
            this.asRole(roleId, 'ssm:UpdateInstanceAssociationStatus', instance),
            this.asRole(roleId, 'ssm:PutComplianceItems', instance),
            ...(paramId ? [this.asRole(roleId, 'ssm:GetParameter', this.m.arn(paramId))] : []),
          ],
          negative: [
            this.asRole(roleId, 'ssm:UpdateInstanceAssociationStatus', association(OTHER_ACCOUNT)),
            this.asRole(roleId, 'ssm:UpdateInstanceAssociationStatus', foreign(instance)),
            this.asRole(roleId, 'ssm:PutComplianceItems', foreign(instance)),
            this.asRole(roleId, 'ssm:GetDocument', `arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:document/someone-elses-document`),
            this.asRole(roleId, 'ssm:GetParameter', `arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter/someone-elses-parameter`),
          ],
        });
      }
    }
  }

  /** CloudTrail → its bucket, its CloudWatch Logs role, its key. */
  private trails(): void {
    for (const id of this.m.ofType('AWS::CloudTrail::Trail')) {
      const p = this.m.props(id);
      const trailArn = this.m.arn(id);
      const otherTrail = `arn:${PARTITION}:cloudtrail:${REGION}:${ACCOUNT}:trail/someone-elses-trail`;
      const principal = servicePrincipal('cloudtrail');
      const bucket = String(this.m.resolve(p.S3BucketName));
      const bucketId = this.m.ofType('AWS::S3::Bucket').find(b => this.m.physicalName(b) === bucket)!;
      const bucketPolicy = () => {
        const docs = this.m.ofType('AWS::S3::BucketPolicy').filter(b => this.m.resolve(this.m.props(b).Bucket) === bucket)
          .map(b => this.m.resolve(this.m.props(b).PolicyDocument));
        return { Version: '2012-10-17', Statement: docs.flatMap(d => asArray(d.Statement)) };
      };
      const prefix = p.S3KeyPrefix ? `${this.m.resolve(p.S3KeyPrefix)}/` : '';
      const object = `arn:${PARTITION}:s3:::${bucket}/${prefix}AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2024/01/01/file.json.gz`;
      const s3 = (action: string, resource: string, ctx: Record<string, string>): Check => ({
        request: { principal, action, resource, context: { 'aws:SecureTransport': 'true', 'aws:SourceAccount': ACCOUNT, ...ctx } },
        policies: () => ({ resource: bucketPolicy() }),
      });
      const acl = { 's3:x-amz-acl': 'bucket-owner-full-control' };
      this.edges.push({
        kind: 'trail → bucket',
        from: id,
        to: bucketId,
        positive: [s3('s3:GetBucketAcl', `arn:${PARTITION}:s3:::${bucket}`, { 'aws:SourceArn': trailArn }), s3('s3:PutObject', object, { ...acl, 'aws:SourceArn': trailArn })],
        negative: [s3('s3:PutObject', object, { 'aws:SourceArn': trailArn }), s3('s3:PutObject', object, { ...acl, 'aws:SourceArn': otherTrail })],
      });
      if (p.CloudWatchLogsRoleArn) {
        const roleId = this.roleIdOf(p.CloudWatchLogsRoleArn);
        const group = String(this.m.resolve(p.CloudWatchLogsLogGroupArn)).replace(/:\*$/, '');
        const assume = (source: string): Check => ({
          request: { principal, action: 'sts:AssumeRole', resource: this.m.arn(roleId), context: { 'aws:SourceArn': source, 'aws:SourceAccount': ACCOUNT } },
          policies: () => ({ resource: this.m.resolve(this.m.props(roleId).AssumeRolePolicyDocument) }),
        });
        const stream = (g: string) => `${g}:log-stream:${ACCOUNT}_CloudTrail_${REGION}`;
        this.edges.push({
          kind: 'trail → logs role',
          from: id,
          to: roleId,
          positive: [assume(trailArn), ...['logs:CreateLogStream', 'logs:PutLogEvents'].map(a => this.asRole(roleId, a, stream(group)))],
          // No negative for the trust: CloudTrail's documented trust policy for this role has no
          // condition, and conditions on it have stopped delivery in practice; the role can
          // only write to this one log group, which the negative below proves.
          // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
          negative: [this.asRole(roleId, 'logs:PutLogEvents', stream(`arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:someone-elses-group`))],
        });
      }
      if (p.KMSKeyId) {
        const keyArn = String(this.m.resolve(p.KMSKeyId));
        const keyId = this.byArn('AWS::KMS::Key', keyArn)!;
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
        const use = (source: string): Check => ({
          request: {
            principal,
            action: 'kms:GenerateDataKey',
            resource: keyArn,
            context: { 'aws:SourceArn': source, 'aws:SourceAccount': ACCOUNT, 'kms:EncryptionContext:aws:cloudtrail:arn': source },
          },
          policies: () => ({ resource: this.keyPolicy(keyId) }),
        });
        this.edges.push({ kind: 'trail → key', from: id, to: keyId, positive: [use(trailArn)], negative: [use(foreign(trailArn))] });
      }
    }
  }

  /**
   * Encrypted log groups: CloudWatch Logs uses the key with the group's ARN as encryption context.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  private logGroups(): void {
    for (const id of this.m.ofType('AWS::Logs::LogGroup')) {
      const keyRef = this.m.props(id).KmsKeyId;
      if (!keyRef) continue;
      const keyArn = String(this.m.resolve(keyRef));
      const keyId = this.byArn('AWS::KMS::Key', keyArn);
      if (!keyId) throw new Error(`the key ${keyArn} of ${id} is not in the template: its policy cannot be checked`);
      const group = this.m.arn(id).replace(/:\*$/, '');
      const use = (action: string, groupArn: string): Check => ({
        request: { principal: servicePrincipal('logs'), action, resource: keyArn, context: { 'kms:EncryptionContext:aws:logs:arn': groupArn } },
        policies: () => ({ resource: this.keyPolicy(keyId) }),
      });
      this.edges.push({
        kind: 'log group → key',
        from: id,
        to: keyId,
        positive: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'].map(a => use(a, group)),
        negative: [use('kms:GenerateDataKey', foreign(group))],
      });
    }
  }

  /**
   * Auto Scaling launches instances from a launch template as its service-linked role, which
   * must be able to use a customer managed EBS key.
   * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
   */
  private launchTemplates(): void {
    const groups = this.m.ofType('AWS::AutoScaling::AutoScalingGroup');
    for (const id of this.m.ofType('AWS::EC2::LaunchTemplate')) {
      const used = groups.some(g => this.m.props(g).LaunchTemplate?.LaunchTemplateId?.Ref === id);
      if (!used) continue;
      const mappings = asArray(this.m.props(id).LaunchTemplateData?.BlockDeviceMappings);
      for (const keyRef of mappings.map((b: Json) => b.Ebs?.KmsKeyId).filter(Boolean)) {
        const keyArn = String(this.m.resolve(keyRef));
        const keyId = this.byArn('AWS::KMS::Key', keyArn) ?? this.m.ofType('AWS::KMS::Key').find(k => this.m.physicalName(k) === keyArn);
        if (!keyId) throw new Error(`the EBS key ${keyArn} of ${id} is not in the template`);
        const role = (account: string) => `arn:${PARTITION}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
        const use = (action: string, account: string): Check => ({
          request: {
            principal: role(account),
            action,
            resource: this.m.arn(keyId),
            // KMS sets kms:CallerAccount on every request: the account of the calling principal.
            context: { 'kms:CallerAccount': account, ...(action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}) },
          },
          policies: () => ({ resource: this.keyPolicy(keyId) }),
        });
        this.edges.push({
          kind: 'auto scaling → EBS key',
          from: id,
          to: keyId,
          positive: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKeyWithoutPlaintext'].map(a => use(a, ACCOUNT)),
          negative: [use('kms:Decrypt', OTHER_ACCOUNT)],
        });
      }
    }
  }
}

/** Positive checks that AWS would refuse and negative ones it would allow, as messages. */
export async function violations(edges: Edge[]): Promise<{ denied: string[]; allowed: string[] }> {
  const denied: string[] = [];
  const allowed: string[] = [];
  for (const e of edges) {
    for (const c of e.positive) {
      const o = await outcome(e, c);
      if (!o.startsWith('Allowed')) denied.push(o);
    }
    for (const c of e.negative) {
      const o = await outcome(e, c);
      if (o.startsWith('Allowed')) allowed.push(o);
    }
  }
  return { denied, allowed };
}
