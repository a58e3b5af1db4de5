import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { writeTar } from "../../src/build/context.js";
import { createDockerClient, EngineError } from "../../src/clients/docker.js";
import { createPrefectClient } from "../../src/clients/prefect.js";
import { createRegistryClient } from "../../src/clients/registry.js";
import { silentLogger } from "../../src/log.js";
import { PREFECT_URL, REGISTRY, stackEnv } from "../helpers/stack.js";

const env = stackEnv();
const BASE_IMAGE = env.FLOWPUSH_BASE_IMAGE as string;

function file(name: string, text: string) {
  const body = Buffer.from(text);
  return {
    header: { name, type: "file" as const, mode: 0o644, size: body.length },
    body,
  };
}

describe("the Prefect client", () => {
  const prefect = createPrefectClient(
    { apiUrl: PREFECT_URL, auth: undefined },
    silentLogger,
  );

  it("upserts flows by name", async () => {
    const name = `client-test-${randomUUID()}`;

    const first = await prefect.upsertFlow(name);
    const second = await prefect.upsertFlow(name);

    expect(second.id).toBe(first.id);
  });

  it("reads the server's release and its work pools", async () => {
    expect(await prefect.serverVersion()).toMatch(/^3\.\d+\.\d+/);
    expect(await prefect.workPoolExists(env.FLOWPUSH_WORK_POOL as string)).toBe(
      true,
    );
    expect(await prefect.workPoolExists(`missing-${randomUUID()}`)).toBe(false);
  });

  it("explains a request the server rejects", async () => {
    const request = prefect.upsertDeployment({
      name: "x",
      flow_id: randomUUID(),
    } as never);

    await expect(request).rejects.toThrow(
      /Prefect answered (404|409|422) to POST \/deployments\//,
    );
  });
});

describe("the registry client", () => {
  const credentials = {
    username: env.FLOWPUSH_REGISTRY_USERNAME,
    password: env.FLOWPUSH_REGISTRY_PASSWORD,
  };

  it("accepts good credentials and refuses bad ones", async () => {
    await createRegistryClient(
      REGISTRY,
      credentials,
      silentLogger,
    ).checkCredentials();

    const wrong = createRegistryClient(
      REGISTRY,
      { ...credentials, password: "wrong" },
      silentLogger,
    );
    await expect(wrong.checkCredentials()).rejects.toThrow(
      /refused user "flowpush"/,
    );
  });

  it("finds no digest for a tag that was never pushed", async () => {
    const registry = createRegistryClient(REGISTRY, credentials, silentLogger);

    expect(
      await registry.manifestDigest("flowpush/prices", "never-pushed"),
    ).toBeUndefined();
  });
});

describe("the Docker client", () => {
  const docker = createDockerClient(
    "unix:///var/run/docker.sock",
    silentLogger,
  );

  it("reports a failing build step as an engine error, with the step's output", async () => {
    const lines: string[] = [];
    const context = await writeTar([
      file(
        "Dockerfile",
        `FROM ${BASE_IMAGE}\nRUN echo step-output && exit 7\n`,
      ),
    ]);
    const build = docker.build({
      context,
      dockerfile: "Dockerfile",
      tags: [],
      labels: {},
      buildArgs: {},
      onLine: (l) => lines.push(l),
    });

    await expect(build).rejects.toThrow(EngineError);
    await expect(build).rejects.toThrow(/returned a non-zero code: 7/);
    expect(lines.join("\n")).toMatch(/step-output/);
  });

  it("runs a command in an image with files put in first, and returns its output", async () => {
    const files = await writeTar([file("probe/hello.txt", "from the host")]);
    const output = await docker.runOnce({
      image: BASE_IMAGE,
      entrypoint: ["sh", "-c"],
      command: ["cat /tmp/probe/hello.txt; echo oops >&2; exit 4"],
      env: [],
      files: { tar: files, path: "/tmp" },
    });

    expect(output).toEqual({
      exitCode: 4,
      stdout: "from the host",
      stderr: "oops\n",
    });
  });
});
