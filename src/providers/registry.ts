/**
 * The provider registry (docs/architecture.md §"Providers"): the one table of everything
 * utilscope knows about a model-spec prefix — which wire it speaks, where it lives, which key it
 * takes, whether it bills anyone, whether it honours `n`, and how its price is found. Model-spec
 * parsing (model-spec.ts), the provider factory (create-provider.ts) and pricing (pricing.ts) all
 * read this table and keep no list of prefixes of their own. Pure.
 */

/** The wire protocol a spec resolves to. */
export type ProviderKind = 'openai' | 'anthropic' | 'sim' | 'llama';

/** How requests can reach a provider: one HTTP call per request, or a vendor's asynchronous batch API. */
export type ProviderTransport = 'interactive' | 'batch';

/** Where a provider's built-in price comes from: the list-price table, nowhere (it is free), or nowhere (unknown). */
export type PriceSource = 'table' | 'free' | 'unknown';

/**
 * One accepted model-spec prefix. Every field is plain data:
 *
 * - `prefix`: what the user writes before the first colon (`ollama` in `ollama:qwen2.5:7b`), lower case.
 * - `kind`: the wire protocol — `openai` (chat completions via the `openai` SDK, also for every
 *   OpenAI-compatible server), `anthropic` (Messages API), `sim` (the in-process simulated
 *   respondent), `llama` (in-process GGUF, not supported yet).
 * - `label`: a human name for messages and listings.
 * - `keyEnv`: the environment variable the API key is read from, if the provider takes one.
 * - `keyRequired`: whether a missing key is an error (hosted APIs) or fine (local servers accept any
 *   key). A loopback base URL never needs one ({@link needsApiKey}).
 * - `defaultBaseUrl`: where the server lives when neither `--base-url` nor `baseUrlEnv` says otherwise;
 *   absent means the SDK's own default (api.openai.com, api.anthropic.com) or no network at all.
 * - `baseUrlEnv`: the environment variable that overrides `defaultBaseUrl` (OPENAI_BASE_URL for
 *   `openai:`, ANTHROPIC_BASE_URL for `anthropic:`); the aliases ignore those variables, which belong
 *   to the vendors' own prefixes.
 * - `local`: the model runs on this machine (or is simulated) and bills nobody, so its price is
 *   `FREE_PRICE` (pricing.ts).
 * - `honoursN`: one call can return several samples (OpenAI's `n`). Servers that ignore or reject `n`
 *   (Ollama ignores it, llama.cpp's server rejects n > 1, OpenRouter passes it on only to some
 *   upstreams) and APIs without it (Anthropic) are asked one sample per request.
 * - `transports`: how requests can be sent; `batch` only for `openai` and `anthropic`, whose Batch /
 *   Message Batches APIs take a file of requests and answer within hours at a discount.
 * - `priced`: where the built-in price comes from — `table` (PRICE_TABLE by model name, pricing.ts),
 *   `free` (exactly the `local` entries), `unknown` (no built-in price; `--prices` supplies one).
 */
export interface ProviderEntry {
  readonly prefix: string;
  readonly kind: ProviderKind;
  readonly label: string;
  readonly keyEnv?: string;
  readonly keyRequired: boolean;
  readonly defaultBaseUrl?: string;
  readonly baseUrlEnv?: string;
  readonly local: boolean;
  readonly honoursN: boolean;
  readonly transports: readonly ProviderTransport[];
  readonly priced: PriceSource;
}

const INTERACTIVE: readonly ProviderTransport[] = Object.freeze(['interactive']);
const INTERACTIVE_AND_BATCH: readonly ProviderTransport[] = Object.freeze(['interactive', 'batch']);

/**
 * The entries in the order error messages list them. Together hosts open models the built-in price
 * table does not hold, so its price is unknown rather than guessed from a name.
 */
const ENTRIES: readonly ProviderEntry[] = [
  {
    prefix: 'openai',
    kind: 'openai',
    label: 'OpenAI',
    keyEnv: 'OPENAI_API_KEY',
    keyRequired: true,
    baseUrlEnv: 'OPENAI_BASE_URL',
    local: false,
    honoursN: true,
    transports: INTERACTIVE_AND_BATCH,
    priced: 'table',
  },
  {
    prefix: 'vllm',
    kind: 'openai',
    label: 'vLLM server',
    keyEnv: 'OPENAI_API_KEY',
    keyRequired: false,
    defaultBaseUrl: 'http://localhost:8000/v1',
    local: true,
    honoursN: true,
    transports: INTERACTIVE,
    priced: 'free',
  },
  {
    prefix: 'ollama',
    kind: 'openai',
    label: 'Ollama',
    keyEnv: 'OPENAI_API_KEY',
    keyRequired: false,
    defaultBaseUrl: 'http://localhost:11434/v1',
    local: true,
    honoursN: false,
    transports: INTERACTIVE,
    priced: 'free',
  },
  {
    prefix: 'llamacpp',
    kind: 'openai',
    label: 'llama.cpp server',
    keyEnv: 'OPENAI_API_KEY',
    keyRequired: false,
    defaultBaseUrl: 'http://localhost:8080/v1',
    local: true,
    honoursN: false,
    transports: INTERACTIVE,
    priced: 'free',
  },
  {
    prefix: 'openrouter',
    kind: 'openai',
    label: 'OpenRouter',
    keyEnv: 'OPENROUTER_API_KEY',
    keyRequired: true,
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    local: false,
    honoursN: false,
    transports: INTERACTIVE,
    priced: 'table',
  },
  {
    prefix: 'together',
    kind: 'openai',
    label: 'Together AI',
    keyEnv: 'TOGETHER_API_KEY',
    keyRequired: true,
    defaultBaseUrl: 'https://api.together.xyz/v1',
    local: false,
    honoursN: true,
    transports: INTERACTIVE,
    priced: 'unknown',
  },
  {
    prefix: 'anthropic',
    kind: 'anthropic',
    label: 'Anthropic',
    keyEnv: 'ANTHROPIC_API_KEY',
    keyRequired: true,
    baseUrlEnv: 'ANTHROPIC_BASE_URL',
    local: false,
    honoursN: false,
    transports: INTERACTIVE_AND_BATCH,
    priced: 'table',
  },
  { prefix: 'sim', kind: 'sim', label: 'simulated respondent', keyRequired: false, local: true, honoursN: true, transports: INTERACTIVE, priced: 'free' },
  { prefix: 'llama', kind: 'llama', label: 'in-process GGUF (node-llama-cpp)', keyRequired: false, local: true, honoursN: false, transports: INTERACTIVE, priced: 'free' },
];

/** Every accepted prefix → its entry, keyed by the entry's own `prefix` (so the two cannot disagree). Frozen. */
export const PROVIDERS: Readonly<Record<string, ProviderEntry>> = Object.freeze(Object.fromEntries(ENTRIES.map((e) => [e.prefix, Object.freeze(e)])));

/** The accepted prefixes in table order. */
export const PROVIDER_PREFIXES: readonly string[] = Object.freeze(Object.keys(PROVIDERS));

/** The entry for `prefix` (case-insensitive), or undefined; only the table's own keys count (not `constructor`). */
export function providerFor(prefix: string): ProviderEntry | undefined {
  const key = prefix.toLowerCase();
  return Object.hasOwn(PROVIDERS, key) ? PROVIDERS[key] : undefined;
}

/** True for a base URL on this machine (localhost, 127.0.0.0/8, ::1): such a server bills nobody and needs no key. */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** Whether requests to `provider` at `baseURL` bill nobody: a local entry, or any server on a loopback address. */
export function billsNobody(provider: Pick<ProviderEntry, 'local'> | undefined, baseURL: string | undefined): boolean {
  return provider?.local === true || isLoopbackUrl(baseURL);
}

/** Whether a missing key is an error for `provider` at `baseURL`: a required key, unless the server is on this machine. */
export function needsApiKey(provider: Pick<ProviderEntry, 'keyRequired'>, baseURL: string | undefined): boolean {
  return provider.keyRequired && !isLoopbackUrl(baseURL);
}

/**
 * The base URL for `provider`: `flag` (--base-url), else the entry's `baseUrlEnv` variable when set
 * and non-empty, else its `defaultBaseUrl`; undefined means the SDK's default.
 */
export function resolveBaseUrl(provider: Pick<ProviderEntry, 'baseUrlEnv' | 'defaultBaseUrl'>, flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const fromEnv = provider.baseUrlEnv !== undefined ? env[provider.baseUrlEnv] || undefined : undefined;
  return flag ?? fromEnv ?? provider.defaultBaseUrl;
}
