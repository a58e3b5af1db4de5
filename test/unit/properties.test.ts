/**
 * Property-based tests for the directive and grid parsers: totality (every
 * input either parses or fails with the documented error, pointing at a
 * place that exists), round trips through the formatters, and the grid's
 * arithmetic against its own expansion.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import { FlowpushError } from "../../src/errors.js";
import { formatGrid, formatMessage } from "../../src/directives/format.js";
import {
  parseDirectives,
  type Directive,
  type PartSelector,
  type Position,
} from "../../src/directives/parse.js";
import { GridSyntaxError } from "../../src/grid/errors.js";
import {
  Grid,
  type GridMapping,
  type GridSpec,
  type GridValue,
} from "../../src/grid/grid.js";
import { parseGrid } from "../../src/grid/parse.js";
import { Float } from "../../src/grid/values.js";

// ---------------------------------------------------------------- helpers

const sha = fc.string({
  unit: fc.constantFrom(..."0123456789abcdef"),
  minLength: 40,
  maxLength: 40,
});

function commitOf(message: string, commitSha: string): Commit {
  return {
    sha: commitSha,
    message,
    authorName: "A",
    authorEmail: "a@example.com",
    committedAt: "2026-01-01T00:00:00Z",
  };
}

/** Lines as the parser numbers them: split at LF, a CR before it dropped. */
const lineCount = (message: string) => message.split(/\r?\n/).length;

const ERROR_PREFIX = /^commit ([0-9a-f]{7}), line (\d+), column (\d+): /;

/**
 * Passes when `error` is a directive error that names the commit and a line
 * and column of `message`; rethrows anything else so fast-check reports it.
 */
function expectDirectiveError(
  error: unknown,
  message: string,
  commitSha: string,
): void {
  if (!(error instanceof FlowpushError)) throw error;
  expect(["DIRECTIVE_INVALID", "GRID_INVALID"]).toContain(error.code);
  const match = ERROR_PREFIX.exec(error.message);
  expect(match, error.message).not.toBeNull();
  const [, short, line, column] = match as unknown as [
    string,
    string,
    string,
    string,
  ];
  expect(short).toBe(commitSha.slice(0, 7));
  expect(Number(line)).toBeGreaterThanOrEqual(1);
  expect(Number(line)).toBeLessThanOrEqual(lineCount(message));
  expect(Number(column)).toBeGreaterThanOrEqual(1);
}

function expectPosition(
  position: Position,
  message: string,
  commitSha: string,
): void {
  expect(position.commit).toBe(commitSha);
  expect(position.line).toBeGreaterThanOrEqual(1);
  expect(position.line).toBeLessThanOrEqual(lineCount(message));
  expect(position.column).toBeGreaterThanOrEqual(1);
}

/** What a successful parse must look like: only the two directive kinds. */
function expectWellFormed(
  directives: Directive[],
  message: string,
  commitSha: string,
): void {
  for (const directive of directives) {
    expect(["build", "run"]).toContain(directive.kind);
    expectPosition(directive.position, message, commitSha);
    if (directive.kind === "build") {
      expect(directive.parts.length).toBeGreaterThan(0);
      for (const part of directive.parts) {
        expect(["name", "all", "changed"]).toContain(part.kind);
        expectPosition(part.position, message, commitSha);
      }
    } else {
      expect(typeof directive.part.name).toBe("string");
      expect(typeof directive.flow).toBe("string");
      expectPosition(directive.part.position, message, commitSha);
      expectPosition(directive.flowPosition, message, commitSha);
      if (directive.grid !== undefined) {
        expect(typeof directive.grid.size).toBe("bigint");
        expect(directive.grid.size).toBeGreaterThan(0n);
      }
    }
  }
}

function parseOrExpectError(message: string, commitSha: string): void {
  let directives: Directive[];
  try {
    directives = parseDirectives(commitOf(message, commitSha)).directives;
  } catch (error) {
    expectDirectiveError(error, message, commitSha);
    return;
  }
  expectWellFormed(directives, message, commitSha);
}

function parseGridOrExpectError(text: string): void {
  try {
    parseGrid(text);
  } catch (error) {
    if (!(error instanceof GridSyntaxError)) throw error;
    expect(Number.isInteger(error.offset), String(error.offset)).toBe(true);
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(text.length);
  }
}

// ------------------------------------------------------------- fragments

/**
 * Pieces of grid text: both syntaxes' punctuation, calls and literals, and
 * YAML features (anchors, tags, block indicators) a grid cannot hold.
 */
const GRID_TOKENS = [
  "{",
  "}",
  "[",
  "]",
  "(",
  ")",
  ":",
  ",",
  "=",
  " ",
  "  ",
  "\t",
  "\n",
  '"',
  "'",
  "\\",
  "#",
  "&a ",
  "*a",
  "!!str ",
  "!!float ",
  "!!set ",
  "? ",
  "- ",
  "|",
  ">",
  "---",
  "%YAML 1.1",
  "range(",
  "choice(",
  "range(0, 1, 0.5)",
  "range(3)",
  "range(1, 0)",
  "(a,b)=",
  "(1,2)",
  "b=",
  "b=1,2",
  "b",
  "lr",
  "_x",
  "a.b",
  "__proto__",
  "constructor",
  "1",
  "-1",
  "+2",
  "0",
  "-0",
  "1.0",
  "-0.0",
  ".5",
  "0.1",
  "1e5",
  "1E-3",
  "1e400",
  "0x1E",
  "0o17",
  ".inf",
  ".nan",
  "inf",
  "-Infinity",
  "nan",
  "true",
  "False",
  "null",
  "None",
  "~",
  "adam",
  "s g d",
  "é",
  "😀",
  "\u2028",
  "\ufeff",
  "\u0000",
];

const gridFragment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...GRID_TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 3 }) },
);

const gridText = fc
  .array(gridFragment, { maxLength: 24 })
  .map((parts) => parts.join(""));

/**
 * Grid text nested deep enough to exhaust any recursion in the parsers: the
 * sweep syntax's lists and calls, and JSON/YAML flow collections.
 */
type Nesting = [prefix: string, open: string, close: string];

const SWEEP_NESTINGS: Nesting[] = [
  ["b=", "[", "]"],
  ["b=choice(", "[", "]"],
  ["(a)=(", "[", "]"],
];

const FLOW_NESTINGS: Nesting[] = [
  ["", "[", "]"],
  ["", "{a: ", "}"],
  ["", "[{a: ", "}]"],
];

const deepNesting = (nestings: Nesting[], maxDepth: number) =>
  fc
    .tuple(
      fc.constantFrom(...nestings),
      fc.integer({ min: 1, max: maxDepth }),
      fc.boolean(),
    )
    .map(
      ([[prefix, open, close], depth, closed]) =>
        prefix + open.repeat(depth) + (closed ? "1" + close.repeat(depth) : ""),
    );

/** Both entry points on one piece of grid text, as a trailer or inline. */
function parseNested(grid: string, inline: boolean, commitSha: string): void {
  parseGridOrExpectError(grid);
  const message = inline
    ? `Subject [flowpush run p/f ${grid}]`
    : `Subject\n\nFlowpush-Run: p/f ${grid}`;
  parseOrExpectError(message, commitSha);
}

// ----------------------------------------------------------- grid specs

const identifier = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "_",
      "__proto__",
      "constructor",
      "toString",
      "None",
      "True",
    ),
  },
);

/** Code points that line breaking, escaping and YAML treat specially. */
const awkwardChar = fc.constantFrom(
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\ufffe",
  '"',
  "'",
  "\\",
  "#",
  ": ",
  "- ",
  "{",
  "]",
  "😀",
);

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: awkwardChar, maxLength: 4 }),
);

/** Integers, JavaScript's plain numbers: -0 is not one (Python has no int -0). */
const integer = fc.maxSafeInteger();

const fraction = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((x) => !Number.isInteger(x));

/** Whole floats, -0.0 among them: a Float is meant to carry Python's float. */
const wholeFloat = fc
  .oneof(
    fc.constantFrom(0, -0, 1, -1),
    fc.integer({ min: -1000, max: 1000 }),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .filter((x) => Number.isInteger(x)),
  )
  .map((n) => new Float(n));

const scalar: fc.Arbitrary<GridValue> = fc.oneof(
  integer,
  fraction,
  wholeFloat,
  fc.boolean(),
  fc.constant(null),
  text,
);

const gridValue: fc.Arbitrary<GridValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
);

function mappingOf(
  values: fc.Arbitrary<GridValue>,
  keys: { min: number; max: number },
  perKey: { min: number; max: number },
): fc.Arbitrary<GridMapping> {
  return fc
    .uniqueArray(
      fc.tuple(
        identifier,
        fc.array(values, { minLength: perKey.min, maxLength: perKey.max }),
      ),
      {
        minLength: keys.min,
        maxLength: keys.max,
        selector: ([key]) => key,
      },
    )
    .map((entries) => Object.fromEntries(entries));
}

const mapping = mappingOf(gridValue, { min: 1, max: 4 }, { min: 1, max: 4 });

const gridSpec: fc.Arbitrary<GridSpec> = fc.oneof(
  mapping,
  fc.array(mapping, { minLength: 1, maxLength: 3 }),
);

// --------------------------------------------------- directive messages

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$/;
const name = fc
  .stringMatching(NAME)
  .filter((n) => n !== "all" && n !== "changed");

/** Pieces of directive values that are not grid text. */
const VALUE_TOKENS = [
  "prices",
  "train",
  "prices/train",
  "a/b/c",
  "/",
  "/train",
  "prices/",
  "all",
  "changed",
  "p1, p2",
  ",",
  ", ",
  "-bad",
  ".x",
  "[flowpush run ",
  "[flowpush build ",
  "[flowpush ",
  "]",
  "Flowpush-Run: ",
  "Flowpush-Build:",
];

const SKIP_MARKERS = [
  "[skip ci]",
  "[SKIP FLOWPUSH]",
  "***no_ci***",
  "skip-checks: true",
];

const junk = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...VALUE_TOKENS) },
      { weight: 4, arbitrary: fc.constantFrom(...GRID_TOKENS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 3 }) },
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""));

/** Sweep text that is mostly well formed. */
const sweepText = fc
  .array(
    fc.tuple(
      fc.constantFrom("b", "lr", "_x", "a.b", "opt", "(lr,epochs)", "(a)"),
      fc.constantFrom(
        "1,2",
        "0.1",
        "range(0, 1, 0.5)",
        "range(3, 0, -1)",
        'choice(adam, "s g d")',
        "[64,64],[128]",
        "(0.1,10),(0.01,20)",
        "(1)",
        "true,None",
        "'x'",
        "",
      ),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((pairs) => pairs.map(([key, values]) => `${key}=${values}`).join(" "));

/** What may follow the target of a Flowpush-Run: nothing, or a grid. */
const gridPart = fc.oneof(
  { weight: 2, arbitrary: fc.constant("") },
  { weight: 2, arbitrary: gridSpec.map((spec) => ` ${formatGrid(spec)}`) },
  { weight: 2, arbitrary: sweepText.map((sweeps) => ` ${sweeps}`) },
  { weight: 3, arbitrary: gridText.map((grid) => ` ${grid}`) },
);

const target = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(name, name).map(([p, f]) => `${p}/${f}`) },
  { weight: 1, arbitrary: junk },
);

/** Options between the flow and the grid, known and unknown. */
const options = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom("--runs", "--map", "--", "--x", "-runs"), {
        minLength: 1,
        maxLength: 2,
      })
      .map((words) => ` ${words.join(" ")}`),
  },
);

const runValue = fc
  .tuple(target, options, gridPart)
  .map(([where, option, grid]) => where + option + grid);

const buildValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(name, fc.constantFrom("all", "changed", "")), {
        minLength: 1,
        maxLength: 3,
      })
      .chain((names) =>
        fc
          .constantFrom(", ", ",", " ", " ,\t")
          .map((separator) => names.join(separator)),
      ),
  },
  { weight: 1, arbitrary: junk },
);

const RUN_KEYS = ["Flowpush-Run", "flowpush-run", "FLOWPUSH-RUN"];
const BUILD_KEYS = ["Flowpush-Build", "flowpush-build"];
const OTHER_KEYS = [
  "Flowpush-Deploy",
  "Flowpush-",
  "Flowpush-Constructor",
  "Flowpush-toString",
];

const separator = fc.constantFrom(": ", ":", " : ", ":\t", "\t:  ");

/** One trailer line, maybe followed by continuation lines. */
const trailer = fc
  .tuple(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(fc.constantFrom(...RUN_KEYS), runValue),
      },
      {
        weight: 3,
        arbitrary: fc.tuple(fc.constantFrom(...BUILD_KEYS), buildValue),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom(...OTHER_KEYS), runValue),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(
          fc.constantFrom("Co-authored-by", "Signed-off-by", "Fixes"),
          fc.constantFrom("A <a@example.com>", "12", ""),
        ),
      },
    ),
    separator,
    fc.array(fc.nat(), { maxLength: 2 }),
    fc.array(fc.constantFrom(" ", "\t", "   "), { minLength: 2, maxLength: 2 }),
  )
  .map(([[key, text], sep, cuts, indents]) => {
    // Fold the value at some of its spaces onto continuation lines.
    const words = text.split(" ");
    const breaks = new Set(cuts.map((cut) => 1 + (cut % words.length)));
    const lines = [`${key}${sep}`];
    words.forEach((word, i) => {
      if (breaks.has(i)) lines.push((indents[lines.length % 2] ?? " ") + word);
      else lines[lines.length - 1] += (i === 0 ? "" : " ") + word;
    });
    return lines;
  });

/** A line of prose, now and then with something that looks like a directive. */
const prose = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("Some prose.", "More words here") },
  { weight: 2, arbitrary: junk },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("", " ", "  "), fc.constantFrom(...RUN_KEYS))
      .map(([indent, key]) => `${indent}${key}: p/f`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("(cherry picked from commit 0abc123)"),
  },
);

const subject = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("Subject", "Fix the thing", "") },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom("Train ", "", "x "),
        fc.constantFrom(
          "[flowpush run ",
          "[FlowPush\tRun ",
          "[flowpush build ",
          "[flowpush deploy ",
          "[flowpush constructor ",
        ),
        fc.oneof(runValue, buildValue),
        fc.constantFrom("]", "", "] and [flowpush run p/f]", "]]"),
        fc.constantFrom("", " more"),
      )
      .map((parts) => parts.join("")),
  },
  { weight: 1, arbitrary: junk },
);

const proseParagraph = fc.array(prose, { minLength: 1, maxLength: 3 });

const trailerParagraph = fc
  .array(trailer, { minLength: 1, maxLength: 4 })
  .map((trailers) => trailers.flat());

const mixedParagraph = fc
  .array(
    fc.oneof(
      trailer,
      prose.map((text) => [text]),
    ),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((lines) => lines.flat());

/** Body paragraphs are mostly prose; the last is mostly trailers. */
const paragraphs = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: proseParagraph },
        { weight: 1, arbitrary: trailerParagraph },
      ),
      { maxLength: 2 },
    ),
    fc.oneof(
      { weight: 6, arbitrary: trailerParagraph },
      { weight: 2, arbitrary: mixedParagraph },
      { weight: 1, arbitrary: proseParagraph },
      { weight: 1, arbitrary: fc.constant([]) },
    ),
  )
  .map(([body, last]) => (last.length === 0 ? body : [...body, last]));

const directiveMessage = fc
  .tuple(
    subject,
    paragraphs,
    fc.constantFrom("\n", "\r\n"),
    fc.constantFrom("", " ", "\t"),
    fc.constantFrom("", "\n", "\n\n"),
    fc.oneof(
      { weight: 19, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constantFrom(...SKIP_MARKERS) },
    ),
  )
  .map(([first, paragraphs, newline, blank, end, skip]) => {
    const lines = [skip === "" ? first : `${first} ${skip}`];
    for (const paragraphLines of paragraphs)
      lines.push(blank, ...paragraphLines);
    return lines.join(newline) + end.replaceAll("\n", newline);
  });

// ------------------------------------------------------------ directives

const NOWHERE: Position = { commit: "", line: 0, column: 0 };

const selector: fc.Arbitrary<PartSelector> = fc.oneof(
  {
    weight: 3,
    arbitrary: name.map((n): PartSelector => ({
      kind: "name",
      name: n,
      position: NOWHERE,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<PartSelector>(
      { kind: "all", position: NOWHERE },
      { kind: "changed", position: NOWHERE },
    ),
  },
);

const directive: fc.Arbitrary<Directive> = fc.oneof(
  fc
    .array(selector, { minLength: 1, maxLength: 3 })
    .map((parts): Directive => ({ kind: "build", parts, position: NOWHERE })),
  fc
    .tuple(
      name,
      name,
      fc.option(gridSpec, { nil: undefined }),
      fc.constantFrom(undefined, "map" as const, "runs" as const),
    )
    .map(([part, flow, spec, mode]): Directive => ({
      kind: "run",
      part: { name: part, position: NOWHERE },
      flow,
      flowPosition: NOWHERE,
      grid:
        spec === undefined
          ? undefined
          : { spec, size: new Grid(spec).size, text: "" },
      mode,
      position: NOWHERE,
    })),
);

/** A directive without the fields that say where it was written. */
function strip(directive: Directive): unknown {
  if (directive.kind === "build") {
    return {
      kind: "build",
      parts: directive.parts.map((part) =>
        part.kind === "name"
          ? { kind: "name", name: part.name }
          : { kind: part.kind },
      ),
    };
  }
  return {
    kind: "run",
    part: { name: directive.part.name },
    flow: directive.flow,
    mode: directive.mode,
    grid:
      directive.grid === undefined
        ? undefined
        : { spec: directive.grid.spec, size: directive.grid.size },
  };
}

// ------------------------------------------------------------ properties

describe("parseDirectives is total", () => {
  it("returns or throws a located directive error for any string", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.string({ unit: "binary", maxLength: 80 }),
          fc.string({ unit: "grapheme", maxLength: 40 }),
        ),
        sha,
        (message, commitSha) => parseOrExpectError(message, commitSha),
      ),
      { numRuns: 1000 },
    );
  });

  it("returns well-formed directives or throws a located directive error for messages built from directive fragments", () => {
    fc.assert(
      fc.property(directiveMessage, sha, (message, commitSha) =>
        parseOrExpectError(message, commitSha),
      ),
      { numRuns: 1000 },
    );
  });
});

describe("parseGrid is total", () => {
  it("returns or throws a GridSyntaxError inside the text for any string", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.string({ unit: "binary", maxLength: 40 }),
          fc.string({ unit: fc.constantFrom(...GRID_TOKENS), maxLength: 20 }),
        ),
        (text) => parseGridOrExpectError(text),
      ),
      { numRuns: 1000 },
    );
  });

  it("returns or throws a GridSyntaxError inside the text for text built from grid fragments", () => {
    fc.assert(
      fc.property(gridText, (text) => parseGridOrExpectError(text)),
      { numRuns: 1000 },
    );
  });
});

describe("formatGrid and parseGrid", () => {
  it("read back every spec they write", () => {
    fc.assert(
      fc.property(gridSpec, (spec) => {
        expect(parseGrid(formatGrid(spec)).spec).toEqual(spec);
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatMessage and parseDirectives", () => {
  it("read back every directive list they write, positions aside", () => {
    fc.assert(
      fc.property(
        fc.array(directive, { maxLength: 4 }),
        sha,
        (directives, commitSha) => {
          const message = formatMessage("Subject", directives);
          const parsed = parseDirectives(commitOf(message, commitSha));
          expect(parsed.skip).toBeUndefined();
          expect(parsed.directives.map(strip)).toEqual(directives.map(strip));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("Grid", () => {
  const smallMapping = mappingOf(
    scalar,
    { min: 0, max: 3 },
    { min: 1, max: 5 },
  );
  const smallSpec: fc.Arbitrary<GridSpec> = fc
    .oneof(smallMapping, fc.array(smallMapping, { maxLength: 3 }))
    .filter((spec) => new Grid(spec).size <= 200n);

  it("counts as many points as it expands to, and finds each by index", () => {
    fc.assert(
      fc.property(smallSpec, (spec) => {
        const grid = new Grid(spec);
        const points = [...grid.points()];
        expect(BigInt(points.length)).toBe(grid.size);
        points.forEach((point, i) => expect(grid.at(i)).toEqual(point));
        expect(() => grid.at(grid.size)).toThrow(RangeError);
      }),
      { numRuns: 500 },
    );
  });
});

// Last in the file on purpose. The sweep scanner recurses once per open
// bracket and overflows the stack; the yaml library turns its own overflow
// into a parse error, but in plain Node a second such parse in one process
// can abort it outright (a fatal V8 error in the RegExp compiler, which no
// catch sees). Should that happen here, it would take down the worker and
// every test still to run in it.
describe("parseGrid and parseDirectives on deep nesting", () => {
  it("stay total on deeply nested sweep values", () => {
    fc.assert(
      fc.property(
        deepNesting(SWEEP_NESTINGS, 20_000),
        fc.boolean(),
        sha,
        parseNested,
      ),
      { numRuns: 100 },
    );
  });

  it("stay total on deeply nested JSON and YAML", () => {
    fc.assert(
      fc.property(
        deepNesting(FLOW_NESTINGS, 3_000),
        fc.boolean(),
        sha,
        parseNested,
      ),
      { numRuns: 10 },
    );
  });
});
