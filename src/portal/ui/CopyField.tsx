import { useState } from 'preact/hooks';

/** A read-only value with a Copy button; without a clipboard (plain http, refused) it is selected for Ctrl+C. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState<string>();
  async function copy(input: HTMLInputElement | null) {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied.');
    } catch {
      input?.select();
      setCopied('Selected: copy it with Ctrl+C (or long-press on a phone).');
    }
  }
  return (
    <>
      <div role="group">
        <input readOnly aria-label={label} value={value} data-testid={testId} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={(e) => copy(e.currentTarget.previousElementSibling as HTMLInputElement | null)}>Copy</button>
      </div>
      {copied && <p><small>{copied}</small></p>}
    </>
  );
}
