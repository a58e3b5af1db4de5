import { Readable } from "node:stream";

import tar from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { createBuildContext } from "../../src/build/context.js";
import { openGitRepository } from "../../src/clients/git.js";
import { parseConfig, type PartConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/log.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";

async function entryNames(data: Uint8Array): Promise<Map<string, string>> {
  const extract = tar.extract();
  Readable.from([Buffer.from(data)]).pipe(extract);
  const files = new Map<string, string>();
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === "file")
      files.set(entry.header.name, Buffer.concat(chunks).toString());
  }
  return files;
}

function part(yaml: string): PartConfig {
  const config = parseConfig(`parts:\n  p:\n${yaml}`, "flowpush.yaml");
  return config.parts.get("p") as PartConfig;
}

describe("createBuildContext", () => {
  let repo: TempRepo;
  let sha: string;

  beforeEach(async () => {
    repo = await createTempRepo();
    await repo.write("models/p/Dockerfile", "FROM scratch\n");
    await repo.write("models/p/.dockerignore", "Dockerfile\ndata/\n*.ipynb\n");
    await repo.write("models/p/train.py", "print('committed')\n");
    await repo.write("models/p/requirements.txt", "numpy\n");
    await repo.write("models/p/data/big.csv", "1,2\n");
    await repo.write("models/p/notes.ipynb", "{}\n");
    await repo.write("other/x.py", "x\n");
    sha = await repo.commit("Add part p");
  });

  afterEach(() => repo.remove());

  it("takes the commit's files, not the work tree's", async () => {
    await repo.write("models/p/train.py", "print('uncommitted edit')\n");
    const git = await openGitRepository(repo.dir, silentLogger);
    const context = await createBuildContext(
      git,
      sha,
      part(
        "    path: models/p\n    image: p\n    dockerfile: Dockerfile\n    flows: { f: { entrypoint: f.py:f } }\n",
      ),
    );

    expect((await entryNames(context.tar)).get("train.py")).toBe(
      "print('committed')\n",
    );
  });

  it("honours .dockerignore but always keeps the Dockerfile", async () => {
    const git = await openGitRepository(repo.dir, silentLogger);
    const context = await createBuildContext(
      git,
      sha,
      part(
        "    path: models/p\n    image: p\n    dockerfile: Dockerfile\n    flows: { f: { entrypoint: f.py:f } }\n",
      ),
    );

    expect([...(await entryNames(context.tar)).keys()].sort()).toEqual([
      ".dockerignore",
      "Dockerfile",
      "requirements.txt",
      "train.py",
    ]);
    expect(context.dockerfile).toBe("Dockerfile");
  });

  it("lays out a template build with the runtime and the part's requirements", async () => {
    const git = await openGitRepository(repo.dir, silentLogger);
    const context = await createBuildContext(
      git,
      sha,
      part(
        "    path: models/p\n    image: p\n    flows: { f: { entrypoint: f.py:f } }\n",
      ),
    );
    const files = await entryNames(context.tar);

    expect(files.get("Dockerfile")).toMatch(/ARG PREFECT_VERSION/);
    expect(files.get(".flowpush/requirements.txt")).toBe("numpy\n");
    expect(files.has(".flowpush/runtime/pyproject.toml")).toBe(true);
    expect(files.has(".flowpush/runtime/src/flowpush_runtime/grid.py")).toBe(
      true,
    );
    expect(files.get("part/train.py")).toBe("print('committed')\n");
    expect(
      [...files.keys()].some(
        (name) => name.startsWith("part/data/") || name.includes("__pycache__"),
      ),
    ).toBe(false);
  });

  it("names the missing Dockerfile before anything is built", async () => {
    const git = await openGitRepository(repo.dir, silentLogger);
    const build = createBuildContext(
      git,
      sha,
      part(
        "    path: other\n    image: p\n    dockerfile: Dockerfile\n    flows: { f: { entrypoint: f.py:f } }\n",
      ),
    );

    await expect(build).rejects.toThrow(/part "p" has no Dockerfile in commit/);
  });
});
