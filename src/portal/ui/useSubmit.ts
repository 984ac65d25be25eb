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
      if (err instanceof ApiFailure) setFields(err.fields);
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, fields, error, run, setError };
}
