import type { GitClient } from "../clients/git.js";
import { shortSha } from "../commit/context.js";
import { FlowpushError } from "../errors.js";
import { CONFIG_FILE, parseConfig, type Config } from "./config.js";

/**
 * flowpush.yaml as the commit has it. The commit's own file, not the work
 * tree's, decides what the commit builds: a config edited but not committed
 * must not change what an image labelled with that commit contains.
 */
export async function loadConfigAt(
  git: GitClient,
  sha: string,
): Promise<Config> {
  const text = await git.readFile(sha, CONFIG_FILE);
  if (text === undefined) {
    throw new FlowpushError(
      "CONFIG_NOT_FOUND",
      `commit ${shortSha(sha)} has no ${CONFIG_FILE} at the repository root`,
      {
        hint: `add ${CONFIG_FILE} declaring the repository's parts (see docs/configuration.md), or pass --config`,
      },
    );
  }
  return parseConfig(text, `${CONFIG_FILE}@${shortSha(sha)}`);
}
