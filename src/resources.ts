import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding flowpush's templates/ and runtime/. The code runs from
 * build/ (the CLI), from a bundle in dist/ (the GitHub Action) or from a
 * packaged Azure task, so it is found by looking upwards, not by a fixed
 * relative path.
 */
export function resourceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "templates", "python", "Dockerfile"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        "flowpush's templates/ folder is missing from its installation",
      );
    }
    dir = parent;
  }
}

export const templatesDir = () => join(resourceRoot(), "templates");
export const runtimeDir = () => join(resourceRoot(), "runtime");
