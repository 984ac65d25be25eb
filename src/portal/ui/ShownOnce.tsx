import { useState } from 'preact/hooks';

/**
 * A secret the gateway keeps only as a hash: shown this once, with a copy button. It lives in
 * this component's state and nowhere else, so "Done" (or leaving the page) forgets it.
 */
export function ShownOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string>();
  async function copy(input: HTMLInputElement | null) {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied.');
    } catch {
      // No clipboard (plain http to a non-local host, or permission refused): select it for Ctrl+C.
      input?.select();
      setCopied('Selected: copy it with Ctrl+C (or long-press on a phone).');
    }
  }
  return (
    <article data-testid="shown-once">
      <header><strong>{title}</strong></header>
      <p role="status" class="notice warn">Copy it now: you will not see it again. The gateway keeps only a hash of it.</p>
      <div role="group">
        <input readOnly aria-label={title} value={secret} data-testid="secret" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={(e) => copy(e.currentTarget.previousElementSibling as HTMLInputElement | null)}>Copy</button>
      </div>
      {copied && <p><small>{copied}</small></p>}
      <button type="button" class="secondary" onClick={onDone}>Done, I have copied it</button>
    </article>
  );
}
