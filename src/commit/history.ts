import type { GitClient } from "../clients/git.js";
import type { Logger } from "../log.js";
import { shortSha } from "./context.js";

/**
 * CI clones are shallow (GitHub and Azure fetch one commit, GitLab a few
 * dozen), so the history a push needs may be missing. These helpers deepen
 * the clone as far as needed, a bounded number of times, and otherwise say
 * what they could not see.
 */
const DEEPEN_STEP = 50;
const DEEPEN_TRIES = 6;

/** Deepens until `rev` is present; false if it never arrived. */
export async function ensureCommit(
  git: GitClient,
  rev: string,
  log: Logger,
): Promise<boolean> {
  for (let tries = 0; !(await git.hasCommit(rev)); tries++) {
    if (tries === DEEPEN_TRIES || (await git.shallowEdges()).size === 0)
      return false;
    log.warn(
      `the clone is shallow and lacks ${rev}: fetching ${DEEPEN_STEP} more commits of history`,
    );
    if (!(await deepen(git))) return false;
  }
  return true;
}

/**
 * The files the push changed: between the first pushed commit's first
 * parent and the head. A root commit changed every file. When a shallow
 * clone cannot be deepened to that parent, every file counts as changed,
 * and the warning says so: building too much is safer than too little.
 */
export async function changedPaths(
  git: GitClient,
  first: string,
  head: string,
  log: Logger,
): Promise<string[]> {
  for (let tries = 0; (await git.shallowEdges()).has(first); tries++) {
    if (tries === DEEPEN_TRIES || !(await deepen(git))) {
      log.warn(
        `the clone is shallow and its history could not be deepened past ${shortSha(first)}: assuming every part changed`,
      );
      return git.listFiles(head);
    }
    log.warn(
      `the clone is shallow: fetched ${DEEPEN_STEP} more commits to see what the push changed`,
    );
  }
  const [parent] = await git.parents(first);
  if (!parent) return git.listFiles(head);
  return git.changedFiles(parent, head);
}

/** One deepening step; false when it failed or brought nothing new (a
 * fetch with no remote to ask can succeed without progress). */
async function deepen(git: GitClient): Promise<boolean> {
  const before = await git.shallowEdges();
  if (!(await git.deepen(DEEPEN_STEP))) return false;
  const after = await git.shallowEdges();
  return (
    after.size !== before.size || [...after].some((edge) => !before.has(edge))
  );
}
