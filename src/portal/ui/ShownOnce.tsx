import { CopyField } from './CopyField.js';

/**
 * A secret the gateway never shows again (an API token, a signing secret): shown this once, with a copy button. It lives in
 * this component's state and nowhere else, so "Done" (or leaving the page) forgets it.
 */
export function ShownOnce({ title, secret, onDone, kept = 'The gateway keeps only a hash of it.' }: { title: string; secret: string; onDone: () => void; kept?: string }) {
  return (
    <article data-testid="shown-once">
      <header><strong>{title}</strong></header>
      <p role="status" class="notice warn">Copy it now: you will not see it again. {kept}</p>
      <CopyField label={title} value={secret} testId="secret" />
      <button type="button" class="secondary" onClick={onDone}>Done, I have copied it</button>
    </article>
  );
}
