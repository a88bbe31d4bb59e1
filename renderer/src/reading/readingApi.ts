import { methods, readingStateSchema, type ReadingState } from '../../../electron/api/reading';
import { readingSettingsSchema, type ReadingSettings } from '../../../electron/reading/pure';

type ReadingMethod = keyof typeof methods;

/** The part of the API client the form uses; the reading methods are validated here on arrival. */
export interface CallingClient {
  call(method: never, params: never): Promise<unknown>;
}

type Call = (m: string, p: unknown) => Promise<unknown>;
const callOf = (api: CallingClient) => (api.call as unknown as Call).bind(api);

export async function readingCall(
  api: CallingClient,
  method: 'reading.updateSettings',
  params: Partial<ReadingSettings>,
): Promise<ReadingSettings>;
export async function readingCall(
  api: CallingClient,
  method: Exclude<
    ReadingMethod,
    'reading.audit' | 'reading.find' | 'reading.settings' | 'reading.updateSettings'
  >,
  params: Record<string, unknown>,
): Promise<ReadingState>;
export async function readingCall(
  api: CallingClient,
  method: ReadingMethod,
  params: Record<string, unknown>,
): Promise<ReadingState | ReadingSettings> {
  const result = await callOf(api)(method, params);
  return method === 'reading.updateSettings'
    ? readingSettingsSchema.parse(result)
    : readingStateSchema.parse(result);
}

/** Whether the study has a reading yet, and the reader's settings for starting one. */
export async function readingLookup(
  api: CallingClient,
  studyInstanceUid: string,
): Promise<{ existing: true } | { existing: false; settings: ReadingSettings }> {
  const call = callOf(api);
  const found = readingStateSchema.nullable().parse(await call('reading.find', { studyInstanceUid }));
  if (found) return { existing: true };
  return { existing: false, settings: readingSettingsSchema.parse(await call('reading.settings', {})) };
}

export type { ReadingState };
