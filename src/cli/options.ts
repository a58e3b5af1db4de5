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

/** --wait and what goes with it, for the commands that start runs. */
export function withWaitOptions<T>(argv: Argv<T>) {
  return argv
    .option("wait", {
      type: "boolean",
      default: false,
      describe: "follow the runs until they end, then show each grid's results",
    })
    .option("wait-timeout", {
      type: "number",
      default: 3600,
      describe: "seconds to wait for the runs",
    })
    .option("allow-failures", {
      type: "boolean",
      default: false,
      describe: "exit 0 when some points of a grid failed (with --wait)",
    });
}

export function waitFrom(args: { wait: boolean; "wait-timeout": number }) {
  return args.wait
    ? { timeoutSeconds: args["wait-timeout"], pollSeconds: 2 }
    : undefined;
}
