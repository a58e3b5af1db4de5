import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { Argv } from "yargs";

import { openGitRepository, type GitClient } from "../clients/git.js";
import type { Commit } from "../commit/context.js";
import { changedPaths } from "../commit/history.js";
import { CONFIG_FILE, parseConfig, type Config } from "../config/config.js";
import { loadConfigAt } from "../config/load.js";
import { parseDirectives, PENDING } from "../directives/parse.js";
import { FlowpushError } from "../errors.js";
import { createPlan, needsChangedPaths } from "../plan/plan.js";
import { renderPlan } from "../report/terminal.js";
import { loggerFor } from "./shell.js";

const HOOK_MARKER = "# installed by flowpush hook install";

/**
 * `flowpush check` validates a commit message against the config, as a
 * push would, without touching anything; `flowpush hook install` makes git
 * run it on every commit, so a typo is caught before the commit exists.
 */
export function addCheckCommands(cli: Argv<{ verbose: boolean }>) {
  return cli
    .command(
      "check [file]",
      "check the directives of a commit message (a file, - for stdin, or --commit)",
      (argv) =>
        argv
          .positional("file", {
            type: "string",
            describe: "the message file, as git passes it to a commit-msg hook",
          })
          .option("commit", {
            type: "string",
            describe: "check an existing commit instead",
          })
          .option("repo", {
            type: "string",
            default: ".",
            describe: "the repository's folder",
          })
          .option("config", {
            type: "string",
            describe: "read flowpush.yaml from this file",
          }),
      async (args) => {
        const log = loggerFor(args);
        const git = await openGitRepository(args.repo, log);
        // yargs hands over a lone "-" (standard input) as an empty string.
        const file = args.file === "" ? "-" : args.file;
        if (!file && !args.commit) {
          throw new FlowpushError("DIRECTIVE_INVALID", "nothing to check", {
            hint: "name a message file, - for standard input, or --commit <rev>",
          });
        }
        const pending = !args.commit;
        const commit = pending
          ? await pendingCommit(git, file as string)
          : await git.readCommit(args.commit as string);
        const parsed = parseDirectives(commit);
        if (parsed.skip)
          return log.info(
            `the message says ${parsed.skip}: flowpush will do nothing`,
          );
        if (parsed.directives.length === 0)
          return log.info("no flowpush directives: flowpush will do nothing");

        const config = await configFor(
          git,
          args.config,
          pending ? undefined : commit.sha,
        );
        const changed = needsChangedPaths([parsed])
          ? pending
            ? await git.stagedFiles()
            : await changedPaths(git, commit.sha, commit.sha, log)
          : undefined;
        const branch = await git.currentBranch();
        log.info(
          renderPlan(
            createPlan({
              head: commit,
              commits: [parsed],
              config,
              branch,
              changedPaths: changed,
            }),
          ),
        );
      },
    )
    .command(
      "hook install",
      "install a commit-msg hook that runs flowpush check",
      (argv) =>
        argv
          .option("repo", {
            type: "string",
            default: ".",
            describe: "the repository's folder",
          })
          .option("force", {
            type: "boolean",
            default: false,
            describe: "replace a commit-msg hook flowpush did not install",
          }),
      async (args) => {
        const log = loggerFor(args);
        const git = await openGitRepository(args.repo, log);
        log.info(`installed ${await installHook(git, args.force)}`);
      },
    );
}

/** The message being committed, as git will store it. */
async function pendingCommit(git: GitClient, file: string): Promise<Commit> {
  const raw =
    file === "-"
      ? await readStdin()
      : await readFile(file, "utf8").catch((cause: unknown) => {
          throw new FlowpushError(
            "CONFIG_NOT_FOUND",
            `cannot read the message file ${file}`,
            {
              hint: "name the file git passes to the commit-msg hook, or - for standard input",
              cause,
            },
          );
        });
  const author = await git.nextAuthor();
  return {
    sha: PENDING,
    message: cleanMessage(raw),
    authorName: author.name,
    authorEmail: author.email,
    committedAt: new Date().toISOString(),
  };
}

/**
 * What git's default cleanup leaves of an edited message: no comment lines,
 * nothing below the scissors line of `git commit -v`, no trailing blanks.
 */
export function cleanMessage(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (/^# -+ >8 -+$/.test(line)) break;
    if (!line.startsWith("#")) lines.push(line.trimEnd());
  }
  return lines.join("\n").replace(/^\n+|\n+$/g, "");
}

// A pending message has no commit yet, so its config is the work tree's.
async function configFor(
  git: GitClient,
  override: string | undefined,
  sha: string | undefined,
): Promise<Config> {
  if (sha && !override) return loadConfigAt(git, sha);
  const path = override ?? join(git.root, CONFIG_FILE);
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new FlowpushError("CONFIG_NOT_FOUND", `cannot read ${path}`, {
      hint: `the message has flowpush directives, so the repository needs ${CONFIG_FILE}`,
      cause,
    });
  });
  return parseConfig(text, override ?? CONFIG_FILE);
}

async function installHook(git: GitClient, force: boolean): Promise<string> {
  const dir = await git.hooksDir();
  const path = join(dir, "commit-msg");
  const existing = await readFile(path, "utf8").catch(() => undefined);
  if (existing !== undefined && !existing.includes(HOOK_MARKER) && !force) {
    throw new FlowpushError(
      "HOOK_EXISTS",
      `${path} exists and was not installed by flowpush`,
      {
        hint: "merge the two by hand, or pass --force to replace it",
      },
    );
  }
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const script = [
    "#!/bin/sh",
    HOOK_MARKER,
    "# Refuses a commit whose flowpush directives would fail; see flowpush check.",
    `exec ${quote(process.execPath)} ${quote(process.argv[1] as string)} check --repo "$(git rev-parse --show-toplevel)" "$1"`,
    "",
  ].join("\n");
  await mkdir(dir, { recursive: true });
  await writeFile(path, script);
  await chmod(path, 0o755);
  return path;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
