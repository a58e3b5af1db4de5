import type { Logger } from "../log.js";

/**
 * fetch with the retry policy every flowpush client shares: a bounded number
 * of attempts for connection failures and for the statuses servers use to
 * say "later" (429, 502, 503, 504), honouring Retry-After up to a cap.
 * Anything else is returned for the caller to interpret.
 */
export interface RetryPolicy {
  attempts: number;
  /** Delay before the second attempt; doubles after each failure. */
  initialDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  timeoutMs: 30_000,
};

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export class UnreachableError extends Error {}

export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  log: Logger,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<Response> {
  let delay = policy.initialDelayMs;
  let lastError: unknown;

  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    const method = init.method ?? "GET";
    try {
      const response = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      log.debug(`${method} ${url} -> ${response.status}`);
      if (!RETRY_STATUSES.has(response.status) || attempt === policy.attempts)
        return response;
      delay = retryAfterMs(response) ?? delay;
      await response.body?.cancel();
    } catch (error) {
      lastError = error;
      log.debug(
        `${method} ${url} failed (attempt ${attempt}/${policy.attempts}): ${describe(error)}`,
      );
    }
    if (attempt < policy.attempts) {
      await sleep(Math.min(delay, policy.maxDelayMs));
      delay *= 2;
    }
  }
  throw new UnreachableError(
    `${describe(lastError)} after ${policy.attempts} attempts`,
    { cause: lastError },
  );
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
