import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import { parseDirectives } from "../../src/directives/parse.js";
import { findTrailers } from "../../src/directives/trailers.js";
import { captureFlowpushError } from "../helpers/errors.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function commit(message: string): Commit {
  return {
    sha: SHA,
    message,
    authorName: "A",
    authorEmail: "a@example.com",
    committedAt: "2026-01-01T00:00:00Z",
  };
}

describe("findTrailers", () => {
  it("reads the last paragraph's trailers with their positions", () => {
    const { trailers } = findTrailers(
      "Subject\n\nBody text.\n\nFlowpush-Build: prices\nCo-authored-by: B <b@x>\n",
    );

    expect(trailers).toEqual([
      { key: "Flowpush-Build", value: "prices", line: 5, column: 17 },
      { key: "Co-authored-by", value: "B <b@x>", line: 6, column: 17 },
    ]);
  });

  it.each([
    ["a subject alone", "Flowpush-Build: prices"],
    [
      "a last paragraph with prose in it",
      "Subject\n\nFlowpush-Build: prices\nand some words",
    ],
    ["a message without a blank line", "Subject\nFlowpush-Build: prices"],
  ])("finds no trailers in %s", (_, message) => {
    expect(findTrailers(message).trailers).toEqual([]);
  });

  it("joins folded continuation lines and tolerates CRLF", () => {
    const { trailers } = findTrailers(
      "Subject\r\n\r\nFlowpush-Run: prices/train\r\n  b=1,2\r\n",
    );

    expect(trailers).toEqual([
      { key: "Flowpush-Run", value: "prices/train b=1,2", line: 3, column: 15 },
    ]);
  });
});

describe("parseDirectives", () => {
  it("returns nothing for a message without directives", () => {
    expect(
      parseDirectives(commit("Fix a typo\n\nSigned-off-by: A <a@x>")),
    ).toEqual([]);
  });

  it("reads build directives with several parts", () => {
    const [directive] = parseDirectives(
      commit("Subject\n\nFlowpush-Build: prices, spreads"),
    );

    expect(directive).toMatchObject({
      kind: "build",
      parts: [{ name: "prices" }, { name: "spreads" }],
    });
    expect(
      directive?.kind === "build" && directive.parts[1]?.position.column,
    ).toBe(25);
  });

  it("reads a run with a JSON grid, keys case-insensitive", () => {
    const [directive] = parseDirectives(
      commit(
        'Subject\n\nflowpush-run: prices/train {"b": [1, 2], "c": [2, 3]}',
      ),
    );

    expect(directive).toMatchObject({
      kind: "run",
      part: { name: "prices" },
      flow: "train",
    });
    expect(directive?.kind === "run" && directive.grid).toMatchObject({
      spec: { b: [1, 2], c: [2, 3] },
      size: 4n,
    });
  });

  it("reads a run without a grid as the flow's default", () => {
    const [directive] = parseDirectives(
      commit("Subject\n\nFlowpush-Run: prices/train"),
    );

    expect(directive).toMatchObject({ kind: "run", grid: undefined });
  });

  it.each([
    [
      "an unknown directive",
      "Flowpush-Deploy: x",
      "DIRECTIVE_INVALID",
      /line 3, column 1: unknown directive Flowpush-Deploy/,
    ],
    [
      "a run without a flow",
      "Flowpush-Run: prices",
      "DIRECTIVE_INVALID",
      /"prices" is not <part>\/<flow>/,
    ],
    [
      "an empty build",
      "Flowpush-Build: ,",
      "DIRECTIVE_INVALID",
      /names no part/,
    ],
    [
      "a bad part name",
      "Flowpush-Build: $(rm -rf /)",
      "DIRECTIVE_INVALID",
      /is not a valid part name/,
    ],
    [
      "a malformed grid",
      'Flowpush-Run: prices/train {"b": [1,',
      "GRID_INVALID",
      /line 3, column \d+: the grid is not valid JSON/,
    ],
    [
      "an empty grid value",
      "Flowpush-Run: prices/train b=",
      "GRID_INVALID",
      /column 30: a value is missing/,
    ],
  ])("rejects %s with its position", (_, trailer, code, message) => {
    const error = captureFlowpushError(() =>
      parseDirectives(commit(`Subject\n\n${trailer}`)),
    );

    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^commit 0123456, line 3/);
    expect(error.message).toMatch(message);
  });

  it("rejects a directive that git would not read as a trailer", () => {
    const error = captureFlowpushError(() =>
      parseDirectives(commit("Subject\n\nFlowpush-Build: prices\nmore prose")),
    );

    expect(error.message).toMatch(
      /line 3, column 1: Flowpush-Build is not in the message's last paragraph/,
    );
  });
});
