import { useState } from 'preact/hooks';
import { ApiFailure, type FieldErrors } from '../api.js';

/**
 * One form submission at a time: the API's field messages land in `fields`, anything
 * else in `error`. `run` resolves to the action's result, or undefined when it failed.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(undefined);
  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setFields({});
    setError(undefined);
    try {
      return await action();
    } catch (err) {
      // One message per problem: a failure the API pinned on fields is shown under them, not again above.
      const onFields = err instanceof ApiFailure && Object.keys(err.fields).length > 0;
      if (onFields) setFields(err.fields);
      else setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, fields, error, run, setError };
}
