import type { Commit } from "../commit/context.js";
import type { Config, PartConfig, PolicyRule } from "../config/config.js";
import { where, type Position } from "../directives/parse.js";
import { FlowpushError } from "../errors.js";

/**
 * `policy.allow` in flowpush.yaml: when present, a directive stands only if
 * one rule lets its commit's author, on the push's branch, touch every part
 * it selects. A field a rule leaves out allows anything.
 */
export function checkPolicy(
  config: Config,
  commit: Commit,
  branch: string | undefined,
  parts: PartConfig[],
  position: Position,
): void {
  const rules = config.policy.allow;
  if (!rules) return;

  for (const part of parts) {
    if (
      rules.some((rule) => allows(rule, commit.authorEmail, branch, part.name))
    )
      continue;
    const who = commit.authorEmail || "an author without email";
    const on = branch ? `on branch ${branch}` : "on an unknown branch";
    throw new FlowpushError(
      "POLICY_REFUSED",
      `${where(position)}: no rule of policy.allow lets ${who} touch part ${part.name} ${on}`,
      {
        position,
        hint: `the rules in ${config.source}: ${rules.map(describeRule).join("; ")}`,
      },
    );
  }
}

function allows(
  rule: PolicyRule,
  author: string,
  branch: string | undefined,
  part: string,
): boolean {
  return (
    // Email addresses are case-insensitive; branch and part names are not.
    matchesAny(rule.authors, author, true) &&
    (rule.branches === undefined ||
      (branch !== undefined && matchesAny(rule.branches, branch))) &&
    matchesAny(rule.parts, part)
  );
}

function matchesAny(
  patterns: string[] | undefined,
  value: string,
  ignoreCase = false,
): boolean {
  return (
    patterns === undefined ||
    patterns.some((pattern) => glob(pattern, ignoreCase).test(value))
  );
}

/** `*` is any text, `?` one character; everything else stands for itself. */
export function glob(pattern: string, ignoreCase = false): RegExp {
  const body = pattern
    .split("")
    .map((char) =>
      char === "*"
        ? ".*"
        : char === "?"
          ? "."
          : char.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`, ignoreCase ? "i" : "");
}

function describeRule(rule: PolicyRule, index: number): string {
  const fields = [
    rule.branches && `branches ${rule.branches.join(", ")}`,
    rule.authors && `authors ${rule.authors.join(", ")}`,
    rule.parts && `parts ${rule.parts.join(", ")}`,
  ].filter(Boolean);
  return `[${index}] ${fields.join(", ") || "anything"}`;
}
