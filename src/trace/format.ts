import { clean } from "../report/clean.js";
import type { PointResult } from "./model.js";

/**
 * Small pieces of text the trace renderers share. Everything they print
 * comes from outside (commit messages, tags, names), so every value passes
 * through `clean` first.
 */
export { clean };

export function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : "unknown";
}

/** `2026-12-03 21:40:01` in UTC, or `-` for a time not yet reached. */
export function time(iso: string | number | undefined): string {
  if (iso === undefined) return "-";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return clean(String(iso));
  return date.toISOString().slice(0, 19).replace("T", " ");
}

export function span(
  start: string | number | undefined,
  end: string | number | undefined,
): string {
  if (start === undefined && end === undefined) return "not started";
  const [from, to] = [time(start), time(end)];
  // The end on the day it started needs no date again.
  const sameDay = from.length === 19 && to.slice(0, 11) === from.slice(0, 11);
  return `${from} -> ${sameDay ? to.slice(11) : to}`;
}

/** `b=1 c="x y"`: values as JSON unless they are plain words. */
export function pairs(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([key, value]) => `${clean(key)}=${clean(valueText(value))}`)
    .join(" ");
}

function valueText(value: unknown): string {
  if (typeof value === "number") return String(Number(value.toPrecision(6)));
  if (typeof value === "string" && /^[\w.:/@+-]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

/** One line per point, as many as fit, and how many more there are. */
export function pointLines(
  points: PointResult[],
  indent: string,
  limit = 20,
): string[] {
  const lines = points.slice(0, limit).map((point) => {
    const error = point.error ? `  error: ${clean(point.error)}` : "";
    return `${indent}point ${point.index}  ${clean(point.state)}  ${[
      pairs(point.params),
      pairs(point.metrics),
    ]
      .filter(Boolean)
      .join("  ")}${error}`.trimEnd();
  });
  if (points.length > limit)
    lines.push(
      `${indent}... ${points.length - limit} more points (--json lists all)`,
    );
  return lines;
}
