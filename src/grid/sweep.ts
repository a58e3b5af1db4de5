import { GridSyntaxError } from "./errors.js";
import type { GridMapping, GridSpec } from "./grid.js";
import { floatValue, type GridValue } from "./values.js";

/**
 * The sweep syntax, after Hydra's basic sweeper, compiled to scikit-learn's
 * grid forms:
 *
 *   b=1,2 c=2,3                   a product, like {"b": [1, 2], "c": [2, 3]}
 *   lr=range(0.1, 0.5, 0.1)       Python's range, floats allowed
 *   opt=choice(adam, "s g d")     the same as opt=adam,"s g d"
 *   layers=[64,64],[128]          list values: two points, not four
 *   (lr,epochs)=(0.1,10),(0.01,20)  a paired sweep: the keys advance together
 *
 * A paired sweep has no mapping form, so a grid with one compiles to a list
 * of mappings, one per tuple: the tuples vary slowest, in the order written.
 */
export function parseSweeps(text: string): GridSpec {
  const scanner = new Scanner(text);
  // A Map, then fromEntries: assigning a key such as "__proto__" to a plain
  // object would set its prototype instead of adding the key.
  const axes = new Map<string, GridValue[]>();
  const groups: GridMapping[][] = [];
  const seen = new Set<string>();

  const claim = (key: string, at: number) => {
    if (seen.has(key))
      throw scanner.error(`"${key}" is given twice`, "each key once", at);
    seen.add(key);
  };

  for (scanner.skipSpace(); !scanner.done(); scanner.skipSpace()) {
    if (scanner.peek() === "(") {
      const keys = scanner.keyTuple();
      keys.forEach(({ key, at }) => claim(key, at));
      scanner.expect("=", "= after the keys of a paired sweep");
      groups.push(scanner.tuples(keys.map(({ key }) => key)));
    } else {
      const { key, at } = scanner.key();
      claim(key, at);
      scanner.expect("=", `= after "${key}"`);
      axes.set(key, scanner.valueList(key));
    }
    if (!scanner.done() && !/\s/.test(scanner.peek())) {
      throw scanner.error(
        `unexpected "${scanner.peek()}"`,
        "a space before the next key",
      );
    }
  }

  const mapping: GridMapping = Object.fromEntries(axes);
  if (groups.length === 0) return mapping;
  // Every combination of one tuple per group, the first group slowest.
  return groups.reduce<GridMapping[]>(
    (combined, tuples) =>
      combined.flatMap((base) =>
        tuples.map((tuple) => ({ ...base, ...tuple })),
      ),
    [mapping],
  );
}

const BARE = /[^\s,()[\]{}='"]/;
export const MAX_DEPTH = 32;

class Scanner {
  private position = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text[this.position] ?? "";
  }

  skipSpace(): void {
    while (/\s/.test(this.peek()) && !this.done()) this.position++;
  }

  error(
    message: string,
    expected: string,
    at = this.position,
  ): GridSyntaxError {
    return new GridSyntaxError(message, at, expected);
  }

  expect(char: string, expected: string): void {
    if (this.peek() !== char) {
      const found = this.done() ? "the end" : `"${this.peek()}"`;
      throw this.error(`found ${found}`, expected);
    }
    this.position++;
  }

  key(): { key: string; at: number } {
    const at = this.position;
    const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(at));
    if (!match)
      throw this.error(
        `"${this.word()}" is not a key`,
        "key=values, with a Python identifier as key",
      );
    this.position += match[0].length;
    return { key: match[0], at };
  }

  keyTuple(): Array<{ key: string; at: number }> {
    this.expect("(", "(");
    const keys = [this.key()];
    while (this.peek() === ",") {
      this.position++;
      keys.push(this.key());
    }
    this.expect(")", ", or ) in the keys of a paired sweep");
    return keys;
  }

  /** `v1,v2`, `range(...)` or `choice(...)`. */
  valueList(key: string): GridValue[] {
    const call = /^(range|choice)\(/.exec(this.text.slice(this.position));
    if (call) {
      const at = this.position;
      this.position += call[0].length;
      const args = this.values(")");
      this.expect(")", ", or ) to close the call");
      return call[1] === "range" ? rangeValues(args, at, this) : args;
    }
    const values = [this.value()];
    while (this.peek() === ",") {
      this.position++;
      values.push(this.value());
    }
    if (values.length === 0)
      throw this.error(`no values for "${key}"`, "values after =");
    return values;
  }

  /** `(a1,b1),(a2,b2)`: one mapping of one-element lists per tuple. */
  tuples(keys: string[]): GridMapping[] {
    const tuples: GridMapping[] = [];
    do {
      if (tuples.length > 0) this.position++;
      const at = this.position;
      this.expect("(", `a tuple of ${keys.length} values`);
      const values = this.values(")");
      this.expect(")", ", or ) to close the tuple");
      if (values.length !== keys.length) {
        throw this.error(
          `a tuple of ${values.length} values for ${keys.length} keys`,
          `${keys.length} values per tuple`,
          at,
        );
      }
      tuples.push(
        Object.fromEntries(
          keys.map((key, i) => [key, [values[i] as GridValue]]),
        ),
      );
    } while (this.peek() === ",");
    return tuples;
  }

  /** Comma-separated values up to (not including) `close`. */
  values(close: string, depth = 0): GridValue[] {
    const values: GridValue[] = [];
    this.skipSpace();
    while (this.peek() !== close && !this.done()) {
      if (values.length > 0) {
        this.expect(",", `, or ${close}`);
        this.skipSpace();
      }
      values.push(this.value(depth));
      this.skipSpace();
    }
    return values;
  }

  value(depth = 0): GridValue {
    const char = this.peek();
    if (char === '"' || char === "'") return this.quoted(char);
    if (char === "[") {
      // Each level recurses; a bound keeps hostile input off the stack limit.
      if (depth >= MAX_DEPTH)
        throw this.error(
          `lists nest deeper than ${MAX_DEPTH} levels`,
          "flatter values",
        );
      this.position++;
      const items = this.values("]", depth + 1);
      this.expect("]", ", or ] to close the list");
      return items;
    }
    const at = this.position;
    while (BARE.test(this.peek()) && !this.done()) this.position++;
    const word = this.text.slice(at, this.position);
    if (word === "")
      throw this.error(
        this.done() ? "a value is missing" : `unexpected "${char}"`,
        "a value",
        at,
      );
    return typedValue(word, at, this);
  }

  private quoted(quote: string): string {
    const at = this.position++;
    let value = "";
    while (this.peek() !== quote) {
      if (this.done())
        throw this.error(
          "the quoted text is not closed",
          `a closing ${quote}`,
          at,
        );
      if (
        this.peek() === "\\" &&
        [quote, "\\"].includes(this.text[this.position + 1] ?? "")
      )
        this.position++;
      value += this.peek();
      this.position++;
    }
    this.position++;
    return value;
  }

  private word(): string {
    return /^\S*/.exec(this.text.slice(this.position))?.[0] ?? "";
  }
}

/** Python's literal rules, roughly: ints, floats, booleans, null, text. */
function typedValue(word: string, at: number, scanner: Scanner): GridValue {
  const integer = /^[+-]?\d+$/.test(word);
  const float = /^[+-]?(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][+-]?\d+)?$/.test(word);
  // TODO: integers beyond 2^53 lose digits here, as JSON numbers do in
  // JavaScript; a grid of such IDs would need them quoted as text.
  if ((integer || float) && Number.isFinite(Number(word))) {
    return integer ? Number(word) : floatValue(Number(word));
  }
  if (/^(true|false)$/i.test(word)) return word.toLowerCase() === "true";
  if (/^(null|none)$/i.test(word)) return null;
  if (integer || float || /^[+-]?(inf|infinity|nan)$/i.test(word)) {
    throw scanner.error(
      `${word} cannot be sent as a flow parameter`,
      'a finite number, or "quotes" for text',
      at,
    );
  }
  return word;
}

function rangeValues(
  args: GridValue[],
  at: number,
  scanner: Scanner,
): GridValue[] {
  const numbers = args.map((arg) =>
    typeof arg === "number" ? arg : (arg as { value?: unknown })?.value,
  );
  if (
    args.length < 2 ||
    args.length > 3 ||
    !numbers.every((n) => typeof n === "number")
  ) {
    throw scanner.error(
      "range takes two or three numbers",
      "range(start, stop[, step])",
      at,
    );
  }
  const [start, stop, step = 1] = numbers as number[];
  if (step === 0)
    throw scanner.error("range step is 0", "a step that is not 0", at);

  const floats = args.some(
    (arg) => typeof arg !== "number" || !Number.isInteger(arg),
  );
  // range(0.1, 0.4, 0.1) means three values, though 0.3 / 0.1 is 3.0000000000000004.
  const span = ((stop as number) - (start as number)) / step;
  const count = Math.max(0, Math.ceil(span - 1e-9));
  if (count === 0)
    throw scanner.error(
      `range(${numbers.join(", ")}) is empty`,
      "start before stop for a positive step",
      at,
    );
  if (count > 1_000_000)
    throw scanner.error(
      `range(${numbers.join(", ")}) has ${count} values`,
      "a million values at most",
      at,
    );
  return Array.from({ length: count }, (_, i) => {
    // Repeated float steps accumulate error (0.1 * 3 = 0.30000000000000004);
    // twelve significant digits are more than any grid needs.
    const exact = (start as number) + i * step;
    return floats ? floatValue(Number(exact.toPrecision(12))) : exact;
  });
}
