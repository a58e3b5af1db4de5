import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";

import { Grid, GridShapeError, type GridPoint } from "../../src/grid/grid.js";
import { parseJsonValue } from "../../src/grid/parse.js";
import { Float } from "../../src/grid/values.js";

// Vectors written by scikit-learn's ParameterGrid itself, made by
// scripts/vectors/make_grid_vectors.py; runtime/tests/test_vectors.py checks
// that they still match what scikit-learn produces.
interface Vector {
  name: string;
  grid: string;
  size?: number;
  points?: GridPoint[];
  error?: "TypeError" | "ValueError";
}

interface VectorDocument {
  sklearn_version: string;
  vectors: Vector[];
}

const text = readFileSync(
  new URL("../vectors/grid.json", import.meta.url),
  "utf8",
);

// Read through the same parser as grid text, so that a whole float such as
// 1.0 is a Float in the expected points just as it is in the grid.
const document = parseJsonValue(text) as unknown as VectorDocument;
// The same document as plain JSON, to check that parser against.
const plain = JSON.parse(text) as VectorDocument;
// Every JavaScript object lists integer-like keys ("2", "10") first, whatever
// order they were inserted in, so the key order scikit-learn gave each point
// is read from the document's own mappings.
const keyOrders = (
  parseDocument(text).toJS({ mapAsMap: true }) as Map<string, unknown>
).get("vectors") as Map<string, unknown>[];

const KINDS = { TypeError: "type", ValueError: "value" } as const;

const cases = document.vectors.map((vector, index) => ({
  ...vector,
  plain: plain.vectors[index] as Vector,
  keys: ((keyOrders[index]?.get("points") ?? []) as Map<string, unknown>[]).map(
    (point) => [...point.keys()],
  ),
}));

function unwrapFloats(value: unknown): unknown {
  if (value instanceof Float) return value.value;
  if (Array.isArray(value)) return value.map(unwrapFloats);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, unwrapFloats(item)]),
    );
  }
  return value;
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe(`Grid against scikit-learn ${document.sklearn_version} vectors`, () => {
  it("has vectors to check", () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)("matches ParameterGrid for $name", (vector) => {
    // The expected values read as floats where Python wrote floats, and
    // otherwise exactly as JSON reads them.
    expect(unwrapFloats(vector.points)).toStrictEqual(vector.plain.points);
    const spec = parseJsonValue(vector.grid);

    if (vector.error !== undefined) {
      const error = thrownBy(() => new Grid(spec));
      expect(error).toBeInstanceOf(GridShapeError);
      expect((error as GridShapeError).kind).toBe(KINDS[vector.error]);
      return;
    }

    const expected = vector.points ?? [];
    const grid = new Grid(spec);
    expect(grid.size).toBe(BigInt(vector.size ?? -1));
    expect(expected).toHaveLength(vector.size ?? -1);

    const points = [...grid.points()];
    expect(points).toStrictEqual(expected);
    // toStrictEqual ignores key order; a point's key order is what anyone
    // printing it sees. JavaScript objects list integer-like keys first
    // whatever the order they were set in, so the order flowpush shows
    // comes from entriesAt, not from the objects.
    const keyOrders = expected.map((_, index) =>
      grid.entriesAt(index).map(([key]) => key),
    );
    expect(keyOrders).toStrictEqual(vector.keys);
    expected.forEach((point, index) => {
      expect(grid.at(index)).toStrictEqual(point);
      expect(grid.at(BigInt(index))).toStrictEqual(point);
    });
    expect(() => grid.at(expected.length)).toThrow(RangeError);
  });
});
