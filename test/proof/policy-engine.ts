// A thin layer over @cloud-copilot/iam-simulate (a test-only dependency, AGPL-3.0-or-later)
// that closes the gaps of its 0.1.x line we depend on:
// - context keys it does not know for an action (e.g. `kms:EncryptionContext:aws:logs:arn`)
//   are dropped from the request, so a condition on them never matches. We evaluate those
//   conditions ourselves with `matchesCondition` and hand the engine the statement without them.
// - it matches service principals by exact string; requests are made with the principal form
//   each service documents (`servicePrincipal`).
// SNS default topic policies and Lambda permissions are modelled in access-edges.ts.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, REGION, asArray } from './template-model';

type Json = any;

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** One request to AWS. */
export interface AccessRequest {
  /** A service principal (`cloudwatch.amazonaws.com`) or an IAM ARN. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

/** The policies AWS evaluates for the request: the principal's and the resource's. */
export interface PolicySet {
  readonly identity?: Json[];
  readonly resource?: Json;
}

/**
 * The principal a service calls other services as. CloudWatch Logs uses its Regional
 * principal for KMS (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html);
 * CloudWatch, EventBridge, EventBridge Scheduler, CloudTrail and Lambda use the global one.
 */
export function servicePrincipal(service: string, region = REGION): string {
  const regional = new Set(['logs']);
  return regional.has(service) ? `${service}.${region}.amazonaws.com` : `${service}.amazonaws.com`;
}

/** Glob match with `*` and `?`, case-sensitive unless told. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = '^' + pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')).join('') + '$';
  return new RegExp(re, ignoreCase ? 'i' : '').test(value);
}

/**
 * ArnLike / ArnEquals: each of the six colon-delimited parts is matched separately, each may
 * hold `*` and `?` (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
 */
export function arnMatch(pattern: string, value: string): boolean {
  const split = (s: string) => {
    const parts = s.split(':');
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (!p || !v) return false;
  return p.every((seg, i) => globMatch(seg, v[i]));
}

/**
 * Whether one condition operator on one key holds for the request's value (absent: undefined).
 * Supports the operators our policies use; anything else throws so a gap is never silent.
 */
export function matchesCondition(operator: string, policyValues: string | string[], requestValue: string | string[] | undefined): boolean {
  // Set operators over multivalued keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  // ForAllValues holds when every request value matches (and for an absent or empty key);
  // ForAnyValue holds when at least one does (never for an absent key).
  const set = /^(ForAllValues|ForAnyValue):(.+)$/.exec(operator);
  if (set) {
    const values = requestValue === undefined ? [] : asArray(requestValue);
    const each = (v: string) => matchesCondition(set[2], policyValues, v);
    return set[1] === 'ForAllValues' ? values.every(each) : values.some(each);
  }
  const ifExists = operator.endsWith('IfExists');
  const op = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  if (requestValue === undefined) return ifExists || op.startsWith('StringNot') || op.startsWith('ArnNot');
  const wanted = asArray(policyValues).map(String);
  const got = asArray(requestValue);
  const one = (w: string, g: string): boolean => {
    switch (op) {
      case 'StringEquals': return w === g;
      case 'StringEqualsIgnoreCase': return w.toLowerCase() === g.toLowerCase();
      case 'StringLike': return globMatch(w, g);
      case 'ArnEquals':
      case 'ArnLike': return arnMatch(w, g);
      case 'StringNotEquals': return w !== g;
      case 'StringNotLike': return !globMatch(w, g);
      default: throw new Error(`condition operator ${operator} is not supported by the proof matcher`);
    }
  };
  if (op.includes('Not')) return got.every(g => wanted.every(w => one(w, g)));
  return got.some(g => wanted.some(w => one(w, g)));
}

/**
 * Evaluates the conditions on `keys` of every statement ourselves: a statement whose
 * condition on them fails is removed, one whose condition holds keeps its other conditions.
 */
export function settleConditions(policy: Json, keys: string[], context: Record<string, string | string[]>): Json {
  if (!policy || keys.length === 0) return policy;
  const lower = new Set(keys.map(k => k.toLowerCase()));
  const ctx = Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  const statements = asArray(policy.Statement).flatMap((s: Json) => {
    if (!s.Condition) return [s];
    const condition: Json = {};
    for (const [operator, block] of Object.entries<Json>(s.Condition)) {
      for (const [key, values] of Object.entries<Json>(block)) {
        if (lower.has(key.toLowerCase())) {
          if (!matchesCondition(operator, values, ctx[key.toLowerCase()])) return [];
        } else {
          condition[operator] = { ...condition[operator], [key]: values };
        }
      }
    }
    const { Condition: _dropped, ...rest } = s;
    return [Object.keys(condition).length ? { ...rest, Condition: condition } : rest];
  });
  return { ...policy, Statement: statements };
}

/** What AWS decides for the request under these policies. */
export async function decide(given: AccessRequest, policies: PolicySet): Promise<Decision> {
  // AWS sets aws:PrincipalArn and aws:PrincipalAccount on every request by an IAM principal.
  const request: AccessRequest = given.principal.startsWith('arn:')
    ? { ...given, context: { 'aws:PrincipalArn': given.principal, 'aws:PrincipalAccount': given.principal.split(':')[4], ...given.context } }
    : given;
  const run = async (req: AccessRequest, p: PolicySet) => {
    const result = await runSimulation({
      request: {
        principal: req.principal,
        action: req.action,
        resource: { resource: req.resource, accountId: accountOf(req.resource) },
        contextVariables: req.context ?? {},
      },
      identityPolicies: (p.identity ?? []).map((policy, i) => ({ name: `identity${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: p.resource,
    }, {});
    if (result.resultType === 'error') {
      throw new Error(`policy engine refused ${req.action} on ${req.resource}: ${JSON.stringify(result.errors)}`);
    }
    return result;
  };
  const first = await run(request, policies);
  const ignored = first.resultType === 'single' ? first.result.ignoredContextKeys ?? [] : [];
  if (ignored.length === 0) return first.overallResult as Decision;
  const context = request.context ?? {};
  const settled: PolicySet = {
    identity: policies.identity?.map(p => settleConditions(p, ignored, context)),
    resource: settleConditions(policies.resource, ignored, context),
  };
  const rest = Object.fromEntries(Object.entries(context).filter(([k]) => !ignored.includes(k)));
  const second = await run({ ...request, context: rest }, settled);
  return second.overallResult as Decision;
}

/** The account that owns a resource ARN (ours for ARNs without one, like S3 buckets). */
export function accountOf(arn: string): string {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : ACCOUNT;
}
