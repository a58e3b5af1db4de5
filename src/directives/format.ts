import type { GridSpec } from "../grid/grid.js";
import { toJson } from "../grid/values.js";
import type { Directive } from "./parse.js";

/**
 * The canonical text of directives: one trailer each, grids as JSON. What
 * parseDirectives reads back from it is what was formatted, positions
 * aside; tools that write commit messages for people can rely on that. The
 * one exception is a grid whose text holds a skip marker such as
 * "[skip ci]": the message then silences itself, as any message would.
 */
export function formatDirective(directive: Directive): string {
  if (directive.kind === "build") {
    const parts = directive.parts.map((p) =>
      p.kind === "name" ? p.name : p.kind,
    );
    return `Flowpush-Build: ${parts.join(", ")}`;
  }
  const target = `${directive.part.name}/${directive.flow}`;
  const mode = directive.mode ? ` --${directive.mode}` : "";
  const grid = directive.grid ? ` ${formatGrid(directive.grid.spec)}` : "";
  return `Flowpush-Run: ${target}${mode}${grid}`;
}

export function formatGrid(spec: GridSpec): string {
  return toJson(spec);
}

/** A commit message carrying the directives as its trailer block. */
export function formatMessage(
  subject: string,
  directives: Directive[],
): string {
  return `${subject}\n\n${directives.map(formatDirective).join("\n")}`;
}
