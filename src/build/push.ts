import { EngineError, type DockerClient } from "../clients/docker.js";
import type { Settings } from "../config/settings.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import type { LocalImage } from "./build.js";

/** A part's image in the registry. */
export interface BuiltImage extends LocalImage {
  digest: string;
  /** `repository@digest`: what deployments and runs pin. */
  reference: string;
}

export async function pushImages(
  images: LocalImage[],
  docker: DockerClient,
  registry: Settings["registry"],
  log: Logger,
): Promise<BuiltImage[]> {
  const pushed: BuiltImage[] = [];
  for (const image of images) {
    const digest = await pushTags(docker, registry, image);
    const reference = `${image.repository}@${digest}`;
    log.info(`pushed ${image.part}: ${reference}`);
    pushed.push({ ...image, digest, reference });
  }
  return pushed;
}

async function pushTags(
  docker: DockerClient,
  registry: Settings["registry"],
  image: LocalImage,
): Promise<string> {
  const auth = {
    username: registry.username,
    password: registry.password,
    serveraddress: registry.address,
  };
  let digest: string | undefined;
  for (const reference of image.tags) {
    const tag = reference.slice(image.repository.length + 1);
    try {
      const pushed = await docker.push(image.repository, tag, auth);
      digest = pushed.digest ?? digest;
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      throw pushError(reference, error);
    }
  }
  // Older engines omit the digest from the push stream; the image knows it.
  const first = image.tags[0] as string;
  digest ??= await docker.repoDigest(first, image.repository);
  if (!digest) {
    throw new FlowpushError(
      "PUSH_FAILED",
      `the registry reported no digest for ${first}`,
    );
  }
  return digest;
}

function pushError(reference: string, error: EngineError): FlowpushError {
  const refused = /unauthorized|authentication required|denied/i.test(
    error.message,
  );
  return new FlowpushError(
    refused ? "REGISTRY_AUTH" : "PUSH_FAILED",
    `pushing ${reference} failed: ${error.message}`,
    {
      hint: refused
        ? "check FLOWPUSH_REGISTRY_USERNAME and FLOWPUSH_REGISTRY_PASSWORD"
        : "check the registry's logs",
      cause: error,
    },
  );
}
