import { useState } from 'preact/hooks';

interface Props {
  /** The button as first shown, e.g. "Delete". */
  label: string;
  /** What will happen, asked before it does. */
  question: string;
  /** The button that does it, e.g. "Yes, delete". */
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void | Promise<unknown>;
}

/**
 * A destructive button that asks once more in place: on a phone a misplaced tap is easy,
 * and a dialog would cover the row the question is about.
 */
export function Confirm({ label, question, confirmLabel, busy, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return <button type="button" class="outline secondary" onClick={() => setAsking(true)}>{label}</button>;
  }
  return (
    <span class="actions" data-testid="confirm">
      <span>{question}</span>
      <button
        type="button"
        class="secondary"
        aria-busy={busy}
        onClick={async () => {
          await onConfirm();
          setAsking(false);
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" class="outline" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
