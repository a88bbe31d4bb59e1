import type { z } from 'zod';
import { ApiError, requestSchema, type ApiResponse } from './contract';
import { methods, type MethodName, type Methods, type Result } from './index';

/** What the services implement: one async function per method, given validated params. */
export type Handlers = {
  [M in MethodName]: (params: z.output<Methods[M]['params']>) => Promise<Result<M>>;
};

export type Dispatcher = (raw: unknown) => Promise<ApiResponse>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`)
    .join('; ');
}

/**
 * Validates a request against the contract, runs its handler and validates the result, so
 * both transports share one boundary. Never throws: failures become `{ error }`.
 */
export function createDispatcher(handlers: Handlers, log: (msg: string) => void = () => {}): Dispatcher {
  const table = methods as Record<string, { params: z.ZodType; result: z.ZodType }>;
  const run = handlers as unknown as Record<string, (p: unknown) => Promise<unknown>>;
  return async (raw) => {
    const envelope = requestSchema.safeParse(raw);
    if (!envelope.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      return { id, error: { code: 'bad_request', message: 'Malformed request envelope.' } };
    }
    const { id, method, params } = envelope.data;
    const spec = Object.hasOwn(table, method) ? table[method] : undefined;
    if (!spec) return { id, error: { code: 'bad_request', message: `Unknown method '${method}'.` } };
    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      return {
        id,
        error: {
          code: 'bad_request',
          message: `Invalid parameters for ${method}: ${describeIssues(parsed.error)}`,
        },
      };
    }
    try {
      const result = await run[method](parsed.data);
      const checked = spec.result.safeParse(result);
      if (!checked.success) {
        log(`${method} produced a result outside the contract: ${describeIssues(checked.error)}`);
        return {
          id,
          error: { code: 'internal', message: `${method} produced an invalid result; see the log.` },
        };
      }
      return { id, result: checked.data };
    } catch (err) {
      if (err instanceof ApiError) return { id, error: { code: err.code, message: err.message } };
      log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return {
        id,
        error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
      };
    }
  };
}
