// Counting and indexing a large grid must cost no memory in its size: a
// directive's grid is checked before anything is built, so a typo that makes
// it ten million points large must be refused quickly, not exhaust the CI
// machine. Goal: under 50 MB of extra memory for 10,000,000 points.
import { performance } from "node:perf_hooks";

import { Grid } from "../build/grid/grid.js";

const GOAL_BYTES = 50 * 1024 * 1024;
const spec = Object.fromEntries(
  Array.from({ length: 7 }, (_, key) => [
    `k${key}`,
    Array.from({ length: 10 }, (_, v) => v),
  ]),
);

global.gc?.();
const before = process.memoryUsage();
const started = performance.now();

const grid = new Grid(spec);
const size = grid.size;
let checksum = 0;
for (let index = 0n; index < size; index += 9_973n)
  checksum += Number(grid.at(index).k6);
const last = grid.at(size - 1n);

const elapsed = performance.now() - started;
global.gc?.();
const after = process.memoryUsage();
const extra = Math.max(
  after.heapUsed - before.heapUsed,
  after.rss - before.rss,
);

console.log(
  `grid of ${size} points: counted, ${Number(size / 9_973n)} points indexed, last ${JSON.stringify(last)}`,
);
console.log(
  `time ${elapsed.toFixed(0)} ms, extra memory ${(extra / 1024 / 1024).toFixed(1)} MB (goal < 50 MB), checksum ${checksum}`,
);
if (extra > GOAL_BYTES) {
  console.error("over the memory goal");
  process.exitCode = 1;
}
