import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Where a construct deploys, as far as synth knows: account and Region, `?` for what is not known. */
export interface AccountRegion {
  /** `<account>/<region>`, `?` standing for an unresolved part: environment-agnostic stacks share `?/?`. */
  readonly key: string;
  /** For messages: `account 111111111111 and Region eu-west-1`. */
  readonly description: string;
}

/**
 * The account and Region of the construct's stack. Account- and Region-wide quotas and
 * singletons are counted per key; environment-agnostic stacks count together, as one
 * unknown environment (they may well deploy into the same account and Region).
 */
export function accountRegionOf(scope: IConstruct): AccountRegion {
  const stack = Stack.of(scope);
  const account = Token.isUnresolved(stack.account) ? '?' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '?' : stack.region;
  const description = account === '?' && region === '?'
    ? 'the environment-agnostic stacks\' account and Region'
    : `account ${account === '?' ? '(unknown)' : account} and Region ${region === '?' ? '(unknown)' : region}`;
  return { key: `${account}/${region}`, description };
}
