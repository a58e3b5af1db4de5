import { FlowpushError } from "../../src/errors.js";

/** The FlowpushError `fn` throws; any other outcome fails the test. */
export function captureFlowpushError(fn: () => unknown): FlowpushError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlowpushError) return error;
    throw error;
  }
  throw new Error("expected a FlowpushError, but nothing was thrown");
}
