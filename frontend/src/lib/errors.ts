// Errors from the Go API arrive as a rejected promise whose value is the JSON of
// app.Error ({code, message, fields}); sometimes wrapped in an Error, sometimes a
// plain string from Wails itself. ApiError is the one shape the UI handles.

export class ApiError extends Error {
  readonly code: string;
  readonly fields: Record<string, string>;

  constructor(code: string, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.fields = fields;
  }
}

const fallback = 'Die Aktion ist fehlgeschlagen. Bitte versuchen Sie es erneut.';

function fromObject(o: unknown): ApiError | null {
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  if (typeof r.message !== 'string' || (typeof r.code !== 'string' && r.fields === undefined)) {
    return null;
  }
  const fields: Record<string, string> = {};
  if (typeof r.fields === 'object' && r.fields !== null) {
    for (const [k, v] of Object.entries(r.fields as Record<string, unknown>)) {
      if (typeof v === 'string') fields[k] = v;
    }
  }
  return new ApiError(typeof r.code === 'string' ? r.code : 'UNKNOWN', r.message || fallback, fields);
}

function fromString(s: string): ApiError {
  const t = s.trim();
  if (t.startsWith('{')) {
    try {
      const parsed = fromObject(JSON.parse(t));
      if (parsed) return parsed;
    } catch {
      // not JSON after all: show the text below
    }
  }
  return new ApiError('UNKNOWN', t || fallback);
}

/** parseError turns whatever a rejected API call carried into an ApiError. */
export function parseError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (typeof e === 'string') return fromString(e);
  if (e instanceof Error) return fromString(e.message);
  return fromObject(e) ?? new ApiError('UNKNOWN', fallback);
}
