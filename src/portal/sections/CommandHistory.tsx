import type { AuditEntry } from '../../store/audit.js';
import { When } from '../ui/Notice.js';

const text = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));

/** Commands sent to one charger, newest first: who, when, what, and the charger's answer (from the audit log). */
export function CommandHistory({ items }: { items: AuditEntry[] }) {
  if (items.length === 0) return <p>No command sent yet.</p>;
  return (
    <div class="table-wrap">
      <table data-testid="command-history">
        <thead><tr><th>When</th><th>Who</th><th>Command</th><th>Request</th><th>Answer</th></tr></thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td><When at={a.at} /></td>
              <td>{a.actor.label}</td>
              <td>{String(a.changes.command?.to ?? '')}</td>
              <td><code>{text(a.changes.request?.to)}</code></td>
              <td><code>{text(a.changes.answer?.to)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
