/**
 * What a platform shell knows about a push, in one shape for every platform:
 * the repository, the commits pushed (full messages, oldest first) and how
 * the push was triggered. The core reads nothing else about its environment.
 */
export interface Commit {
  sha: string;
  message: string;
  authorName: string;
  authorEmail: string;
  /** Committer date, RFC 3339: also the images' creation time, so that a
   * rebuild of the same commit yields the same labels. */
  committedAt: string;
}

export type Trigger = "local" | "push" | "pull_request" | "manual";

export interface PushContext {
  /** The repository's work tree on this machine. */
  root: string;
  /** Where the repository lives for people, for the OCI source label. */
  sourceUrl: string | undefined;
  branch: string | undefined;
  /** The commit the push leaves the branch at: what gets built. Absent
   * when the push deleted the branch. */
  head: Commit | undefined;
  /** The pushed commits whose directives count, oldest first; usually
   * ending with the head. Empty when the push brought no new commits. */
  commits: Commit[];
  /** The commit before the push, when the platform knows it. */
  before: string | undefined;
  trigger: Trigger;
}

export function headOf(context: PushContext): Commit {
  if (!context.head) throw new Error("this push has no head commit");
  return context.head;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
