// What a consuming component reads, as checks over the data it gets. Each
// check takes the data and returns the problems it finds ([] when the
// component gets what it reads); a path is "a.b", "[0].c" or "a[].b"
// (every item of a), "" the data itself.

/** typeOf names a value's JSON type: "array", "null", "undefined", "object", ... */
export function typeOf(v) {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

/** at returns the value at a path without "[]" ("a.b[0].c"). */
export function at(v, path) {
  if (!path) return v;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
    if (v === null || v === undefined) return undefined;
    v = v[part];
  }
  return v;
}

/**
 * values returns every value a path reaches, "[]" walking each item of a
 * list: {p, v}, or {p, v, notArray} where a list was expected.
 */
function values(v, path, prefix = '') {
  const join = (a, b) => (a && b ? `${a}.${b}` : a || b);
  const i = path.indexOf('[]');
  if (i < 0) return [{ p: join(prefix, path), v: at(v, path) }];
  const head = path.slice(0, i);
  const rest = path.slice(i + 2).replace(/^\./, '');
  const list = at(v, head);
  const hp = join(prefix, head);
  if (!Array.isArray(list)) return [{ p: hp, v: list, notArray: true }];
  return list.flatMap((item, n) => values(item, rest, `${hp}[${n}]`));
}

const show = (p) => p || '(root)';

const is = (want, test) => (path) => (data) => {
  const out = [];
  for (const { p, v, notArray } of values(data, path)) {
    if (notArray) {
      out.push(`${show(p)} is ${typeOf(v)}, the consumer reads an array`);
    } else if (!test(v)) {
      out.push(`${show(p)} is ${typeOf(v)}${typeof v === 'string' ? ` "${v.slice(0, 40)}"` : ''}, the consumer reads ${want}`);
    }
    if (out.length >= 3) break;
  }
  return out;
};

/** array: the value is an array. */
export const array = is('an array', Array.isArray);
/** object: the value is an object (not an array, not null). */
export const object = is('an object', (v) => typeOf(v) === 'object');
/** objectOrNull: an object or null. */
export const objectOrNull = is('an object or null', (v) => v === null || typeOf(v) === 'object');
/** number: the value is a number. */
export const number = is('a number', (v) => typeof v === 'number' && Number.isFinite(v));
/** string: the value is a string. */
export const string = is('a string', (v) => typeof v === 'string');
/** boolean: the value is a boolean. */
export const boolean = is('a boolean', (v) => typeof v === 'boolean');
/** present: the value is neither undefined nor null. */
export const present = is('a value', (v) => v !== undefined && v !== null);

/** equals: a control value the component compares with a literal. */
export const equals = (path, want) => (data) => {
  const v = at(data, path);
  return v === want ? [] : [`${show(path)} is ${JSON.stringify(v)}, the consumer needs ${JSON.stringify(want)}`];
};

/** oneOf: a control value the component compares with several literals. */
export const oneOf = (path, wants) => (data) => {
  const v = at(data, path);
  return wants.includes(v) ? [] : [`${path} is ${JSON.stringify(v)}, the consumer knows ${wants.map((w) => JSON.stringify(w)).join(', ')}`];
};

/** inRange: every number a path reaches lies in [lo, hi] (an index the component uses). */
export const inRange = (path, lo, hi) => (data) => {
  const bad = values(data, path).filter(({ v, notArray }) => notArray || !(typeof v === 'number' && v >= lo && v <= hi));
  return bad.slice(0, 2).map(({ p, v }) => `${show(p)} is ${JSON.stringify(v)}, the consumer reads ${lo}-${hi}`);
};

/** nonEmpty: a list the component shows, or picks its first item from, has items. */
export const nonEmpty = (path) => (data) => {
  const v = at(data, path);
  return Array.isArray(v) && v.length > 0 ? [] : [`${path || '(root)'} is ${Array.isArray(v) ? 'empty' : typeOf(v)}, the consumer lists its items`];
};

/**
 * runs: the component's own code over the data (copied from the vendor's
 * bundle, as the comment beside each says) must not throw.
 */
export const runs = (what, fn) => (data) => {
  try {
    fn(data);
    return [];
  } catch (e) {
    return [`the consumer throws: ${what}: ${e.message}`];
  }
};

/** check applies checks to data (with the run's context c) and returns every problem. */
export function check(checks, data, c) {
  return (checks ?? []).flatMap((k) => k(data, c));
}
