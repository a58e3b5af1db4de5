import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import { findSkipMarker } from "../../src/directives/inline.js";
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

const directivesOf = (message: string) =>
  parseDirectives(commit(message)).directives;

/** Key, value, and where the value's first character was written. */
function summary(message: string) {
  return findTrailers(message).trailers.map((t) => [
    t.key,
    t.value.text,
    t.value.at(0).line,
    t.value.at(0).column,
  ]);
}

describe("findTrailers", () => {
  it("reads the last paragraph's trailers with their positions", () => {
    expect(
      summary(
        "Subject\n\nBody.\n\nFlowpush-Build: prices\nCo-authored-by: B <b@x>\n",
      ),
    ).toEqual([
      ["Flowpush-Build", "prices", 5, 17],
      ["Co-authored-by", "B <b@x>", 6, 17],
    ]);
  });

  it.each([
    ["a subject alone", "Flowpush-Build: prices"],
    ["a message without a blank line", "Subject\nFlowpush-Build: prices"],
    ["mostly prose", "Subject\n\nFlowpush-Build: p\none\ntwo\nthree\nfour"],
    ["prose and no known key", "Subject\n\nFixes: 12\nsome words"],
  ])("finds no trailers in %s", (_, message) => {
    expect(findTrailers(message).trailers).toEqual([]);
  });

  it.each([
    [
      "a cherry-pick note",
      "Subject\n\nFlowpush-Build: p\n(cherry picked from commit 0abc123)",
    ],
    [
      "a little prose beside a known key",
      "Subject\n\nFlowpush-Build: p\nSee the wiki.",
    ],
  ])("reads the block despite %s, as git does", (_, message) => {
    expect(summary(message)).toEqual([["Flowpush-Build", "p", 3, 17]]);
  });

  it("joins folded lines, tolerates CRLF, and maps columns back", () => {
    const [run] = findTrailers(
      "Subject\r\n\r\nFlowpush-Run: prices/train\r\n    b=1,2\r\n",
    ).trailers;

    expect(run?.value.text).toBe("prices/train b=1,2");
    expect(run?.value.at(0)).toEqual({ line: 3, column: 15 });
    expect(run?.value.at(13)).toEqual({ line: 4, column: 5 });
    expect(run?.value.at(17)).toEqual({ line: 4, column: 9 });
  });
});

describe("findSkipMarker", () => {
  it.each([
    ["Fix docs [skip ci]", "[skip ci]"],
    ["[CI SKIP] typo", "[ci skip]"],
    ["Tidy [no ci]", "[no ci]"],
    ["Tidy ***NO_CI***", "***no_ci***"],
    ["Try [skip flowpush]", "[skip flowpush]"],
    ["Subject\n\nskip-checks: true", "skip-checks: true"],
    ["Subject\n\nskip-checks: false", undefined],
    ["Skipping the CI talk", undefined],
  ])("finds the marker in %j", (message, marker) => {
    expect(findSkipMarker(message)).toBe(marker);
  });
});

describe("parseDirectives", () => {
  it("returns nothing for a message without directives", () => {
    expect(directivesOf("Fix a typo\n\nSigned-off-by: A <a@x>")).toEqual([]);
  });

  it("silences a commit that carries a skip marker", () => {
    const result = parseDirectives(
      commit("Docs [skip ci]\n\nFlowpush-Run: prices/train"),
    );

    expect(result).toMatchObject({ directives: [], skip: "[skip ci]" });
  });

  it("reads build selectors: names, all and changed", () => {
    const [build] = directivesOf("S\n\nFlowpush-Build: prices, all changed");

    expect(build?.kind === "build" && build.parts).toEqual([
      {
        kind: "name",
        name: "prices",
        position: { commit: SHA, line: 3, column: 17 },
      },
      { kind: "all", position: { commit: SHA, line: 3, column: 25 } },
      { kind: "changed", position: { commit: SHA, line: 3, column: 29 } },
    ]);
  });

  it("reads a run with a grid, keys case-insensitive", () => {
    const [run] = directivesOf('S\n\nflowpush-RUN: prices/train {"b": [1, 2]}');

    expect(run).toMatchObject({
      kind: "run",
      part: { name: "prices" },
      flow: "train",
      flowPosition: { line: 3, column: 22 },
      grid: { spec: { b: [1, 2] }, size: 2n, text: '{"b": [1, 2]}' },
    });
  });

  it("reads a run without a grid as the flow's default", () => {
    expect(directivesOf("S\n\nFlowpush-Run: prices/train")).toMatchObject([
      { kind: "run", grid: undefined },
    ]);
  });

  it("reads a run mode between the flow and the grid", () => {
    const [run] = directivesOf("S\n\nFlowpush-Run: prices/train --runs b=1,2");

    expect(run).toMatchObject({
      mode: "runs",
      grid: { spec: { b: [1, 2] }, size: 2n, text: "b=1,2" },
    });
  });

  it("leaves the mode to the configuration when the run names none", () => {
    expect(directivesOf("S\n\nFlowpush-Run: prices/train b=1")).toMatchObject([
      { mode: undefined },
    ]);
  });

  it("reads the inline form in the subject, before the trailers", () => {
    const directives = directivesOf(
      "Tune [flowpush run prices/train (a,b)=(1,2),(3,4) c=[1,2]] now\n\nFlowpush-Build: spreads",
    );

    expect(directives.map((d) => d.kind)).toEqual(["run", "build"]);
    expect(directives[0]).toMatchObject({
      position: { line: 1, column: 20 },
      grid: { size: 2n },
    });
  });

  it.each([
    [
      "an unknown directive",
      "S\n\nFlowpush-Deploy: x",
      "DIRECTIVE_INVALID",
      /line 3, column 1: unknown directive Flowpush-Deploy/,
    ],
    [
      "a verb every object has",
      "S\n\nFlowpush-Constructor: x",
      "DIRECTIVE_INVALID",
      /unknown directive Flowpush-Constructor/,
    ],
    [
      "an unknown inline verb",
      "Go [flowpush deploy x]",
      "DIRECTIVE_INVALID",
      /line 1, column 4: unknown directive \[flowpush deploy\]/,
    ],
    [
      "an unknown run option",
      "S\n\nFlowpush-Run: prices/train --run b=1",
      "DIRECTIVE_INVALID",
      /line 3, column 28: unknown option "--run"/,
    ],
    [
      "two run modes at once",
      "S\n\nFlowpush-Run: prices/train --map --runs",
      "DIRECTIVE_INVALID",
      /line 3, column 34: --map and --runs are given together/,
    ],
    [
      "an unclosed inline form",
      "Go [flowpush run p/t b=[1,2]",
      "DIRECTIVE_INVALID",
      /line 1, column 4: the \[flowpush ...\] directive is not closed/,
    ],
    [
      "a run without a flow",
      "S\n\nFlowpush-Run: prices",
      "DIRECTIVE_INVALID",
      /column 15: "prices" is not <part>\/<flow>/,
    ],
    [
      "an empty build",
      "S\n\nFlowpush-Build: ,",
      "DIRECTIVE_INVALID",
      /names no part/,
    ],
    [
      "a shell command as a part",
      "S\n\nFlowpush-Build: $(rm -rf /)",
      "DIRECTIVE_INVALID",
      /column 17: "\$\(rm" is not a valid part name/,
    ],
    [
      "a bad flow name",
      "S\n\nFlowpush-Run: prices/tr;ain",
      "DIRECTIVE_INVALID",
      /column 22: "tr;ain" is not a valid flow name/,
    ],
    [
      "a malformed JSON grid",
      'S\n\nFlowpush-Run: prices/train {"b": [1,',
      "GRID_INVALID",
      /line 3, column \d+: the grid is not valid JSON or YAML/,
    ],
    [
      "a missing value",
      "S\n\nFlowpush-Run: prices/train b=",
      "GRID_INVALID",
      /line 3, column 30: a value is missing/,
    ],
    [
      "a bad value on a folded line",
      "S\n\nFlowpush-Run: prices/train\n  b=1,,2",
      "GRID_INVALID",
      /line 4, column 7: unexpected ","/,
    ],
    [
      "an inline grid error",
      "Go [flowpush run p/t b=1,,2]",
      "GRID_INVALID",
      /line 1, column 26: unexpected ","/,
    ],
  ])("rejects %s with its position", (_, message, code, pattern) => {
    const error = captureFlowpushError(() => parseDirectives(commit(message)));

    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^commit 0123456, line \d+, column \d+: /);
    expect(error.message).toMatch(pattern);
  });

  it.each([
    [
      "a directive outside the last paragraph",
      "S\n\nFlowpush-Build: prices\n\nMore text.",
    ],
    ["a directive in a plain subject", "Flowpush-Run: prices/train"],
  ])("rejects %s that git would not read as a trailer", (_, message) => {
    const error = captureFlowpushError(() => parseDirectives(commit(message)));

    expect(error.message).toMatch(
      /column 1: Flowpush-\w+ is not in the message's last paragraph/,
    );
  });

  it("reads a value holding a line separator, which is no line break to git", () => {
    const [run] = directivesOf('S\n\nFlowpush-Run: p/f {"a": ["\u2028"]}');

    expect(run).toMatchObject({ grid: { spec: { a: ["\u2028"] } } });
  });

  it("leaves other flowpush-like words alone", () => {
    expect(directivesOf("flowpush-cli: fix a typo\n\nMore text.")).toEqual([]);
  });
});
