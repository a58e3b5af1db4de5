import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

import { execa } from "execa";
import { simpleGit, type SimpleGit } from "simple-git";

import type { Commit } from "../commit/context.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";

/** Reads commits and their trees. Every argument goes to git as an argv
 * element, never through a shell: refs and paths can come from commit
 * messages. */
export interface GitClient {
  readonly root: string;
  readCommit(rev: string): Promise<Commit>;
  commitsBetween(before: string, after: string): Promise<string[]>;
  readFile(sha: string, path: string): Promise<string | undefined>;
  pathExists(sha: string, path: string): Promise<boolean>;
  hasCommit(rev: string): Promise<boolean>;
  /** Parent SHAs; none for a root commit and for a shallow clone's edge. */
  parents(sha: string): Promise<string[]>;
  /** Commits whose parents a shallow clone lacks; empty when complete. */
  shallowEdges(): Promise<Set<string>>;
  /** Fetches `depth` more commits of history; false if that failed. */
  deepen(depth: number): Promise<boolean>;
  changedFiles(base: string, head: string): Promise<string[]>;
  listFiles(sha: string): Promise<string[]>;
  /** Files staged for the next commit. */
  stagedFiles(): Promise<string[]>;
  /** Who the next commit's author will be, as git works it out. */
  nextAuthor(): Promise<{ name: string; email: string }>;
  /** Where git looks for hooks, core.hooksPath included. */
  hooksDir(): Promise<string>;
  archive(sha: string, path: string): Promise<Uint8Array>;
  remoteUrl(): Promise<string | undefined>;
  currentBranch(): Promise<string | undefined>;
}

const FIELD = "\x1f";

export async function openGitRepository(
  directory: string,
  log: Logger,
): Promise<GitClient> {
  const git = simpleGit({ baseDir: directory });
  const root = await run(git, log, ["rev-parse", "--show-toplevel"]).catch(
    (cause: unknown) => {
      throw new FlowpushError(
        "GIT_FAILED",
        `${directory} is not inside a git repository`,
        {
          hint: "run flowpush from a clone of the repository, or pass --repo",
          cause,
        },
      );
    },
  );
  return createGitClient(simpleGit({ baseDir: root.trim() }), root.trim(), log);
}

function createGitClient(git: SimpleGit, root: string, log: Logger): GitClient {
  const hookGit = async (args: string[]) => {
    log.debug(`git ${args.join(" ")}`);
    return (await execa("git", args, { cwd: root })).stdout;
  };

  return {
    root,
    async readCommit(rev) {
      const format = ["%H", "%an", "%ae", "%cI", "%B"].join(FIELD);
      const out = await run(git, log, [
        "show",
        "-s",
        `--format=${format}`,
        `${rev}^{commit}`,
        "--",
      ]);
      const [sha, authorName, authorEmail, committedAt, ...body] =
        out.split(FIELD);
      if (!sha || body.length === 0)
        throw gitError(`cannot read commit ${rev}`);
      // A message committed with CRLF endings keeps them; the trailing one
      // would otherwise cling to the last trailer's value.
      const message = body.join(FIELD).replace(/[\r\n]+$/, "");
      return {
        sha,
        authorName: authorName ?? "",
        authorEmail: authorEmail ?? "",
        committedAt: committedAt ?? "",
        message,
      };
    },
    async commitsBetween(before, after) {
      const out = await run(git, log, [
        "rev-list",
        "--reverse",
        `${before}..${after}`,
        "--",
      ]);
      return out.split("\n").filter(Boolean);
    },
    async readFile(sha, path) {
      if (!(await this.pathExists(sha, path))) return undefined;
      return run(git, log, ["show", `${sha}:${path}`]);
    },
    async pathExists(sha, path) {
      const args = ["ls-tree", "--name-only", sha, "--", path];
      return (await run(git, log, args)).trim() !== "";
    },
    async hasCommit(rev) {
      const out = await run(git, log, [
        "cat-file",
        "-t",
        `${rev}^{commit}`,
      ]).catch(() => "");
      return out.trim() === "commit";
    },
    async parents(sha) {
      const out = await run(git, log, [
        "rev-list",
        "--parents",
        "-n",
        "1",
        sha,
        "--",
      ]);
      return out.trim().split(/\s+/).slice(1);
    },
    async shallowEdges() {
      const path = (
        await run(git, log, ["rev-parse", "--git-path", "shallow"])
      ).trim();
      const text = await readFile(
        isAbsolute(path) ? path : join(root, path),
        "utf8",
      ).catch(() => "");
      return new Set(text.split("\n").filter(Boolean));
    },
    async deepen(depth) {
      const result = await run(git, log, [
        "fetch",
        "--quiet",
        `--deepen=${depth}`,
      ]).then(
        () => true,
        (error: unknown) => {
          log.debug(`git fetch --deepen=${depth} failed: ${String(error)}`);
          return false;
        },
      );
      return result;
    },
    async changedFiles(base, head) {
      // Without renames, a moved file counts at both places: both parts
      // it left and entered changed.
      const out = await run(git, log, [
        "diff",
        "--name-only",
        "--no-renames",
        base,
        head,
        "--",
      ]);
      return out.split("\n").filter(Boolean);
    },
    async listFiles(sha) {
      const out = await run(git, log, [
        "ls-tree",
        "-r",
        "--name-only",
        sha,
        "--",
      ]);
      return out.split("\n").filter(Boolean);
    },
    // simple-git drops GIT_* variables from what it runs, but inside a
    // commit-msg hook they carry the commit being made: `--author` sets
    // GIT_AUTHOR_*, and `commit -a` or `commit <paths>` stage into the
    // index GIT_INDEX_FILE names. These two ask git with them kept.
    async stagedFiles() {
      const out = await hookGit([
        "diff",
        "--cached",
        "--name-only",
        "--no-renames",
      ]);
      return out.split("\n").filter(Boolean);
    },
    async nextAuthor() {
      const ident = await hookGit(["var", "GIT_AUTHOR_IDENT"]).catch(() => "");
      const match = /^(.*) <([^>]*)>/.exec(ident.trim());
      return { name: match?.[1] ?? "", email: match?.[2] ?? "" };
    },
    async hooksDir() {
      const path = (
        await run(git, log, ["rev-parse", "--git-path", "hooks"])
      ).trim();
      return isAbsolute(path) ? path : join(root, path);
    },
    async archive(sha, path) {
      log.debug(`git archive --format=tar ${sha} -- ${path}`);
      const result = await execa(
        "git",
        ["archive", "--format=tar", sha, "--", path],
        {
          cwd: root,
          encoding: "buffer",
          reject: false,
        },
      );
      if (result.exitCode !== 0) {
        throw gitError(
          `git archive of ${path} at ${sha} failed: ${Buffer.from(result.stderr).toString().trim()}`,
        );
      }
      return result.stdout;
    },
    async remoteUrl() {
      const out = await run(git, log, ["remote", "get-url", "origin"]).catch(
        () => "",
      );
      return out.trim() || undefined;
    },
    async currentBranch() {
      const out = await run(git, log, [
        "symbolic-ref",
        "--short",
        "-q",
        "HEAD",
      ]).catch(() => "");
      return out.trim() || undefined;
    },
  };
}

async function run(
  git: SimpleGit,
  log: Logger,
  args: string[],
): Promise<string> {
  log.debug(`git ${args.join(" ")}`);
  try {
    return await git.raw(args);
  } catch (cause) {
    throw gitError(`git ${args[0]} failed`, cause);
  }
}

function gitError(message: string, cause?: unknown): FlowpushError {
  return new FlowpushError("GIT_FAILED", message, { cause });
}
