import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
} from "yaml";

import { GridSyntaxError } from "./errors.js";
import { Grid, GridShapeError, type GridSpec } from "./grid.js";
import { MAX_DEPTH, parseSweeps } from "./sweep.js";
import { floatValue, type GridValue } from "./values.js";

export { GridSyntaxError } from "./errors.js";

/**
 * Grid text in any form a directive accepts: scikit-learn's forms in JSON or
 * YAML flow syntax (`{"b": [1, 2]}`, `[{b: [1]}, {c: [2]}]`), or sweeps
 * (`b=1,2 c=range(0, 1, 0.5)`). Returns the spec and its validated Grid, or
 * throws a GridSyntaxError that points into the text.
 */
export interface ParsedGrid {
  spec: GridSpec;
  grid: Grid;
}

export function parseGrid(text: string): ParsedGrid {
  const lead = text.length - text.trimStart().length;
  const structured = /^[[{]/.test(text.trimStart());
  const spec = structured ? parseFlowSyntax(text) : parseSweeps(text);

  let grid: Grid;
  try {
    grid = new Grid(spec);
  } catch (error) {
    if (!(error instanceof GridShapeError)) throw error;
    throw new GridSyntaxError(
      error.message,
      lead,
      "a mapping of non-empty lists",
    );
  }
  if (grid.size === 0n) {
    throw new GridSyntaxError(
      "the grid has no points",
      lead,
      "at least one mapping in the list",
    );
  }
  return { spec, grid };
}

// YAML's flow syntax is a superset of JSON, so one parser reads both; going
// through its nodes rather than plain values keeps `1.0` a float.
function parseFlowSyntax(text: string): GridSpec {
  return parseJsonValue(text) as GridSpec;
}

/** JSON or YAML flow text as grid values, with whole floats kept floats. */
export function parseJsonValue(text: string): GridValue {
  refuseDeepNesting(text);
  const doc = parseDocument(text, {
    lineCounter: new LineCounter(),
    uniqueKeys: true,
  });
  const problem = doc.errors[0];
  if (problem) {
    const detail = problem.message.split("\n")[0] ?? problem.code;
    throw new GridSyntaxError(
      `the grid is not valid JSON or YAML: ${detail}`,
      problem.pos[0],
      'JSON such as {"b": [1, 2]}',
    );
  }
  return toValue(doc.contents as Node | null, text);
}

// 1.0, .5, 1e3 are floats; 0x1E is an integer, though it holds an E.
const FLOAT_LITERAL =
  /^[-+]?((\d+\.\d*|\.\d+)([eE][-+]?\d+)?|\d+[eE][-+]?\d+)$/;

function toValue(node: Node | null, text: string, depth = 0): GridValue {
  if (depth > MAX_DEPTH) {
    throw new GridSyntaxError(
      `the grid nests deeper than ${MAX_DEPTH} levels`,
      node?.range?.[0] ?? 0,
      "flatter values",
    );
  }
  if (node === null) return null;
  if (isMap(node)) {
    const entries = node.items.map((pair): [string, GridValue] => {
      const key = isScalar(pair.key)
        ? String(pair.key.value)
        : String(pair.key);
      return [key, toValue(pair.value as Node | null, text, depth + 1)];
    });
    return Object.fromEntries(entries);
  }
  if (isSeq(node))
    return node.items.map((item) => toValue(item as Node, text, depth + 1));
  if (isScalar(node)) {
    const value = node.value;
    if (
      value === null ||
      typeof value === "string" ||
      typeof value === "boolean"
    )
      return value;
    if (typeof value !== "number") {
      // Explicit tags such as !!timestamp or !!binary make values JSON
      // cannot carry to a flow.
      throw new GridSyntaxError(
        `a ${node.tag ?? "tagged"} value cannot be sent as a flow parameter`,
        node.range?.[0] ?? 0,
        "numbers, text, booleans and null",
      );
    }
    const source = node.range ? text.slice(node.range[0], node.range[1]) : "";
    if (!Number.isFinite(value)) {
      throw new GridSyntaxError(
        `${source} cannot be sent as a flow parameter`,
        node.range?.[0] ?? 0,
        "a finite number",
      );
    }
    return FLOAT_LITERAL.test(source) ? floatValue(value) : value;
  }
  throw new GridSyntaxError(
    "the grid uses YAML features a grid cannot hold",
    node.range?.[0] ?? 0,
    "mappings, lists and plain values",
  );
}

/**
 * The YAML parser recurses once per bracket, and deep enough input exhausts
 * more than the stack (a second such parse has aborted Node itself), so the
 * nesting is measured before it gets to see the text.
 */
function refuseDeepNesting(text: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === "\\") i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "{") {
      if (++depth > MAX_DEPTH + 2) {
        throw new GridSyntaxError(
          `the grid nests deeper than ${MAX_DEPTH} levels`,
          i,
          "flatter values",
        );
      }
    } else if (char === "]" || char === "}") depth--;
  }
}
