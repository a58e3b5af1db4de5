import { Grid, GridShapeError, type GridSpec } from "./grid.js";

/**
 * Grid text as a directive carries it: JSON (`{"b": [1, 2]}` or a list of
 * such mappings) or sweep pairs (`b=1,2 c=2,3`). Returns the spec and its
 * validated Grid, or throws a GridSyntaxError whose offset points into the
 * text.
 */
export class GridSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly expected: string,
  ) {
    super(message);
  }
}

export interface ParsedGrid {
  spec: GridSpec;
  grid: Grid;
}

export function parseGrid(text: string): ParsedGrid {
  const trimmed = text.trimStart();
  const lead = text.length - trimmed.length;
  const spec = /^[[{]/.test(trimmed)
    ? parseJsonGrid(trimmed, lead)
    : parseSweepPairs(text);

  try {
    const grid = new Grid(spec);
    if (grid.size === 0n) {
      throw new GridSyntaxError(
        "the grid has no points",
        lead,
        "at least one mapping in the list",
      );
    }
    return { spec, grid };
  } catch (error) {
    if (error instanceof GridShapeError) {
      throw new GridSyntaxError(
        error.message,
        lead,
        "a mapping of non-empty lists",
      );
    }
    throw error;
  }
}

function parseJsonGrid(text: string, lead: number): GridSpec {
  try {
    return JSON.parse(text) as GridSpec;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(detail);
    const offset = lead + (at ? Number(at[1]) : 0);
    throw new GridSyntaxError(
      `the grid is not valid JSON: ${detail}`,
      offset,
      'JSON such as {"b": [1, 2]}',
    );
  }
}

const PAIR = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/;

function parseSweepPairs(text: string): GridSpec {
  const spec: GridSpec = {};
  for (const match of text.matchAll(/\S+/g)) {
    const token = match[0];
    const pair = PAIR.exec(token);
    if (!pair) {
      throw new GridSyntaxError(
        `"${token}" is not a key=value pair`,
        match.index,
        "key=v1,v2 with a Python identifier as key",
      );
    }
    const [, key, list] = pair as unknown as [string, string, string];
    if (key in spec) {
      throw new GridSyntaxError(
        `"${key}" is given twice`,
        match.index,
        "each key once",
      );
    }
    const values = list.split(",");
    const empty = values.findIndex((value) => value === "");
    if (empty >= 0) {
      throw new GridSyntaxError(
        `the values of "${key}" have an empty entry`,
        match.index + key.length + 1,
        "values separated by single commas",
      );
    }
    spec[key] = values.map(parseScalar);
  }
  return spec;
}

/** `1` is a number, `true` a boolean, `null` null, anything else a string. */
function parseScalar(text: string): unknown {
  if (/^(true|false|null)$/.test(text)) return JSON.parse(text);
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // An invalid escape: take the text as it stands.
    }
  }
  return text;
}
