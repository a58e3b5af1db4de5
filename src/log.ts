/**
 * The logging interface the core writes to. Each platform shell gives its
 * own implementation; all of them pass text through `Secrets.mask`, so a
 * password that reaches a message never reaches the user's screen or logs.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export class Secrets {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Very short values would mask ordinary words and numbers everywhere.
    if (value && value.length >= 4) this.values.add(value);
  }

  mask(text: string): string {
    let masked = text;
    for (const value of this.values) masked = masked.split(value).join("***");
    return masked;
  }
}

export interface StreamLoggerOptions {
  verbose: boolean;
  secrets: Secrets;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Info to stdout, warnings, errors and debug output to stderr. */
export function createStreamLogger(options: StreamLoggerOptions): Logger {
  const { verbose, secrets, out, err } = options;
  return {
    debug: (message) => {
      if (verbose) err(secrets.mask(`debug: ${message}`));
    },
    info: (message) => out(secrets.mask(message)),
    warn: (message) => err(secrets.mask(`warning: ${message}`)),
    error: (message) => err(secrets.mask(`error: ${message}`)),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
