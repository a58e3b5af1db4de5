import { describe, expect, it } from "vitest";

import { Grid, GridShapeError } from "../../src/grid/grid.js";
import { GridSyntaxError, parseGrid } from "../../src/grid/parse.js";

describe("Grid", () => {
  it.each([
    [
      "a mapping",
      { b: [1, 2], c: [2, 3] },
      [
        { b: 1, c: 2 },
        { b: 1, c: 3 },
        { b: 2, c: 2 },
        { b: 2, c: 3 },
      ],
    ],
    [
      "unsorted keys, sorted in points",
      { z: [1], a: [1, 2] },
      [
        { a: 1, z: 1 },
        { a: 2, z: 1 },
      ],
    ],
    [
      "a list of mappings, concatenated",
      [{ a: [1] }, { b: [2, 3] }],
      [{ a: 1 }, { b: 2 }, { b: 3 }],
    ],
    ["an empty mapping, one empty point", {}, [{}]],
    ["an empty list, no points", [], []],
  ])("expands %s in ParameterGrid order", (_, spec, expected) => {
    const grid = new Grid(spec);

    expect([...grid.points()]).toEqual(expected);
    expect(grid.size).toBe(BigInt(expected.length));
    expected.forEach((point, index) => expect(grid.at(index)).toEqual(point));
  });

  it("counts and indexes a grid too large to expand", () => {
    const spec = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [
        `k${i}`,
        Array.from({ length: 10 }, (_, v) => v),
      ]),
    );
    const grid = new Grid(spec);

    expect(grid.size).toBe(10n ** 10n);
    expect(grid.at(10n ** 10n - 1n)).toEqual(
      Object.fromEntries(Object.keys(spec).map((k) => [k, 9])),
    );
    expect(grid.at(123n)).toMatchObject({ k7: 1, k8: 2, k9: 3, k0: 0 });
  });

  it("sorts keys by code point, as Python does", () => {
    const grid = new Grid({ "\u{1F600}": [1], "\uFFFF": [2] });

    expect(Object.keys(grid.at(0))).toEqual(["\uFFFF", "\u{1F600}"]);
  });

  it.each([
    [{ a: 1 }, "type", /values for "a" must be a list/],
    [{ a: "xy" }, "type", /must be a list/],
    [{ a: [] }, "value", /must not be empty/],
    ["text", "type", /mapping or a list of mappings/],
    [[1], "type", /each grid in a list must be a mapping/],
  ])("rejects %j as scikit-learn does", (spec, kind, message) => {
    const error = captureError(() => new Grid(spec));

    expect(error).toBeInstanceOf(GridShapeError);
    expect((error as GridShapeError).kind).toBe(kind);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses indexes outside the grid", () => {
    const grid = new Grid({ a: [1, 2] });

    expect(() => grid.at(2)).toThrow(RangeError);
    expect(() => grid.at(-1)).toThrow(RangeError);
  });
});

describe("parseGrid on odd input", () => {
  it("keeps a quoted value with a dangling escape as plain text", () => {
    expect(parseGrid('x="a\\"').spec).toEqual({ x: ['"a\\"'] });
  });
});

describe("parseGrid", () => {
  it.each([
    ['{"b": [1, 2], "c": [2, 3]}', { b: [1, 2], c: [2, 3] }],
    ['[{"a": [1]}, {"b": ["x"]}]', [{ a: [1] }, { b: ["x"] }]],
    ["b=1,2 c=2,3", { b: [1, 2], c: [2, 3] }],
    [
      "lr=0.1,1e-3 on=true,false opt=adam,sgd none=null",
      {
        lr: [0.1, 0.001],
        on: [true, false],
        opt: ["adam", "sgd"],
        none: [null],
      },
    ],
    ['name="1",x', { name: ["1", "x"] }],
  ])("reads %s", (text, spec) => {
    expect(parseGrid(text).spec).toEqual(spec);
  });

  it.each([
    ['{"b": [1, 2}', 11, /not valid JSON/],
    ["[]", 0, /the grid has no points/],
    ["b=1,2 c", 6, /"c" is not a key=value pair/],
    ["b=1,,2", 2, /empty entry/],
    ["b=1 b=2", 4, /given twice/],
    ['{"b": 1}', 0, /must be a list/],
    ['{"b": []}', 0, /must not be empty/],
  ])("rejects %s at offset %i", (text, offset, message) => {
    const error = captureError(() => parseGrid(text));

    expect(error).toBeInstanceOf(GridSyntaxError);
    expect((error as GridSyntaxError).offset).toBe(offset);
    expect((error as Error).message).toMatch(message);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
