import { describe, expect, it } from "vitest";

import { Grid, GridShapeError } from "../../src/grid/grid.js";
import { GridSyntaxError, parseGrid } from "../../src/grid/parse.js";
import { Float } from "../../src/grid/values.js";

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

describe("parseGrid", () => {
  const f = (value: number) => new Float(value);

  it.each([
    ['{"b": [1, 2], "c": [2, 3]}', { b: [1, 2], c: [2, 3] }],
    ["{b: [1, 2], c: [x, 'y z']}", { b: [1, 2], c: ["x", "y z"] }],
    ['[{"a": [1]}, {"b": ["x"]}]', [{ a: [1] }, { b: ["x"] }]],
    ['{"lr": [1.0, 0.5, 1e3, 2]}', { lr: [f(1), 0.5, f(1000), 2] }],
    ["b=1,2 c=2,3", { b: [1, 2], c: [2, 3] }],
    ["lr=0.1,1e-3,1.0 n=-3,+4", { lr: [0.1, 0.001, f(1)], n: [-3, 4] }],
    ["on=true,False none=null,None", { on: [true, false], none: [null, null] }],
    [
      "opt=adam,sgd path=data/x.csv",
      { opt: ["adam", "sgd"], path: ["data/x.csv"] },
    ],
    [`name="a b",'c,d',"say \\"hi\\""`, { name: ["a b", "c,d", 'say "hi"'] }],
    ['v="1",1', { v: ["1", 1] }],
    [
      "layers=[64,64],[128] empty=[]",
      { layers: [[64, 64], [128]], empty: [[]] },
    ],
    ["i=range(0,3) j=range(1,10,4)", { i: [0, 1, 2], j: [1, 5, 9] }],
    ["__proto__=1,2", JSON.parse('{"__proto__": [1, 2]}')],
    ["{h: [0x1E, -0.0]}", { h: [30, f(-0)] }],
    ["x=range(0, 1, 0.25)", { x: [f(0), 0.25, 0.5, 0.75] }],
    ["x=range(0.1, 0.4, 0.1)", { x: [0.1, 0.2, 0.3] }],
    ["x=range(3, 0, -1)", { x: [3, 2, 1] }],
    ["x=range(1000000000000, 1000000000002)", { x: [1e12, 1e12 + 1] }],
    ["opt=choice(adam, sgd) k=choice(1)", { opt: ["adam", "sgd"], k: [1] }],
    [
      "(lr,epochs)=(0.1,10),(0.01,20) w=24,48",
      [
        { w: [24, 48], lr: [0.1], epochs: [10] },
        { w: [24, 48], lr: [0.01], epochs: [20] },
      ],
    ],
    [
      "(a,b)=(1,2),(3,4) (c)=(5),(6)",
      [
        { a: [1], b: [2], c: [5] },
        { a: [1], b: [2], c: [6] },
        { a: [3], b: [4], c: [5] },
        { a: [3], b: [4], c: [6] },
      ],
    ],
  ])("reads %s", (text, spec) => {
    expect(parseGrid(text).spec).toEqual(spec);
  });

  it("pairs keys instead of taking their product", () => {
    const { grid } = parseGrid("(lr,epochs)=(0.1,10),(0.01,20) w=24,48");

    expect([...grid.points()]).toEqual([
      { epochs: 10, lr: 0.1, w: 24 },
      { epochs: 10, lr: 0.1, w: 48 },
      { epochs: 20, lr: 0.01, w: 24 },
      { epochs: 20, lr: 0.01, w: 48 },
    ]);
  });

  it.each([
    ['{"b": [1, 2}', 11, /not valid JSON or YAML/],
    ["[]", 0, /the grid has no points/],
    ['{"b": 1}', 0, /must be a list/],
    ['{"b": 1.0}', 0, /values for "b" must be a list, got 1.0;/],
    ["[1.0]", 0, /each grid in a list must be a mapping, got 1.0/],
    ['{"b": []}', 0, /must not be empty/],
    ['{"b": [.inf]}', 7, /cannot be sent as a flow parameter/],
    ["b=1,2 c", 7, /found the end/],
    ["b=1,,2", 4, /unexpected ","/],
    ["b=", 2, /a value is missing/],
    ["b=1 b=2", 4, /"b" is given twice/],
    ["b=1;c=2", 5, /unexpected "="/],
    ["2b=1", 0, /"2b=1" is not a key/],
    ['x="a\\"', 2, /the quoted text is not closed/],
    ["x=nan", 2, /nan cannot be sent/],
    ["x=1e400", 2, /1e400 cannot be sent/],
    ["{t: [!!timestamp 2001-12-14]}", 17, /cannot be sent as a flow parameter/],
    [`b=${"[".repeat(5000)}`, 34, /lists nest deeper than 32 levels/],
    [`{b: ${"[".repeat(5000)}`, 37, /nests deeper than 32 levels/],
    ["x=range(0)", 2, /range takes two or three numbers/],
    ["x=range(1,1)", 2, /range\(1, 1\) is empty/],
    ["x=range(0,1,0)", 2, /range step is 0/],
    ["x=range(a,b)", 2, /range takes two or three numbers/],
    ["(a,b)=(1),(2,3)", 6, /a tuple of 1 values for 2 keys/],
    ["(a,b)=1,2", 6, /found "1"/],
    ["(a,a)=(1,2)", 3, /"a" is given twice/],
  ])("rejects %s at offset %i", (text, offset, message) => {
    const error = captureError(() => parseGrid(text));

    expect(error).toBeInstanceOf(GridSyntaxError);
    expect((error as Error).message).toMatch(message);
    expect((error as GridSyntaxError).offset).toBe(offset);
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
