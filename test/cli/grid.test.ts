import { tmpdir } from "node:os";

import { describe, expect, it } from "vitest";

import { runFlowpush } from "../helpers/cli.js";

const grid = (...args: string[]) =>
  runFlowpush(["grid", ...args], { cwd: tmpdir() });

describe("flowpush grid", () => {
  it("prints one JSON object per point, in ParameterGrid order", async () => {
    const result = await grid("b=1,2 c=2,3");

    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout.split("\n")).toEqual([
      '{"b": 1, "c": 2}',
      '{"b": 1, "c": 3}',
      '{"b": 2, "c": 2}',
      '{"b": 2, "c": 3}',
    ]);
  });

  it("keeps whole floats floats and keys in scikit-learn's order", async () => {
    const result = await grid('{"lr": [1.0], "10": ["x"], "2": [null]}');

    expect(result.stdout).toBe('{"10": "x", "2": null, "lr": 1.0}');
  });

  it("counts and indexes ten million points without listing them", async () => {
    const text = "a=range(0,100) b=range(0,100) c=range(0,100) d=range(0,10)";

    expect((await grid(text, "--count")).stdout).toBe("10000000");
    expect((await grid(text, "--index", "9999999")).stdout).toBe(
      '{"a": 99, "b": 99, "c": 99, "d": 9}',
    );
  });

  it.each([
    [
      "b=1,,2",
      /^error: grid, column 5: unexpected "," \[GRID_INVALID\]\nhint: expected a value$/,
    ],
    ['{"b": []}', /values for "b" must not be empty/],
  ])(
    "refuses %s with the error a directive would give",
    async (text, message) => {
      const result = await grid(text);

      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
    },
  );

  it("refuses an index outside the grid", async () => {
    const result = await grid("b=1,2", "--index", "2");

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /index 2 is not a point of this grid \[GRID_INVALID\]\nhint: give an index from 0 to 1/,
    );
  });
});
