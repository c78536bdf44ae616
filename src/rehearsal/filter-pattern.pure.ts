/**
 * An evaluator of CloudWatch Logs JSON filter patterns: tests check a pattern against real
 * log lines instead of only comparing strings, and the rehearsal counts log lines through the
 * metric filters of a template with it. Pure: no CDK, no I/O. It follows AWS's page
 * "Filter pattern syntax for metric filters, subscription filters, filter log events, and
 * Live Tail" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html),
 * section "Using filter patterns to match terms in JSON log events", and throws on
 * anything that page does not document, so a pattern it accepts is one CloudWatch accepts.
 *
 * Documented, and implemented as written:
 * - `{ <expr> }` with `&&`, `||` and parentheses; precedence `()` > `&&` > `||`.
 * - Property selectors: `$.a.b`, `$.a[0]`, `$.a[0][1]`, `$.['key.with.periods']`, and the
 *   wildcard selectors `$.*` (any field) and `[*]` (any element): at most one wildcard per
 *   selector and three per pattern. Names are letters, digits, `-` and `_`.
 * - Equality operators `=` and `!=` against a string (double-quoted, or a bare word), with
 *   `*` as a wildcard; or against a regular expression `%...%` of the documented subset (no
 *   parentheses, no multi-byte characters, at most two per pattern).
 * - Numeric operators `=`, `!=`, `<`, `<=`, `>`, `>=` against a number (sign, decimals,
 *   scientific notation), with `*` as a wildcard (`{ $.status_code = 5* }`).
 * - `IS NULL`, `IS TRUE`, `IS FALSE` and `NOT EXISTS`. `IS NOT` and `EXISTS` are not
 *   supported ("The variables IS NOT and EXISTS currently aren't supported"): errors here.
 * - Comparisons are case-sensitive. A selector pointing to an array or object matches
 *   neither `=` nor `!=`.
 *
 * Where the page is silent the evaluator follows FILTER_PATTERN_ASSUMPTIONS below; each
 * place that relies on one names it.
 */

/**
 * Rules the AWS page does not state, that this evaluator assumes. A test that depends on
 * one of them proves less than a test that depends only on documented rules.
 */
export const FILTER_PATTERN_ASSUMPTIONS = [
  // missing-field: a comparison (= and != included) on a field the event does not have is
  // false; only NOT EXISTS matches absence.
  'missing-field',
  // strict-types: a comparison against a number (without *) holds only for JSON numbers,
  // and one against a string or a regex only for JSON strings ("400" is not 400).
  'strict-types',
  // glob-anywhere: `*` in a string matches any run of characters wherever it stands (the
  // page shows it as a suffix: `123.123.*`).
  'glob-anywhere',
  // number-glob: a number with `*` matches the decimal text of a JSON number (503 -> "503")
  // and a JSON string the same way.
  'number-glob',
  // any-of-wildcard: a wildcard selector holds when any of the values it selects satisfies
  // the comparison, `!=` included.
  'any-of-wildcard',
  // regex-search: `%re%` holds when the regex matches part of the string (anchored only with
  // ^ or $), as the unstructured example %AUTHORIZED% matching "UNAUTHORIZED" suggests.
  'regex-search',
  // not-json: an event that is not a JSON object matches no JSON pattern.
  'not-json',
] as const;

export type FilterPatternAssumption = typeof FILTER_PATTERN_ASSUMPTIONS[number];

type Step = { key: string } | { index: number } | { wildcard: true };

type Value =
  | { kind: 'number'; value: number }
  | { kind: 'glob'; text: string; numeric: boolean }
  | { kind: 'regex'; re: RegExp };

type Node =
  | { kind: 'or' | 'and'; left: Node; right: Node }
  | { kind: 'cmp'; selector: Step[]; op: string; value: Value }
  | { kind: 'is'; selector: Step[]; what: 'NULL' | 'TRUE' | 'FALSE' | 'NOT EXISTS' };

type Token = { t: 'sym' | 'sel' | 'str' | 'word' | 'regex'; v: string; steps?: Step[] };

const NAME = /^[A-Za-z0-9_-]+/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NUMBER_GLOB = /^[+-]?[\d.eE+*-]*\*[\d.eE+*-]*$/;
// The regex subset the page lists: alphanumerics, the symbols : _ # = @ / ; , - and space,
// the operators ^ $ ? [ ] { } | \ * + . (no parentheses, no other symbols, ASCII only).
const REGEX_CHARS = /^[A-Za-z0-9:_#=@/;, ^$?[\]{}|\\*+.-]+$/;

function parseSelector(src: string, at: number, pattern: string): { steps: Step[]; length: number } {
  const steps: Step[] = [];
  let i = at + 1; // after $
  while (i < src.length) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if (rest.startsWith('.*')) { steps.push({ wildcard: true }); i += 2; continue; }
    if (rest.startsWith('[*]')) { steps.push({ wildcard: true }); i += 3; continue; }
    if ((m = /^\.\['([^']+)'\]/.exec(rest))) { steps.push({ key: m[1] }); i += m[0].length; continue; }
    if ((m = /^\[(\d+)\]/.exec(rest))) {
      if (steps.length === 0) throw new Error(`an array index must follow a property, in ${pattern}`);
      steps.push({ index: Number(m[1]) });
      i += m[0].length;
      continue;
    }
    if (rest.startsWith('.')) {
      m = NAME.exec(rest.slice(1));
      if (!m) throw new Error(`bad property selector at ${i} in ${pattern}`);
      steps.push({ key: m[0] });
      i += 1 + m[0].length;
      continue;
    }
    break;
  }
  if (steps.length === 0) throw new Error(`a property selector starts with $. in ${pattern}`);
  if (steps.filter(s => 'wildcard' in s).length > 1) throw new Error(`at most one wildcard selector per property selector, in ${pattern}`);
  return { steps, length: i - at };
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const two = src.slice(i, i + 2);
    if (['&&', '||', '!=', '<=', '>='].includes(two)) { out.push({ t: 'sym', v: two }); i += 2; continue; }
    if ('(){}=<>'.includes(c)) { out.push({ t: 'sym', v: c }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') { v += src[j + 1]; j += 2; continue; }
        v += src[j++];
      }
      if (j >= src.length) throw new Error(`unterminated string in ${src}`);
      out.push({ t: 'str', v });
      i = j + 1;
      continue;
    }
    if (c === '%') {
      const j = src.indexOf('%', i + 1);
      if (j < 0) throw new Error(`unterminated regex in ${src}`);
      out.push({ t: 'regex', v: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const { steps, length } = parseSelector(src, i, src);
      out.push({ t: 'sel', v: src.slice(i, i + length), steps });
      i += length;
      continue;
    }
    const m = /^[^\s(){}=<>!&|"%]+/.exec(src.slice(i));
    if (!m) throw new Error(`unexpected character '${c}' at ${i} in ${src}`);
    out.push({ t: 'word', v: m[0] });
    i += m[0].length;
  }
  return out;
}

function compileRegex(body: string, pattern: string): RegExp {
  if (!REGEX_CHARS.test(body)) {
    throw new Error(`regex %${body}% uses characters outside the documented subset (no parentheses, no multi-byte characters) in ${pattern}`);
  }
  // `{m, n}` is written with an optional space on the page; JavaScript wants none.
  return new RegExp(body.replace(/\{(\d*),\s*(\d*)\}/g, '{$1,$2}'));
}

/** Parses a JSON filter pattern; throws on anything the AWS page does not document. */
export function parseJsonFilterPattern(pattern: string): Node {
  const tokens = tokenize(pattern);
  let pos = 0;
  let wildcards = 0;
  let regexes = 0;
  const peek = () => tokens[pos];
  const take = (v?: string) => {
    const tok = tokens[pos++];
    if (!tok || (v !== undefined && tok.v !== v)) throw new Error(`expected ${v ?? 'a token'} at ${pos - 1} in ${pattern}, got ${tok?.v}`);
    return tok;
  };
  const expr = (): Node => {
    let left = and();
    while (peek()?.v === '||') { take(); left = { kind: 'or', left, right: and() }; }
    return left;
  };
  const and = (): Node => {
    let left = term();
    while (peek()?.v === '&&') { take(); left = { kind: 'and', left, right: term() }; }
    return left;
  };
  const term = (): Node => {
    if (peek()?.v === '(' && peek()?.t === 'sym') { take('('); const e = expr(); take(')'); return e; }
    const sel = take();
    if (sel.t !== 'sel') throw new Error(`expected a selector, got ${sel.v} in ${pattern}`);
    const selector = sel.steps!;
    wildcards += selector.filter(s => 'wildcard' in s).length;
    const next = take();
    if (next.t === 'word' && next.v === 'IS') {
      const what = take().v;
      if (what === 'NOT') throw new Error(`IS NOT is not supported by CloudWatch Logs, in ${pattern}`);
      if (!['NULL', 'TRUE', 'FALSE'].includes(what)) throw new Error(`unsupported IS ${what} in ${pattern}`);
      return { kind: 'is', selector, what: what as 'NULL' };
    }
    if (next.t === 'word' && next.v === 'EXISTS') throw new Error(`EXISTS is not supported by CloudWatch Logs (only NOT EXISTS), in ${pattern}`);
    if (next.t === 'word' && next.v === 'NOT') { take('EXISTS'); return { kind: 'is', selector, what: 'NOT EXISTS' }; }
    if (next.t !== 'sym' || !['=', '!=', '<', '<=', '>', '>='].includes(next.v)) throw new Error(`unsupported operator ${next.v} in ${pattern}`);
    const op = next.v;
    const val = take();
    let value: Value;
    if (val.t === 'regex') {
      regexes++;
      value = { kind: 'regex', re: compileRegex(val.v, pattern) };
    } else if (val.t === 'str') {
      value = { kind: 'glob', text: val.v, numeric: false };
    } else if (val.t === 'word' && NUMBER.test(val.v)) {
      value = { kind: 'number', value: Number(val.v) };
    } else if (val.t === 'word' && NUMBER_GLOB.test(val.v) && /\d/.test(val.v)) {
      value = { kind: 'glob', text: val.v, numeric: true };
    } else if (val.t === 'word') {
      value = { kind: 'glob', text: val.v, numeric: false };
    } else {
      throw new Error(`expected a value, got ${val.v} in ${pattern}`);
    }
    if (!['=', '!='].includes(op) && value.kind !== 'number') throw new Error(`${op} needs a number, got ${val.v} in ${pattern}`);
    return { kind: 'cmp', selector, op, value };
  };
  take('{');
  const root = expr();
  take('}');
  if (pos !== tokens.length) throw new Error(`trailing input in ${pattern}`);
  if (wildcards > 3) throw new Error(`at most three wildcard selectors per filter pattern, got ${wildcards} in ${pattern}`);
  if (regexes > 2) throw new Error(`at most two regular expressions per filter pattern, got ${regexes} in ${pattern}`);
  return root;
}

/** Every value the selector reaches (several with a wildcard); none when a step is missing. */
function select(event: unknown, selector: Step[]): unknown[] {
  let current: unknown[] = [event];
  for (const step of selector) {
    const next: unknown[] = [];
    for (const node of current) {
      if ('wildcard' in step) {
        if (Array.isArray(node)) next.push(...node);
        else if (node !== null && typeof node === 'object') next.push(...Object.values(node));
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, step.key)) {
        next.push((node as Record<string, unknown>)[step.key]);
      }
    }
    current = next;
  }
  return current;
}

function glob(value: string, pattern: string): boolean {
  // Assumption glob-anywhere.
  const re = new RegExp(`^${pattern.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(value);
}

/** Whether one selected value satisfies the comparison. */
function compare(op: string, value: Value, node: unknown): boolean {
  // Documented: a selector pointing to an array or object matches neither = nor !=.
  if (node !== null && typeof node === 'object') return false;
  let same: boolean;
  switch (value.kind) {
    case 'number': {
      if (typeof node !== 'number') return false; // assumption strict-types
      switch (op) {
        case '<': return node < value.value;
        case '<=': return node <= value.value;
        case '>': return node > value.value;
        case '>=': return node >= value.value;
      }
      same = node === value.value;
      break;
    }
    case 'glob':
      if (value.numeric && typeof node === 'number') same = glob(String(node), value.text); // assumption number-glob
      else if (typeof node === 'string') same = glob(node, value.text);
      else return false; // assumption strict-types
      break;
    case 'regex':
      if (typeof node !== 'string') return false; // assumption strict-types
      same = value.re.test(node); // assumption regex-search
      break;
  }
  return op === '=' ? same : !same;
}

function evaluate(node: Node, event: unknown): boolean {
  switch (node.kind) {
    case 'or': return evaluate(node.left, event) || evaluate(node.right, event);
    case 'and': return evaluate(node.left, event) && evaluate(node.right, event);
    case 'is': {
      const values = select(event, node.selector);
      switch (node.what) {
        case 'NOT EXISTS': return values.length === 0;
        case 'NULL': return values.some(v => v === null);
        case 'TRUE': return values.some(v => v === true);
        case 'FALSE': return values.some(v => v === false);
      }
    }
    // eslint-disable-next-line no-fallthrough
    case 'cmp': {
      // Assumptions missing-field (no value: false) and any-of-wildcard.
      return select(event, node.selector).some(v => compare(node.op, node.value, v));
    }
  }
  return false;
}

const compiled = new Map<string, Node>();

/** The parsed pattern, parsed once per distinct pattern. */
function compiledPattern(pattern: string): Node {
  let ast = compiled.get(pattern);
  if (!ast) {
    ast = parseJsonFilterPattern(pattern);
    compiled.set(pattern, ast);
  }
  return ast;
}

/**
 * True when the log event matches a filter pattern of a metric filter: a JSON pattern
 * (`{ ... }`), the empty pattern (every event), or terms (every term, case-sensitive, is in
 * the event; a term prefixed `-` must not be), as the page's "Using filter patterns to match
 * terms in unstructured log events" describes.
 */
export function matchesAnyFilterPattern(pattern: string, logEvent: string): boolean {
  const trimmed = pattern.trim();
  if (trimmed === '') return true;
  if (trimmed.startsWith('{')) return matchesFilterPattern(trimmed, logEvent);
  const terms = trimmed.match(/-?"[^"]*"|\S+/g) ?? [];
  return terms.every(raw => {
    const negated = raw.startsWith('-');
    const term = (negated ? raw.slice(1) : raw).replace(/^"(.*)"$/, '$1');
    return logEvent.includes(term) !== negated;
  });
}

/** The value a `$.selector` picks from a JSON log event (the first, with a wildcard), or undefined. */
export function selectJsonValue(selector: string, logEvent: string): unknown {
  let event: unknown;
  try {
    event = JSON.parse(logEvent);
  } catch {
    return undefined;
  }
  return select(event, parseSelector(selector, 0, selector).steps)[0];
}

/** True when the log event (a JSON string) matches the JSON filter pattern. */
export function matchesFilterPattern(pattern: string, logEvent: string): boolean {
  const ast = compiledPattern(pattern);
  let event: unknown;
  try {
    event = JSON.parse(logEvent);
  } catch {
    return false; // assumption not-json
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false; // assumption not-json
  return evaluate(ast, event);
}

/**
 * The value a metric filter publishes for one log event: the metric value (a number or
 * a `$.field`) when it matches, the default value (or nothing) when it does not.
 */
export function metricFilterValue(pattern: string, metricValue: string, logEvent: string, defaultValue?: number): number | undefined {
  if (!matchesFilterPattern(pattern, logEvent)) return defaultValue;
  if (metricValue.startsWith('$')) {
    const [v] = select(JSON.parse(logEvent), parseSelector(metricValue, 0, metricValue).steps);
    return typeof v === 'number' ? v : undefined;
  }
  return Number(metricValue);
}
