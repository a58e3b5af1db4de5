import type { Argv } from "yargs";

import { PLATFORMS } from "../platforms/detect.js";

/** --repo and --commit: which repository and which commit a command reads. */
export function withCommitOptions<T>(argv: Argv<T>, commitHelp: string) {
  return argv
    .option("repo", {
      type: "string",
      default: ".",
      describe: "the repository's folder",
    })
    .option("commit", {
      type: "string",
      default: "HEAD",
      describe: commitHelp,
    });
}

/** What defines a push made from a shell: its commits and its config. */
export function withPushOptions<T>(argv: Argv<T>) {
  return withCommitOptions(argv, "the head commit of the push")
    .option("since", {
      type: "string",
      describe: "the commit before the push; its successors are pushed",
    })
    .option("config", {
      type: "string",
      describe: "read flowpush.yaml from this file, not from the commit",
    })
    .option("platform", {
      choices: ["auto", ...PLATFORMS] as const,
      default: "auto" as const,
      describe:
        "where the push comes from; auto reads the CI's variables, unless --commit or --since name the commits",
    });
}
