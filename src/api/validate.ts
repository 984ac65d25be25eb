import type { z } from 'zod';
import { ApiError, type FieldError } from './errors.js';

/** Where the input came from; only used to word the message and name a whole-body error. */
export type InputSource = 'body' | 'query' | 'path';

/** zod's default for a missing value reads "expected string, received undefined"; site owners read this instead. */
const missingAsRequired = (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined);

/**
 * One FieldError per offending field. Unknown keys arrive as a single zod issue on the parent
 * object, so they are split out: the client must learn which field to drop.
 */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], source: InputSource): FieldError[] {
  const name = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : `(${source})`);
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: name([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: name(issue.path), message: issue.message }],
  );
}

/** Parses `input` or throws VALIDATION_FAILED whose details name every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, source: InputSource): z.output<S> {
  const result = schema.safeParse(input, { error: missingAsRequired });
  if (result.success) return result.data;
  const errors = toFieldErrors(result.error.issues, source);
  const summary = errors.map((e) => `${e.field} ${e.message}`).join('; ');
  throw new ApiError('VALIDATION_FAILED', `Invalid ${source}: ${summary}`, errors);
}

/** A JSON body; an absent one (no Content-Type, empty POST) is validated as `{}` so required fields are named. */
export const parseBody = <S extends z.ZodType>(schema: S, body: unknown) => parseInput(schema, body ?? {}, 'body');

export const parseQuery = <S extends z.ZodType>(schema: S, query: unknown) => parseInput(schema, query ?? {}, 'query');
