import { shortSha, type Commit } from "../commit/context.js";

/**
 * OCI annotations that tie an image to its commit. `created` is the commit's
 * date, not the build's: rebuilding the same commit then gives the same
 * labels, and with a warm layer cache the same image and digest.
 */
export function imageLabels(
  commit: Commit,
  part: string,
  sourceUrl: string | undefined,
): Record<string, string> {
  const labels: Record<string, string> = {
    "org.opencontainers.image.revision": commit.sha,
    "org.opencontainers.image.created": commit.committedAt,
    "org.opencontainers.image.title": part,
    "org.opencontainers.image.version": shortSha(commit.sha),
    "io.flowpush.part": part,
  };
  if (sourceUrl)
    labels["org.opencontainers.image.source"] = publicUrl(sourceUrl);
  return labels;
}

/** A remote URL as people open it: no credentials, https for git@ remotes. */
export function publicUrl(remote: string): string {
  const ssh = /^git@([^:]+):(.+?)(\.git)?$/.exec(remote);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  try {
    const url = new URL(remote);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\.git$/, "");
  } catch {
    return remote;
  }
}
