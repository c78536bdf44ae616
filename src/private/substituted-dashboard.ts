import {
  DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, Lazy, Reference, Stack, StringConcat,
  Token, Tokenization, aws_cloudwatch as cloudwatch,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A CloudWatch dashboard whose body is rendered once per synthesis and written as one
 * `Fn::Sub` string.
 *
 * `cloudwatch.Dashboard` renders its body (every widget, every token in it, the JSON around
 * them) each time the template is resolved: when references are collected, when the
 * template is written and when the construct tree is written; the result is an `Fn::Join` of
 * the literal pieces and the references between them. Here the widgets are laid out and
 * their tokens resolved once, when references are collected (after the app is built, the
 * first time nothing can change it any more); what stays open are the references, resolved
 * again at every pass as they must be (a reference across stacks becomes an import only
 * after they are collected). A reference to a resource of the template is written in the
 * string itself (`${Group}`, `${Alarm.Arn}`, `${AWS::Region}`), any other intrinsic as a
 * variable of the `Fn::Sub`; a literal `${` in the body is written `${!`.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html
 *
 * Everything `cloudwatch.Dashboard` offers still works (`addWidgets`, `addVariable`, the
 * widget warnings); a body whose tokens cannot be written this way (a number or a list
 * resolved by CloudFormation) is rendered by `cloudwatch.Dashboard`'s own rules.
 */
export class SubstitutedDashboard extends cloudwatch.Dashboard {
  private readonly bodyRows: cloudwatch.IWidget[] = [];
  private readonly bodyVariables: cloudwatch.IVariable[] = [];
  private rendered?: RenderedBody;
  private written?: { readonly rendered: RenderedBody; readonly key: string; readonly body: unknown };

  public constructor(scope: Construct, id: string, private readonly props: cloudwatch.DashboardProps = {}) {
    // Widgets and variables given here are added below, once this class's own fields exist.
    super(scope, id, { ...props, widgets: undefined, variables: undefined });
    for (const row of props.widgets ?? []) this.addWidgets(...row);
    for (const variable of props.variables ?? []) this.addVariable(variable);
    const resource = this.node.defaultChild as cloudwatch.CfnDashboard;
    resource.dashboardBody = Token.asString(Lazy.uncachedAny({ produce: context => this.body(context) }));
  }

  public addWidgets(...widgets: cloudwatch.IWidget[]): void {
    super.addWidgets(...widgets);
    if (widgets.length === 0) return;
    this.bodyRows.push(widgets.length > 1 ? new cloudwatch.Row(...widgets) : widgets[0]);
  }

  public addVariable(variable: cloudwatch.IVariable): void {
    super.addVariable(variable);
    this.bodyVariables.push(variable);
  }

  private body(context: IResolveContext): unknown {
    // Rendered afresh while references are collected (and whenever resolved before that),
    // kept for the passes after.
    const rendered = context.preparing || !this.rendered ? render(this, this.layout(), context.preparing) : this.rendered;
    if (context.preparing) this.rendered = rendered;
    if (rendered.holes === undefined) return context.resolve(Stack.of(this).toJsonString(this.layout()));
    const values = rendered.holes.map(hole => context.resolve(hole));
    // The same references resolve the same at every pass but across stacks: written once for each.
    const key = JSON.stringify(values);
    if (this.written?.rendered !== rendered || this.written.key !== key) {
      this.written = { rendered, key, body: substitute(rendered.text, values) };
    }
    return copy(this.written.body);
  }

  /** The body, as `cloudwatch.Dashboard` lays it out. */
  private layout(): Record<string, unknown> {
    const column = new cloudwatch.Column(...this.bodyRows);
    column.position(0, 0);
    const { defaultInterval, start, end, periodOverride } = this.props;
    return {
      start: defaultInterval !== undefined ? `-${defaultInterval.toIsoString()}` : start,
      end: defaultInterval !== undefined ? undefined : end,
      periodOverride,
      widgets: column.toJson(),
      variables: this.bodyVariables.length > 0 ? this.bodyVariables.map(v => v.toJson()) : undefined,
    };
  }
}

/** The body as JSON text with numbered holes where references go; no holes: not writable as Fn::Sub. */
interface RenderedBody {
  readonly text: string;
  readonly holes?: IResolvable[];
}

const HOLE = /\uE000(\d+)\uE001/;

/** Resolves every token but references (and tokens that resolve to intrinsics), which become holes. */
class HoleResolver extends DefaultTokenResolver {
  public readonly holes: IResolvable[] = [];
  private readonly indexes = new Map<IResolvable, number>();

  public constructor() {
    super(new StringConcat());
  }

  public resolveToken(token: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    if (token instanceof Reference) return this.hole(token);
    const resolved = super.resolveToken(token, context, postProcessor);
    return isIntrinsic(resolved) ? this.hole(token) : resolved;
  }

  private hole(token: IResolvable): string {
    let index = this.indexes.get(token);
    if (index === undefined) {
      index = this.holes.push(token) - 1;
      this.indexes.set(token, index);
    }
    return `\uE000${index}\uE001`;
  }
}

function render(scope: Construct, layout: Record<string, unknown>, preparing: boolean): RenderedBody {
  if (holdsNumberOrListToken(layout)) return { text: '' };
  const resolver = new HoleResolver();
  const resolved = Tokenization.resolve(layout, { scope, resolver, preparing });
  const text = JSON.stringify(resolved);
  // An intrinsic left in the body came from a number or list token: CloudFormation must
  // write it unquoted or as a list, which only cloudwatch.Dashboard's rendering knows.
  return containsIntrinsic(resolved) ? { text } : { text, holes: resolver.holes };
}

/**
 * A number or list token stands where JSON has a number or a list: a reference there must not
 * become a quoted string. Looks into plain values and into tokens' own fields (the widgets'
 * tokens hold their values there).
 */
function holdsNumberOrListToken(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return Token.isUnresolved(value);
  if (typeof value === 'string') return !Token.isUnresolved(value) && Token.isUnresolved([value]);
  if (typeof value !== 'object' || value === null || depth > 50) return false;
  if (value instanceof Reference || Construct.isConstruct(value)) return false;
  return Object.values(value).some(v => holdsNumberOrListToken(v, depth + 1));
}

/** Intrinsic functions CloudFormation accepts as values of an Fn::Sub variable. */
const SUB_VARIABLE_FUNCTIONS = new Set([
  'Ref', 'Fn::GetAtt', 'Fn::Base64', 'Fn::FindInMap', 'Fn::GetAZs', 'Fn::If', 'Fn::ImportValue',
  'Fn::Join', 'Fn::Select', 'Fn::Sub',
]);

/** The body with the holes' values (resolved in this pass) written in: a string, or an `Fn::Sub`. */
function substitute(text: string, values: unknown[]): unknown {
  const variables: Record<string, unknown> = {};
  const names = new Map<string, string>();
  let template = '';
  let needsSub = false;
  const pieces = text.split(HOLE);
  for (let i = 0; i < pieces.length; i++) {
    const value = i % 2 === 0 ? pieces[i] : values[Number(pieces[i])];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      // Literal text, or a value resolved at synth written in place as JSON inside its string.
      template += escapeSub(i % 2 === 0 ? pieces[i] : JSON.stringify(String(value)).slice(1, -1));
      continue;
    }
    needsSub = true;
    const reference = inlineReference(value);
    if (reference !== undefined) {
      template += `\${${reference}}`;
      continue;
    }
    const key = JSON.stringify(value);
    if (!isIntrinsic(value) || !SUB_VARIABLE_FUNCTIONS.has(Object.keys(value as object)[0])) {
      throw new Error(`A dashboard body holds ${key}, which Fn::Sub cannot substitute`);
    }
    let name = names.get(key);
    if (name === undefined) {
      name = `Var${names.size}`;
      names.set(key, name);
      variables[name] = value;
    }
    template += `\${${name}}`;
  }
  // Without a substitution the body is the plain text: every escaped `${!` back to `${`.
  if (!needsSub) return template.split('${!').join('${');
  return names.size > 0 ? { 'Fn::Sub': [template, variables] } : { 'Fn::Sub': template };
}

/** `Ref` and `Fn::GetAtt` of a resource or pseudo parameter, as Fn::Sub writes them in its string. */
function inlineReference(value: unknown): string | undefined {
  if (!isIntrinsic(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt.length === 2 && getAtt.every(p => typeof p === 'string')) return getAtt.join('.');
  return undefined;
}

/** A literal `${` must be written `${!` in an Fn::Sub string. */
function escapeSub(text: string): string {
  return text.split('${').join('${!');
}

/** A fresh copy for each pass: synthesis may annotate what it is given. */
function copy(value: unknown): unknown {
  return typeof value === 'string' ? value : JSON.parse(JSON.stringify(value));
}

function isIntrinsic(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function containsIntrinsic(value: unknown): boolean {
  if (isIntrinsic(value)) return true;
  if (Array.isArray(value)) return value.some(containsIntrinsic);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsIntrinsic);
  return false;
}
