/**
 * Parameter grids with scikit-learn's `ParameterGrid` semantics: keys sorted,
 * the last key varying fastest, a list of grids concatenated, `{}` giving one
 * empty point and `[]` giving none. The runtime package expands grids by the
 * same rules in Python; both are checked against scikit-learn itself.
 *
 * Nothing here materialises the grid: size and indexing are arithmetic, so
 * a grid of millions of points is counted and checked in constant memory.
 */
import { Float, toJson, type GridValue } from "./values.js";

export type { GridValue } from "./values.js";
export type GridMapping = Record<string, GridValue[]>;
export type GridSpec = GridMapping | GridMapping[];
export type GridPoint = Record<string, GridValue>;

/** Why a grid is not a valid ParameterGrid, with the key path at fault. */
export class GridShapeError extends Error {
  constructor(
    message: string,
    readonly kind: "type" | "value",
  ) {
    super(message);
  }
}

type Axis = readonly [key: string, values: readonly GridValue[]];

export class Grid {
  private readonly subgrids: Axis[][];

  constructor(spec: unknown) {
    this.subgrids = validate(spec);
  }

  /** The number of points, as a bigint: products overflow doubles fast. */
  get size(): bigint {
    return this.subgrids.reduce((sum, axes) => sum + sizeOf(axes), 0n);
  }

  /** The point at a 0-based index, in ParameterGrid order. */
  at(index: bigint | number): GridPoint {
    let remaining = BigInt(index);
    if (remaining < 0n) throw new RangeError(`grid index ${index} is negative`);
    for (const axes of this.subgrids) {
      const size = sizeOf(axes);
      if (remaining < size) return pointOf(axes, remaining);
      remaining -= size;
    }
    throw new RangeError(
      `grid index ${index} is out of range (size ${this.size})`,
    );
  }

  /**
   * The point at an index as [key, value] pairs in scikit-learn's key order.
   * A JavaScript object lists keys that look like integers first, whatever
   * order they were set in; where that order shows, use this.
   */
  entriesAt(index: bigint | number): Array<[string, GridValue]> {
    const point = this.at(index);
    const keys = Object.keys(point).sort(compareCodePoints);
    return keys.map((key) => [key, point[key] as GridValue]);
  }

  *points(): Generator<GridPoint> {
    for (const axes of this.subgrids) {
      const size = sizeOf(axes);
      for (let index = 0n; index < size; index++) yield pointOf(axes, index);
    }
  }
}

// Python sorts str keys by code point; JavaScript's default sort compares
// UTF-16 units, which orders astral characters differently.
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const right = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Float)
  );
}

function validate(spec: unknown): Axis[][] {
  const list = isMapping(spec) ? [spec] : spec;
  if (!Array.isArray(list)) {
    throw new GridShapeError(
      `a grid must be a mapping or a list of mappings, got ${toJson(spec)}`,
      "type",
    );
  }
  return list.map((entry) => {
    if (!isMapping(entry)) {
      throw new GridShapeError(
        `each grid in a list must be a mapping, got ${toJson(entry)}`,
        "type",
      );
    }
    // Checked in the order written, as scikit-learn does, so that the same
    // grid fails with the same error; then sorted for expansion.
    const axes = Object.keys(entry).map((key): Axis => {
      const values = entry[key];
      if (!Array.isArray(values)) {
        throw new GridShapeError(
          `values for "${key}" must be a list, got ${toJson(values)}; wrap a single value in a list: [${toJson(values)}]`,
          "type",
        );
      }
      if (values.length === 0) {
        throw new GridShapeError(
          `values for "${key}" must not be empty`,
          "value",
        );
      }
      return [key, values];
    });
    return axes.sort(([a], [b]) => compareCodePoints(a, b));
  });
}

function sizeOf(axes: Axis[]): bigint {
  return axes.reduce(
    (product, [, values]) => product * BigInt(values.length),
    1n,
  );
}

function pointOf(axes: Axis[], index: bigint): GridPoint {
  const picked: GridValue[] = new Array<GridValue>(axes.length);
  let rest = index;
  // The last key varies fastest, as in scikit-learn.
  for (let i = axes.length - 1; i >= 0; i--) {
    const [, values] = axes[i] as Axis;
    const length = BigInt(values.length);
    picked[i] = values[Number(rest % length)] as GridValue;
    rest /= length;
  }
  return Object.fromEntries(
    axes.map(([key], i) => [key, picked[i] as GridValue]),
  );
}
