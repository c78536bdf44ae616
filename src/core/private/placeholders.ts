import { DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, Reference, StringConcat, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** What a reference (Ref, GetAtt, a pseudo parameter) resolves to here: no `:` or `/`, so ARN patterns still parse. */
export const REFERENCE = '<ref>';

/** Resolves everything but references, which become {@link REFERENCE}; strings are concatenated as text. */
class PlaceholderResolver extends DefaultTokenResolver {
  public constructor() {
    super(new StringConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    return Reference.isReference(t) ? REFERENCE : super.resolveToken(t, context, postProcessor);
  }
}

const RESOLVER = new PlaceholderResolver();

/**
 * `value` resolved as the template will say it, except that each reference is
 * {@link REFERENCE}. For checks that read what an alarm's actions and queries say rather than
 * whom they name: resolving a reference computes its target's logical ID (a hash of its
 * construct path) each time.
 */
export function resolveWithPlaceholders(scope: IConstruct, value: unknown): unknown {
  return value === undefined ? undefined : Tokenization.resolve(value, { scope, resolver: RESOLVER, preparing: false });
}
