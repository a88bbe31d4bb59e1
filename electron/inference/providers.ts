/** ONNX Runtime execution providers this app knows how to ask for. */
export const PROVIDERS = ['cuda', 'dml', 'coreml', 'cpu'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** Which providers can exist on a platform at all (onnxruntime-node silently drops the others). */
const PLATFORM_PROVIDERS: Record<string, ProviderName[]> = {
  linux: ['cuda', 'cpu'],
  win32: ['cuda', 'dml', 'cpu'],
  darwin: ['coreml', 'cpu'],
};

/** GPU first, CPU last: cuda -> dml -> coreml -> cpu, keeping those the platform has. */
export function defaultProviderOrder(platform: string = process.platform): ProviderName[] {
  return PLATFORM_PROVIDERS[platform] ?? ['cpu'];
}

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDERS as readonly string[]).includes(name);
}

export function supportedOn(provider: ProviderName, platform: string = process.platform): boolean {
  return (PLATFORM_PROVIDERS[platform] ?? ['cpu']).includes(provider);
}

/** Parses "cuda,cpu" from settings or the CLI; unknown names are a user error. */
export function parseProviderList(text: string): ProviderName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const n of names) {
    if (!isProviderName(n))
      throw new Error(`unknown execution provider '${n}' (known: ${PROVIDERS.join(', ')})`);
  }
  if (names.length === 0) throw new Error('empty execution provider list');
  return names as ProviderName[];
}

/** Thrown when no provider in the requested order could create the sessions. */
export class ProviderUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: { provider: ProviderName; error: string }[],
  ) {
    super(message);
  }
}
