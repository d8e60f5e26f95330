import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * The server's logger: pino JSON lines, one per event, each request's lines carrying its reqId.
 * ID-card numbers never reach a log in clear: every string logged (message, fields, error
 * message and stack, request URL) has each 18-character ID number masked to its first six and
 * last four characters, as maskCertno does (DESIGN §4).
 */

/** An 18-character ID number standing alone (not inside a longer run of digits or letters). */
const CERTNO = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;

/** A text with every ID number in it masked. */
export function maskIdNumbers(text: string): string {
  return text.replace(CERTNO, '$1********$2');
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype || Array.isArray(value);
}

/** A log value with every string in it masked; class instances other than errors pass as they are (their serializers mask). */
export function maskLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskIdNumbers(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return maskLogValue({ ...stdSerializers.err(value) }, depth + 1);
  if (!isPlain(value)) return value;
  if (Array.isArray(value)) return value.map((v) => maskLogValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLogValue(v, depth + 1)]));
}

interface RequestLike {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string; remotePort?: number };
}

export interface LogOptions {
  level: string;
  /** Where lines go (standard output when absent): tests pass a stream to read them. */
  stream?: DestinationStream;
}

/** The pino logger of the server, masking ID numbers. */
export function createLogger(options: LogOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: undefined,
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => maskLogValue(a)) as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (e: Error) => maskLogValue(e),
      req: (r: RequestLike) => ({
        method: r.method,
        url: maskIdNumbers(r.url ?? ''),
        institution: r.headers?.['x-tc-institution'],
        remoteAddress: r.socket?.remoteAddress,
      }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
    },
  };
  return options.stream ? pino(config, options.stream) : pino(config);
}
