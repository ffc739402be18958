/**
 * Base URLs that carry secrets (docs/architecture.md §"Providers", CONTRIBUTING.md rule 8): some
 * gateways take the key in the query string (`https://host/v1?api-key=…`) or as userinfo
 * (`https://user:key@host/v1`). Such a URL is used whole for this session's requests and never
 * stored: run.json, messages and reports get its public part only (scheme, host, port and path).
 * Its secrets feed the redactor (redact.ts). Pure.
 */
import { UtilscopeError } from '../core/errors.js';

/** A base URL split the way both SDKs can send it: their fetch rejects userinfo and mangles a query in the base. */
export interface SplitBaseUrl {
  /** Scheme, host, port and path: what may be stored and shown. */
  readonly publicUrl: string;
  /** The query parameters, sent on every request (the SDKs' `defaultQuery`). */
  readonly query?: Readonly<Record<string, string>>;
  /** `Basic …` from the userinfo, sent as the Authorization header (what curl does with `user:pass@`). */
  readonly authorization?: string;
  /** Userinfo and query values, for the redactor. */
  readonly secrets: readonly string[];
}

function parse(url: string): URL {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed;
  } catch {
    // fall through: the URL itself is not echoed, it may hold a key
  }
  throw new UtilscopeError('invalid-option', '--base-url must be an absolute http:// or https:// URL', { field: '--base-url' });
}

/** Decodes a percent-encoded URL part, or keeps it as written when it is not valid encoding. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Splits `url` into its public part, its query parameters, the Authorization header its userinfo
 * stands for, and its secrets (userinfo and query values, both as written and decoded). A fragment
 * is dropped. Throws `invalid-option` (naming --base-url, never the URL) when it is not an absolute
 * http(s) URL.
 */
export function splitBaseUrl(url: string): SplitBaseUrl {
  const parsed = parse(url);
  const secrets: string[] = [];
  let authorization: string | undefined;
  if (parsed.username !== '' || parsed.password !== '') {
    const user = decoded(parsed.username);
    const password = decoded(parsed.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    // A key alone is often given as the user name; with a password, the name is usually not secret.
    secrets.push(parsed.password, password, ...(password === '' ? [parsed.username, user] : []));
    secrets.push(authorization.slice('Basic '.length));
  }
  const query = parsed.search !== '' ? Object.fromEntries(parsed.searchParams) : undefined;
  for (const [, value] of parsed.searchParams) secrets.push(value, encodeURIComponent(value));
  // `http://host:8000` stays without the slash URL adds; any other path is kept as parsed.
  const path = parsed.pathname === '/' && !(url.split(/[?#]/)[0] ?? '').endsWith('/') ? '' : parsed.pathname;
  const publicUrl = `${parsed.protocol}//${parsed.host}${path}`;
  return {
    publicUrl,
    ...(query !== undefined ? { query } : {}),
    ...(authorization !== undefined ? { authorization } : {}),
    secrets: [...new Set(secrets.filter((s) => s !== ''))],
  };
}

/** The part of a base URL that may be stored and shown: no userinfo, query or fragment (see {@link splitBaseUrl}). */
export function publicBaseUrl(url: string): string {
  return splitBaseUrl(url).publicUrl;
}

/** Whether `url` carries anything {@link publicBaseUrl} drops: userinfo, a query or a fragment. */
export function baseUrlCarriesSecrets(url: string): boolean {
  const parsed = parse(url);
  return parsed.username !== '' || parsed.password !== '' || /[?#]/.test(url);
}
