import type { Subscription } from '../../store/subscriptions.js';

const STATE_BADGE: Record<string, string> = { active: 'ok', queued: 'warn', unverified: 'warn', disabled: 'bad' };

export function StateBadge({ s }: { s: Subscription }) {
  return <span class={`badge ${STATE_BADGE[s.state] ?? ''}`} title={s.stateReason ?? undefined} data-testid="subscription-state">{s.enabled ? s.state : 'off'}</span>;
}
