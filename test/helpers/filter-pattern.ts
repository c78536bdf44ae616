/**
 * A small evaluator for the subset of CloudWatch Logs JSON filter-pattern syntax this
 * library writes, so tests can check a pattern against sample log events instead of
 * only comparing strings.
 *
 * Supported: `{ <expr> }` with `&&`, `||`, parentheses; selectors `$.a.b` and `$.a[0]`;
 * `=` and `!=` against a quoted or bare string (with `*` wildcards, case-sensitive) or a
 * number; `<`, `<=`, `>`, `>=` against a number; `IS NULL`, `IS TRUE`, `IS FALSE`,
 * `EXISTS`, `NOT EXISTS`.
 *
 * Semantics, as CloudWatch documents them for JSON patterns: a comparison on a field the
 * event does not have is false (`!=` included; use `NOT EXISTS` to match absence);
 * numeric comparisons only hold for JSON numbers; string comparisons only for JSON
 * strings. An event that is not a JSON object matches no JSON pattern.
 */

type Node =
  | { kind: 'or' | 'and'; left: Node; right: Node }
  | { kind: 'cmp'; selector: string[]; op: string; value: string | number; quoted: boolean }
  | { kind: 'is'; selector: string[]; what: 'NULL' | 'TRUE' | 'FALSE' | 'EXISTS' | 'NOT EXISTS' };

type Token = { t: 'sym' | 'sel' | 'str' | 'word'; v: string };

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
    if (c === '$') {
      const m = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])*/.exec(src.slice(i))!;
      out.push({ t: 'sel', v: m[0] });
      i += m[0].length;
      continue;
    }
    const m = /^[^\s(){}=<>!&|"]+/.exec(src.slice(i));
    if (!m) throw new Error(`unexpected character '${c}' at ${i} in ${src}`);
    out.push({ t: 'word', v: m[0] });
    i += m[0].length;
  }
  return out;
}

function parseSelector(sel: string): string[] {
  const parts: string[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sel.slice(1))) !== null) parts.push(m[1] ?? m[2]);
  return parts;
}

/** Parses a JSON filter pattern; throws on anything outside the supported subset. */
export function parseJsonFilterPattern(pattern: string): Node {
  const tokens = tokenize(pattern);
  let pos = 0;
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
    if (peek()?.v === '(') { take('('); const e = expr(); take(')'); return e; }
    const sel = take();
    if (sel.t !== 'sel') throw new Error(`expected a selector, got ${sel.v} in ${pattern}`);
    const selector = parseSelector(sel.v);
    const next = take();
    if (next.t === 'word' && next.v === 'IS') {
      const what = take().v;
      if (!['NULL', 'TRUE', 'FALSE'].includes(what)) throw new Error(`unsupported IS ${what}`);
      return { kind: 'is', selector, what: what as 'NULL' };
    }
    if (next.t === 'word' && next.v === 'EXISTS') return { kind: 'is', selector, what: 'EXISTS' };
    if (next.t === 'word' && next.v === 'NOT') { take('EXISTS'); return { kind: 'is', selector, what: 'NOT EXISTS' }; }
    if (next.t !== 'sym' || !['=', '!=', '<', '<=', '>', '>='].includes(next.v)) throw new Error(`unsupported operator ${next.v} in ${pattern}`);
    const val = take();
    if (val.t === 'str') return { kind: 'cmp', selector, op: next.v, value: val.v, quoted: true };
    if (val.t !== 'word') throw new Error(`expected a value, got ${val.v} in ${pattern}`);
    const n = Number(val.v);
    return { kind: 'cmp', selector, op: next.v, value: Number.isFinite(n) && /^-?\d/.test(val.v) ? n : val.v, quoted: false };
  };
  take('{');
  const root = expr();
  take('}');
  if (pos !== tokens.length) throw new Error(`trailing input in ${pattern}`);
  return root;
}

function lookup(event: unknown, selector: string[]): { found: boolean; value?: unknown } {
  let cur: unknown = event;
  for (const part of selector) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) return { found: false };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

function glob(value: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(value);
}

function evaluate(node: Node, event: unknown): boolean {
  switch (node.kind) {
    case 'or': return evaluate(node.left, event) || evaluate(node.right, event);
    case 'and': return evaluate(node.left, event) && evaluate(node.right, event);
    case 'is': {
      const { found, value } = lookup(event, node.selector);
      switch (node.what) {
        case 'EXISTS': return found;
        case 'NOT EXISTS': return !found;
        case 'NULL': return found && value === null;
        case 'TRUE': return found && value === true;
        case 'FALSE': return found && value === false;
      }
    }
    // eslint-disable-next-line no-fallthrough
    case 'cmp': {
      const { found, value } = lookup(event, node.selector);
      if (!found) return false;
      if (typeof node.value === 'number' && !node.quoted) {
        if (typeof value !== 'number') return false;
        switch (node.op) {
          case '=': return value === node.value;
          case '!=': return value !== node.value;
          case '<': return value < node.value;
          case '<=': return value <= node.value;
          case '>': return value > node.value;
          case '>=': return value >= node.value;
        }
      }
      if (node.op !== '=' && node.op !== '!=') throw new Error(`${node.op} needs a number, got ${node.value}`);
      if (typeof value !== 'string') return false;
      const same = glob(value, String(node.value));
      return node.op === '=' ? same : !same;
    }
  }
  return false;
}

/** True when the log event (a JSON string) matches the JSON filter pattern. */
export function matchesFilterPattern(pattern: string, logEvent: string): boolean {
  const ast = parseJsonFilterPattern(pattern);
  let event: unknown;
  try {
    event = JSON.parse(logEvent);
  } catch {
    return false;
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  return evaluate(ast, event);
}

/**
 * The value a metric filter publishes for one log event: the metric value (a number or
 * a `$.field`) when it matches, the default value (or nothing) when it does not.
 */
export function metricFilterValue(pattern: string, metricValue: string, logEvent: string, defaultValue?: number): number | undefined {
  if (!matchesFilterPattern(pattern, logEvent)) return defaultValue;
  if (metricValue.startsWith('$')) {
    const v = lookup(JSON.parse(logEvent), parseSelector(metricValue)).value;
    return typeof v === 'number' ? v : undefined;
  }
  return Number(metricValue);
}
