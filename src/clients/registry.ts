import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import { fetchWithRetry, UnreachableError } from "./http.js";

/**
 * The image registry's HTTP API (Docker Registry v2 / OCI distribution), for
 * what the Docker engine cannot tell us cheaply: whether the credentials are
 * good before anything is built, and what digest a tag points at.
 */
export interface RegistryClient {
  readonly address: string;
  checkCredentials(): Promise<void>;
  manifestDigest(repository: string, tag: string): Promise<string | undefined>;
}

export interface RegistryCredentials {
  username: string | undefined;
  password: string | undefined;
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

// Docker itself talks plain HTTP to registries on loopback and TLS to all
// others; doing the same keeps the two views of the registry consistent.
export function registryBaseUrl(address: string): string {
  const host = address.replace(/^https?:\/\//, "");
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${local ? "http" : "https"}://${host}`;
}

export function createRegistryClient(
  address: string,
  credentials: RegistryCredentials,
  log: Logger,
): RegistryClient {
  const base = registryBaseUrl(address);
  const headers: Record<string, string> = {};
  if (credentials.username && credentials.password) {
    const token = Buffer.from(
      `${credentials.username}:${credentials.password}`,
    ).toString("base64");
    headers.Authorization = `Basic ${token}`;
  }

  const request = async (path: string, init: RequestInit = {}) => {
    try {
      return await fetchWithRetry(
        `${base}${path}`,
        { ...init, headers: { ...headers, ...init.headers } },
        log,
      );
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      throw new FlowpushError(
        "REGISTRY_UNREACHABLE",
        `cannot reach the registry at ${base}: ${error.message}`,
        {
          hint: "check the registry address (FLOWPUSH_REGISTRY or registry.address) and that the registry is running",
          cause: error,
        },
      );
    }
  };

  return {
    address,
    async checkCredentials() {
      const response = await request("/v2/");
      if (response.status === 401 || response.status === 403) {
        // TODO: registries that hand out bearer tokens (Docker Hub, GHCR,
        // ACR) answer 401 with a token realm even for good credentials; we
        // only speak Basic, so against those the check gives false alarms.
        const who = credentials.username
          ? `user "${credentials.username}"`
          : "anonymous access";
        throw new FlowpushError(
          "REGISTRY_AUTH",
          `the registry at ${address} refused ${who}`,
          {
            hint: "set FLOWPUSH_REGISTRY_USERNAME and FLOWPUSH_REGISTRY_PASSWORD to credentials that may push",
          },
        );
      }
      if (!response.ok) {
        throw new FlowpushError(
          "REGISTRY_UNREACHABLE",
          `the registry at ${address} answered ${response.status} to /v2/`,
          {
            hint: "check that the address points at a Docker registry",
          },
        );
      }
    },
    async manifestDigest(repository, tag) {
      const response = await request(`/v2/${repository}/manifests/${tag}`, {
        method: "HEAD",
        headers: { Accept: MANIFEST_TYPES },
      });
      if (response.status === 404) return undefined;
      if (!response.ok) {
        throw new FlowpushError(
          "REGISTRY_UNREACHABLE",
          `the registry answered ${response.status} for ${repository}:${tag}`,
        );
      }
      return response.headers.get("docker-content-digest") ?? undefined;
    },
  };
}
