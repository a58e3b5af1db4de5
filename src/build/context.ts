import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { Readable } from "node:stream";

import dockerignoreModule from "@balena/dockerignore";
import tar from "tar-stream";

import type { GitClient } from "../clients/git.js";
import type { PartConfig } from "../config/config.js";
import { FlowpushError } from "../errors.js";
import { runtimeDir, templatesDir } from "../resources.js";

/**
 * Build contexts come from the commit's tree (`git archive`), never from the
 * work tree: an image labelled with a commit must contain that commit, even
 * when someone runs flowpush from a checkout with local edits.
 */
export interface BuildContext {
  tar: Uint8Array;
  dockerfile: string;
}

export interface Entry {
  header: Partial<tar.Header> & Pick<tar.Header, "name">;
  body: Buffer;
}

// The package is CommonJS with `module.exports = factory`, while its types
// declare an ES default export; under Node's ESM interop the factory is the
// module object itself.
const dockerignore =
  dockerignoreModule as unknown as typeof dockerignoreModule.default;

export async function createBuildContext(
  git: GitClient,
  sha: string,
  part: PartConfig,
): Promise<BuildContext> {
  if (part.path && !(await git.pathExists(sha, part.path))) {
    throw new FlowpushError(
      "CONFIG_INVALID",
      `part "${part.name}" has no folder ${part.path} in commit ${sha.slice(0, 7)}`,
      { hint: `check parts.${part.name}.path in flowpush.yaml` },
    );
  }
  const archive = await git.archive(sha, part.path || ".");
  const dockerfileName =
    part.build.kind === "dockerfile" ? part.build.dockerfile : "Dockerfile";
  const files = filterIgnored(
    stripPrefix(await readTar(archive), part.path),
    dockerfileName,
  );
  if (files.length === 0) {
    throw new FlowpushError(
      "CONFIG_INVALID",
      `part "${part.name}" has no files at ${part.path || "the root"} in commit ${sha.slice(0, 7)}`,
      {
        hint: `check parts.${part.name}.path in flowpush.yaml`,
      },
    );
  }

  if (part.build.kind === "dockerfile") {
    const { dockerfile } = part.build;
    if (!files.some((entry) => entry.header.name === dockerfile)) {
      throw new FlowpushError(
        "CONFIG_INVALID",
        `part "${part.name}" has no ${dockerfile} in commit ${sha.slice(0, 7)}`,
        {
          hint: `add it, or set parts.${part.name}.template: python to use flowpush's image template`,
        },
      );
    }
    return { tar: await writeTar(files), dockerfile };
  }

  const requirements = files.find(
    (entry) => entry.header.name === "requirements.txt",
  );
  const extra: Entry[] = [
    file(
      "Dockerfile",
      await readFile(join(templatesDir(), part.build.template, "Dockerfile")),
    ),
    file(".flowpush/requirements.txt", requirements?.body ?? Buffer.alloc(0)),
    ...(await runtimeFiles(".flowpush/runtime")),
  ];
  const moved = files.map((entry) => ({
    ...entry,
    header: { ...entry.header, name: `part/${entry.header.name}` },
  }));
  return {
    tar: await writeTar([...extra, ...moved]),
    dockerfile: "Dockerfile",
  };
}

/** The runtime package's sources, as entries under `prefix`. */
async function runtimeFiles(prefix: string): Promise<Entry[]> {
  const root = runtimeDir();
  const names = await readdir(root, { recursive: true, withFileTypes: true });
  const entries: Entry[] = [];
  for (const dirent of names) {
    if (!dirent.isFile()) continue;
    const path = join(dirent.parentPath, dirent.name);
    const name = relative(root, path);
    if (
      /(^|\/)(__pycache__|tests|[^/]*\.egg-info|\.pytest_cache)(\/|$)/.test(
        name,
      )
    )
      continue;
    entries.push(file(`${prefix}/${name}`, await readFile(path)));
  }
  return entries;
}

function file(name: string, body: Buffer): Entry {
  return {
    header: {
      name,
      type: "file",
      mode: 0o644,
      size: body.length,
      mtime: new Date(0),
    },
    body,
  };
}

async function readTar(data: Uint8Array): Promise<Entry[]> {
  const extract = tar.extract();
  Readable.from([Buffer.from(data)]).pipe(extract);
  const entries: Entry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    // git archive adds a pax header carrying the commit id; it is not a file.
    if (["file", "directory", "symlink"].includes(entry.header.type ?? "")) {
      entries.push({ header: entry.header, body: Buffer.concat(chunks) });
    }
  }
  return entries;
}

function stripPrefix(entries: Entry[], path: string): Entry[] {
  if (!path) return entries;
  const prefix = `${path}/`;
  return entries
    .filter(
      (entry) =>
        entry.header.name.startsWith(prefix) && entry.header.name !== prefix,
    )
    .map((entry) => ({
      ...entry,
      header: { ...entry.header, name: entry.header.name.slice(prefix.length) },
    }));
}

// Docker applies .dockerignore to the context it receives; we build the
// context ourselves, so we apply it here, with Docker's matching rules. The
// Dockerfile and .dockerignore always go in: the engine needs the first and
// reads the second, whatever the patterns say.
function filterIgnored(entries: Entry[], dockerfile: string): Entry[] {
  const ignoreFile = entries.find(
    (entry) => entry.header.name === ".dockerignore",
  );
  if (!ignoreFile) return entries;
  const rules = dockerignore().add(ignoreFile.body.toString("utf8"));
  return entries.filter((entry) => {
    const name = entry.header.name.replace(/\/$/, "");
    return [dockerfile, ".dockerignore"].includes(name) || !rules.ignores(name);
  });
}

export async function writeTar(entries: Entry[]): Promise<Uint8Array> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const { header, body } of entries) {
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error | null) =>
        error ? reject(error) : resolve();
      if (header.type === "file")
        pack.entry({ ...header, size: body.length }, body, settle);
      else pack.entry(header, settle);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
