import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { execa } from "execa";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE = join(REPO_ROOT, "examples", "monorepo");

/** A real git repository in a temporary folder, removed by `remove`. */
export interface TempRepo {
  dir: string;
  write(path: string, text: string): Promise<void>;
  commit(message: string): Promise<string>;
  git(...args: string[]): Promise<string>;
  remove(): Promise<void>;
}

export async function createTempRepo(
  options: { fromExample?: boolean } = {},
): Promise<TempRepo> {
  const dir = await mkdtemp(join(tmpdir(), "flowpush-test-"));
  if (options.fromExample) await cp(EXAMPLE, dir, { recursive: true });
  const git = async (...args: string[]) =>
    (await execa("git", args, { cwd: dir })).stdout;
  await git("init", "-q", "-b", "main");
  await git("config", "user.name", "Test Author");
  await git("config", "user.email", "author@example.com");
  return {
    dir,
    git,
    async write(path, text) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    },
    async commit(message) {
      await git("add", "-A");
      // The message goes in as an argument, never through a shell.
      await git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD");
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs `use` with a fresh repository, removed afterwards whatever happens. */
export async function withTempRepo<T>(
  options: { fromExample?: boolean },
  use: (repo: TempRepo) => Promise<T>,
): Promise<T> {
  const repo = await createTempRepo(options);
  try {
    return await use(repo);
  } finally {
    await repo.remove();
  }
}
