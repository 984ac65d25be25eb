import type { ComponentChildren } from 'preact';

/** An error the form could not pin on a field (or any failure of a load). */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  // The API's message is written for people; its code is for programs and stays out of sight.
  const text = error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" class="notice error">
      {text}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p role="status" class="notice">
      {children}
    </p>
  );
}

export function Loading() {
  return <p aria-busy="true">Loading…</p>;
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}
