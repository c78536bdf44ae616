// Reading values out of synthesized CloudFormation templates for people: intrinsic
// functions become readable placeholders (`<LogicalId>`, `<LogicalId.Arn>`, `<region>`).
// Pure: no CDK, no I/O.

/** A CloudFormation resource as it appears in a template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

const PSEUDO: Record<string, string> = {
  'AWS::Region': 'region',
  'AWS::AccountId': 'account',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'stack',
};

/**
 * A template value as one string: `Ref` becomes `<LogicalId>`, `Fn::GetAtt` becomes
 * `<LogicalId.Attribute>`, `Fn::Join` and `Fn::Sub` are joined (`${!x}` read as the literal
 * `${x}`), pseudo parameters read as `<region>` and `aws`; anything else is shown as JSON.
 */
export function flatten(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(flatten).join(', ');
  const obj = value as Record<string, any>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    if (key === 'Ref') return PSEUDO[arg] === 'aws' ? 'aws' : `<${PSEUDO[arg] ?? arg}>`;
    if (key === 'Fn::GetAtt') return `<${Array.isArray(arg) ? arg.join('.') : String(arg)}>`;
    if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) return arg[1].map(flatten).join(String(arg[0]));
    if (key === 'Fn::Sub') {
      const text = Array.isArray(arg) ? String(arg[0]) : String(arg);
      const vars: Record<string, unknown> = Array.isArray(arg) ? arg[1] ?? {} : {};
      // `${!Literal}` is the escape for a literal `${Literal}`.
      return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) =>
        name.startsWith('!') ? `\${${name.slice(1)}}`
          : name in vars ? flatten(vars[name]) : `<${PSEUDO[name] === 'aws' ? 'aws' : PSEUDO[name] ?? name}>`);
    }
    if (key === 'Fn::Select' && Array.isArray(arg)) return `${flatten(arg[1])}[${flatten(arg[0])}]`;
  }
  return JSON.stringify(value);
}

/** The logical IDs a flattened value refers to (`<Id>` and `<Id.Attr>`), in order. */
export function referencedIds(text: string): string[] {
  return [...text.matchAll(/<([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?>/g)].map(m => m[1]);
}

/** The resources of a template of one type, as [logicalId, resource] pairs in template order. */
export function resourcesOfType(template: { Resources?: Record<string, TemplateResource> }, type: string): Array<[string, TemplateResource]> {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/**
 * A CloudFormation dashboard body as JSON, with every intrinsic replaced by a placeholder
 * string, so the widget layout can be read without deploying.
 */
export function dashboardBody(body: unknown): any {
  const text = flatten(body);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A period in seconds for people: `60 s`, `5 min`, `1 h`. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
