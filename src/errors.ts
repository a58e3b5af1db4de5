/**
 * Every failure a user can act on is a FlowpushError: a stable code, a
 * one-line message that names the offending value, and a hint with the fix.
 * Entry points catch it once and map it to their platform; anything else is
 * a bug in flowpush and is shown with its stack.
 */
export type ErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_SYNTAX"
  | "CONFIG_INVALID"
  | "SETTING_MISSING"
  | "GIT_FAILED"
  | "HOOK_EXISTS"
  | "DIRECTIVE_INVALID"
  | "GRID_INVALID"
  | "PART_UNKNOWN"
  | "FLOW_UNKNOWN"
  | "GRID_TOO_LARGE"
  | "POLICY_REFUSED"
  | "DOCKER_UNREACHABLE"
  | "BUILD_FAILED"
  | "FLOW_IMPORT_FAILED"
  | "PUSH_FAILED"
  | "REGISTRY_UNREACHABLE"
  | "REGISTRY_AUTH"
  | "PREFECT_UNREACHABLE"
  | "PREFECT_AUTH"
  | "PREFECT_REQUEST"
  | "WORK_POOL_MISSING"
  | "RUN_TIMEOUT"
  | "RUN_NOT_FOUND"
  | "MLFLOW_UNREACHABLE"
  | "MLFLOW_AUTH"
  | "MLFLOW_REQUEST";

export interface ErrorDetails {
  hint?: string;
  cause?: unknown;
  /** Where in a commit message the problem was written, for annotations. */
  position?: { commit: string; line: number; column: number };
}

export class FlowpushError extends Error {
  override readonly name = "FlowpushError";
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly position: ErrorDetails["position"];

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    this.position = details.position;
  }
}

export function isFlowpushError(error: unknown): error is FlowpushError {
  return error instanceof FlowpushError;
}

/** The text a user sees for an error: message, hint, and the cause chain. */
export function describeError(error: unknown, withStack = false): string {
  if (!isFlowpushError(error)) {
    const text =
      error instanceof Error ? (error.stack ?? error.message) : String(error);
    return `unexpected failure (a bug in flowpush): ${text}`;
  }
  const lines = [`${error.message} [${error.code}]`];
  if (error.hint) lines.push(`hint: ${error.hint}`);
  for (let cause = error.cause; cause;) {
    if (!(cause instanceof Error)) {
      lines.push(`cause: ${String(cause)}`);
      break;
    }
    lines.push(`cause: ${cause.message}`);
    cause = cause.cause;
  }
  if (withStack && error.stack) lines.push(error.stack);
  return lines.join("\n");
}
