import { Readable } from "node:stream";

import Docker from "dockerode";

import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";

/**
 * The Docker engine, through dockerode. The engine reports build and push
 * failures inside a 200 response, as `{error, errorDetail}` objects in the
 * progress stream, so every progress object is inspected here rather than
 * trusting the HTTP status or dockerode's followProgress.
 */
export interface DockerClient {
  readonly endpoint: string;
  ping(): Promise<void>;
  build(request: BuildRequest): Promise<{ imageId: string }>;
  push(
    repository: string,
    tag: string,
    auth: PushAuth,
  ): Promise<{ digest: string | undefined }>;
  repoDigest(image: string, repository: string): Promise<string | undefined>;
  runOnce(request: RunRequest): Promise<RunOutput>;
  imageLabels(image: string): Promise<Record<string, string> | undefined>;
}

export interface BuildRequest {
  context: Uint8Array;
  dockerfile: string;
  tags: string[];
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  onLine: (line: string) => void;
}

export interface PushAuth {
  username: string | undefined;
  password: string | undefined;
  serveraddress: string;
}

export interface RunRequest {
  image: string;
  entrypoint: string[];
  command: string[];
  env: string[];
  /** A tar unpacked into the container at `filesPath` before it starts. */
  files?: { tar: Uint8Array; path: string };
}

export interface RunOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `unix:///path` or `tcp://host:port`, as DOCKER_HOST spells it. */
export function createDockerClient(
  endpoint: string,
  log: Logger,
): DockerClient {
  const docker = new Docker(connectionOptions(endpoint));

  const unreachable = (cause: unknown) =>
    new FlowpushError(
      "DOCKER_UNREACHABLE",
      `cannot reach the Docker engine at ${endpoint}: ${messageOf(cause)}`,
      {
        hint: "start the Docker engine, or point DOCKER_HOST at a running one",
        cause,
      },
    );

  return {
    endpoint,
    async ping() {
      log.debug(`docker ping ${endpoint}`);
      await docker.ping().catch((cause: unknown) => {
        throw unreachable(cause);
      });
    },

    async build(request) {
      log.debug(
        `docker build -f ${request.dockerfile} ${request.tags.map((t) => `-t ${t}`).join(" ")}`,
      );
      const stream = await docker.buildImage(
        Readable.from([Buffer.from(request.context)]),
        {
          // The engine takes `t` once per tag; the typings allow only one.
          t: request.tags as unknown as string,
          dockerfile: request.dockerfile,
          labels: request.labels,
          buildargs: request.buildArgs,
          // This machine has no bridge network: builds use the host's.
          networkmode: "host",
          rm: true,
          forcerm: true,
        },
      );
      let imageId: string | undefined;
      await followStream(stream, (event) => {
        if (typeof event.stream === "string") {
          for (const line of event.stream.split("\n"))
            if (line.trim()) request.onLine(line);
        }
        const id = (event.aux as { ID?: unknown } | undefined)?.ID;
        if (typeof id === "string") imageId = id;
      });
      if (!imageId) {
        const inspected = await docker
          .getImage(request.tags[0] ?? "")
          .inspect();
        imageId = inspected.Id;
      }
      return { imageId };
    },

    async push(repository, tag, auth) {
      log.debug(`docker push ${repository}:${tag}`);
      const stream = await docker
        .getImage(`${repository}:${tag}`)
        .push({ tag, authconfig: auth });
      let digest: string | undefined;
      await followStream(stream, (event) => {
        const aux = event.aux as { Digest?: unknown } | undefined;
        if (typeof aux?.Digest === "string") digest = aux.Digest;
        if (typeof event.status === "string")
          log.debug(`push: ${event.status}`);
      });
      return { digest };
    },

    async repoDigest(image, repository) {
      const inspected = await docker.getImage(image).inspect();
      const match = inspected.RepoDigests.find((ref) =>
        ref.startsWith(`${repository}@`),
      );
      return match?.slice(repository.length + 1);
    },

    async imageLabels(image) {
      try {
        const inspected = await docker.getImage(image).inspect();
        return inspected.Config.Labels ?? {};
      } catch {
        return undefined;
      }
    },

    async runOnce(request) {
      log.debug(
        `docker run ${request.image} ${[...request.entrypoint, ...request.command].join(" ")}`,
      );
      const container = await docker.createContainer({
        Image: request.image,
        Entrypoint: request.entrypoint,
        Cmd: request.command,
        Env: request.env,
        // Introspection needs no network, and should not have one.
        HostConfig: { NetworkMode: "none" },
      });
      try {
        if (request.files) {
          await container.putArchive(Buffer.from(request.files.tar), {
            path: request.files.path,
          });
        }
        await container.start();
        const { StatusCode } = (await container.wait()) as {
          StatusCode: number;
        };
        const raw = await container.logs({
          stdout: true,
          stderr: true,
          follow: false,
        });
        return { exitCode: StatusCode, ...demultiplex(raw) };
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    },
  };
}

function connectionOptions(endpoint: string): Docker.DockerOptions {
  if (endpoint.startsWith("unix://"))
    return { socketPath: endpoint.slice("unix://".length) };
  const url = new URL(endpoint.replace(/^tcp:/, "http:"));
  // TODO: TLS engines (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) are not wired
  // up; a remote engine must be reached over an unencrypted socket or SSH
  // tunnel until they are.
  return {
    protocol: "http",
    host: url.hostname,
    port: Number(url.port || 2375),
  };
}

interface ProgressEvent {
  stream?: unknown;
  status?: unknown;
  aux?: unknown;
  error?: unknown;
  errorDetail?: { message?: string };
}

function followStream(
  stream: NodeJS.ReadableStream,
  onEvent: (event: ProgressEvent) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let failure: string | undefined;
    const handle = (line: string) => {
      if (!line.trim()) return;
      const event = JSON.parse(line) as ProgressEvent;
      if (event.error !== undefined || event.errorDetail) {
        failure ??= event.errorDetail?.message ?? String(event.error);
        return;
      }
      onEvent(event);
    };
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      lines.forEach(handle);
    });
    stream.on("error", reject);
    stream.on("end", () => {
      handle(buffered);
      if (failure === undefined) resolve();
      else reject(new EngineError(failure));
    });
  });
}

/** A failure the engine reported inside a progress stream. */
export class EngineError extends Error {}

// Container logs without a TTY interleave stdout and stderr in frames with
// an 8-byte header: stream type, three zero bytes, a big-endian length.
function demultiplex(raw: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length;) {
    const type = raw[offset];
    const length = raw.readUInt32BE(offset + 4);
    const frame = raw.subarray(offset + 8, offset + 8 + length);
    (type === 2 ? err : out).push(frame);
    offset += 8 + length;
  }
  return {
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
