// The local stack's own log lines (not the handlers' Powertools logs). Quiet mode keeps test output clean but never
// hides errors.

export interface LocalLog {
  info(message: string): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export function createLocalLog(quiet = false): LocalLog {
  const prefix = '[local]';
  return {
    info: (message) => {
      if (!quiet) console.log(`${prefix} ${message}`);
    },
    warn: (message, detail) => {
      if (!quiet) console.warn(`${prefix} ${message}`, ...(detail === undefined ? [] : [describe(detail)]));
    },
    error: (message, detail) => console.error(`${prefix} ${message}`, ...(detail === undefined ? [] : [describe(detail)])),
  };
}

function describe(detail: unknown): unknown {
  return detail instanceof Error ? `${detail.name}: ${detail.message}` : detail;
}
