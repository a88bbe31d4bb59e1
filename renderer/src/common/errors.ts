import { ApiError } from '../../../electron/api';

/** One readable sentence for the user: what failed and, from the server's message, what next. */
export function friendly(err: unknown, what: string): string {
  if (err instanceof ApiError) return `${what}: ${err.message}`;
  if (err instanceof Error) return `${what}: ${err.message}`;
  return `${what}.`;
}
