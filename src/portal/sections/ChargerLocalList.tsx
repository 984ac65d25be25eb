import type { LocalListView } from '../../api/routes/localLists.js';
import { When } from '../ui/Notice.js';

/** Each state in the site owner's words, and its badge. */
const STATES: Record<LocalListView['state'], { words: string; badge: string }> = {
  in_sync: { words: 'in sync', badge: 'ok' },
  syncing: { words: 'being sent', badge: 'warn' },
  not_supported: { words: 'not supported by this charger', badge: 'bad' },
  failed: { words: 'failed', badge: 'bad' },
  off: { words: 'off', badge: '' },
};

/** The card list the gateway keeps on the charger (OCPP Local Authorization List): what it holds and what the charger last said. */
export function ChargerLocalList({ list }: { list: LocalListView }) {
  if (list.mode === 'off' && list.state === 'off') return null;
  const { words, badge } = STATES[list.state];
  const cards = list.entries.length === 1 ? '1 card' : `${list.entries.length} cards`;
  return (
    <p data-testid="local-list" data-state={list.state}>
      Card list on the charger: <span class={`badge ${badge}`}>{words}</span>
      {list.version > 0 && <> · version {list.version}, {cards}</>}
      {list.maxLength !== null && <> (holds up to {list.maxLength})</>}
      {(list.state === 'failed' || list.state === 'not_supported') && list.answer && <> · the charger answered: {list.answer}</>}
      {list.syncedAt && <> · sent <When at={list.syncedAt} /></>}
    </p>
  );
}
