/**
 * Grid values as Python will see them. JSON and JavaScript have one number
 * type, Python has two, and the difference matters to the people writing
 * grids: scikit-learn reads `max_features=1` as one feature and
 * `max_features=1.0` as all of them. A float whose value is whole is kept as
 * a `Float` so that it is written back as `1.0`; every other number is
 * unambiguous as it stands.
 */
export class Float {
  constructor(readonly value: number) {}
}

export type GridValue =
  | null
  | boolean
  | number
  | string
  | Float
  | GridValue[]
  | { [key: string]: GridValue };

/** A number written with a decimal point or an exponent is a float. */
export function floatValue(value: number): number | Float {
  return Number.isInteger(value) ? new Float(value) : value;
}

/**
 * JSON text for any value flowpush sends or hashes, with keys in the order
 * given (or sorted, for hashing) and whole floats written as floats.
 */
export function toJson(value: unknown, sortKeys = false): string {
  if (value instanceof Float) return formatFloat(value.value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) {
    return `[${value.map((item) => toJson(item, sortKeys)).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const fields = entries.map(
      ([key, item]) => `${JSON.stringify(key)}:${toJson(item, sortKeys)}`,
    );
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function formatFloat(value: number): string {
  if (Object.is(value, -0)) return "-0.0";
  const text = JSON.stringify(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}
