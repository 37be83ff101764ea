/**
 * The console's session and its calls to the gateway API (same origin). The access token lives in
 * sessionStorage only, so it ends with the tab; the role shown comes from the token's `role` claim, while
 * the API itself decides what each token may read.
 */
/** Who is logged in: a regulator, an enterprise, or a console account of an opening body (or the bureau). */
export type Role = 'regulator' | 'enterprise' | 'body';

export interface Session {
  token: string;
  role: Role;
  sub: string;
  /** A body's session: the body (MSP id) whose console account it is. */
  org?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const KEY = 'rdx.console.session';

/** The current session, unless there is none or its token has expired. */
export function session(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.token !== 'string' || s.exp * 1000 <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return undefined;
    }
    return s;
  } catch {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * Logging out: the browser forgets the token, and the gateway ends it (RFC 7009), so a copy taken from the tab
 * (a shared machine, a screen share) opens nothing afterwards. Forgotten here whatever the gateway answers.
 */
export async function endSession(): Promise<void> {
  const s = session();
  clearSession();
  if (!s) return;
  await fetch('/oauth/revoke', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: s.token }).toString(),
  }).catch(() => undefined);
}

function claimsOf(token: string): { sub?: unknown; role?: unknown; org?: unknown; exp?: unknown } {
  const payload = token.split('.')[1] ?? '';
  const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as {
    sub?: unknown;
    role?: unknown;
    org?: unknown;
    exp?: unknown;
  };
}

/** A problem answer (RFC 9457) from the gateway. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
}

/** Calls the API, with the session's token unless `auth` is false; problems throw ApiError. */
export async function api<T>(
  path: string,
  opts: {
    auth?: boolean;
    method?: string;
    form?: Record<string, string>;
    json?: unknown;
    /** A file sent as it is. */
    file?: { type: string; bytes: ArrayBuffer };
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const s = opts.auth === false ? undefined : session();
  if (opts.auth !== false && !s) throw new ApiError(401, 'TOKEN_MISSING', 'not logged in');
  if (s) headers.authorization = `Bearer ${s.token}`;
  let body: string | ArrayBuffer | undefined;
  if (opts.file) {
    headers['content-type'] = opts.file.type;
    body = opts.file.bytes;
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(path, {
    method: opts.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    // A problem (RFC 9457), or the token endpoint's RFC 6749 error with our code beside it.
    const p = (parsed ?? {}) as { code?: string; detail?: string; error_description?: string };
    if (res.status === 401 && s) clearSession();
    throw new ApiError(
      res.status,
      p.code ?? 'HTTP_ERROR',
      p.detail ?? p.error_description ?? (text.slice(0, 200) || res.statusText),
    );
  }
  return { status: res.status, body: parsed as T };
}

/**
 * Downloads what `path` answers (e.g. a CSV) with the session's token as a file named `filename`: a plain link
 * cannot carry the Bearer token, so the bytes are fetched and handed to the browser as a blob.
 */
export async function download(path: string, filename: string): Promise<void> {
  const s = session();
  if (!s) throw new ApiError(401, 'TOKEN_MISSING', 'not logged in');
  const res = await fetch(path, {
    headers: { authorization: `Bearer ${s.token}` },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!res.ok)
    throw new ApiError(res.status, 'HTTP_ERROR', (await res.text()).slice(0, 200) || res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** OAuth2 client credentials at POST /oauth/token; keeps the token for this tab. */
export async function login(clientId: string, secret: string): Promise<Session> {
  const { body } = await api<{ access_token: string; expires_in: number }>('/oauth/token', {
    auth: false,
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
  });
  const claims = claimsOf(body.access_token);
  const s: Session = {
    token: body.access_token,
    role: claims.role === 'regulator' || claims.role === 'body' ? claims.role : 'enterprise',
    sub: typeof claims.sub === 'string' ? claims.sub : clientId,
    ...(typeof claims.org === 'string' ? { org: claims.org } : {}),
    exp: typeof claims.exp === 'number' ? claims.exp : Math.floor(Date.now() / 1000) + body.expires_in,
  };
  // Logging in over a session in this tab ends that one at the gateway: replaced silently, its token would stay
  // good for its 15 minutes after the logout that follows, which ends only the new one.
  await endSession();
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}
