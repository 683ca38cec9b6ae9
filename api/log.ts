// Structured one-line JSON logs. Callers pass only non-personal fields: ids, codes, counts, timings; never names,
// mobiles, emails, Aadhaar, addresses, passwords or query parameters (DESIGN §7).
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

const rank: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(min: Level | 'silent', write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const at = (level: Level) => (event: string, fields: Fields = {}) => {
    if (rank[level] < rank[min]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
