import { Validations, aws_iam as iam } from 'aws-cdk-lib';
import { Construct, IConstruct, IDependable } from 'constructs';
import { UnscopedActions } from './unscoped-actions';

/** What one grant allows. */
export interface GrantStatement {
  readonly actions: string[];
  readonly resourceArns: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Set when `resourceArns` is `['*']`: the list the actions come from, with the reason. */
  readonly unscoped?: UnscopedActions;
}

type Attachable = iam.IRole | iam.IUser | iam.IGroup;

/**
 * Grants that land in a customer managed policy (`iam.ManagedPolicy`) attached to the
 * grantee's role, user or group, instead of CDK's inline `DefaultPolicy`, which the
 * NIST/HIPAA/PCI packs reject (`IAMNoInlinePolicy`). One policy per principal per owner,
 * created on first use. Other principals (service or account principals) get CDK's usual
 * grant. Statements on `*` are acknowledged on that policy only, with the reason of the
 * unscoped-action list they come from.
 */
export class ManagedPolicyGrants {
  private readonly policies = new Map<IConstruct, iam.ManagedPolicy>();

  public constructor(private readonly owner: Construct, private readonly idPrefix: string) {}

  /** Adds the statements for the grantee and returns one grant covering them. */
  public grant(grantee: iam.IGrantable, statements: GrantStatement[]): iam.Grant {
    const principal = grantee.grantPrincipal;
    const target = attachable(principal);
    let grant: iam.Grant | undefined;
    for (const s of statements) {
      const one = target
        ? iam.Grant.addToPrincipal({
          grantee: { grantPrincipal: new ManagedPolicyPrincipal(principal, this.policyFor(target, s.unscoped)) },
          actions: s.actions,
          resourceArns: s.resourceArns,
          conditions: s.conditions,
        })
        : iam.Grant.addToPrincipal({ grantee, actions: s.actions, resourceArns: s.resourceArns, conditions: s.conditions });
      grant = grant ? grant.combine(one) : one;
    }
    if (!grant) throw new Error('ManagedPolicyGrants.grant needs at least one statement');
    return grant;
  }

  private policyFor(target: Attachable, unscoped?: UnscopedActions): iam.ManagedPolicy {
    let policy = this.policies.get(target);
    if (!policy) {
      policy = new iam.ManagedPolicy(this.owner, `${this.idPrefix}${this.policies.size + 1}`, {
        description: `Grants of ${this.owner.node.path}`,
      });
      if ('roleArn' in target) policy.attachToRole(target);
      else if ('userArn' in target) policy.attachToUser(target);
      else policy.attachToGroup(target);
      this.policies.set(target, policy);
    }
    if (unscoped) {
      Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: unscoped.reason });
    }
    return policy;
  }
}

function attachable(principal: iam.IPrincipal): Attachable | undefined {
  const p = principal as unknown as Record<string, unknown>;
  const isConstruct = typeof p.node === 'object';
  if (!isConstruct || typeof p.addManagedPolicy !== 'function') return undefined;
  if (typeof p.roleArn === 'string' || typeof p.userArn === 'string' || typeof p.groupArn === 'string') {
    return principal as unknown as Attachable;
  }
  return undefined;
}

/**
 * Presents a managed policy as the grantee, so `iam.Grant` records the statement it holds:
 * adding it to the policy, or only recording it when the policy holds it already.
 */
class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  public constructor(private readonly inner: iam.IPrincipal, private readonly policy: iam.ManagedPolicy, private readonly addsStatements = true) {
    this.assumeRoleAction = inner.assumeRoleAction;
    this.principalAccount = inner.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.inner.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (this.addsStatements) this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy as IDependable };
  }
}

/**
 * The grant a principal holds through managed policies attached to it: one `iam.Grant`
 * per statement of the policies, recorded without adding them again, so callers can
 * `applyBefore` (the policies are what must exist first).
 */
export function attachedPolicyGrant(grantee: iam.IGrantable, policies: iam.ManagedPolicy[]): iam.Grant {
  let grant: iam.Grant | undefined;
  for (const policy of policies) {
    const recorder = new ManagedPolicyPrincipal(grantee.grantPrincipal, policy, false);
    const statements = (policy.document.toJSON()?.Statement ?? []) as Array<{ Action: string | string[]; Resource: string | string[] }>;
    for (const s of statements) {
      const one = iam.Grant.addToPrincipal({
        grantee: recorder,
        actions: ([] as string[]).concat(s.Action),
        resourceArns: ([] as string[]).concat(s.Resource),
      });
      grant = grant ? grant.combine(one) : one;
    }
  }
  return grant ?? iam.Grant.drop(grantee, 'no statement');
}
