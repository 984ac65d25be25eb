import { useEffect, useState } from 'preact/hooks';
import type { LocalListView } from '../../api/routes/localLists.js';
import { api } from '../api.js';
import { ErrorNotice, When } from '../ui/Notice.js';
import { useSubmit } from '../ui/useSubmit.js';

/** Each state in the site owner's words, and its badge. */
const STATES: Record<LocalListView['state'], { words: string; badge: string }> = {
  in_sync: { words: 'in sync', badge: 'ok' },
  syncing: { words: 'being sent', badge: 'warn' },
  not_supported: { words: 'not supported by this charger', badge: 'bad' },
  failed: { words: 'failed', badge: 'bad' },
  off: { words: 'off', badge: '' },
};

/** The card list the gateway keeps on the charger (OCPP Local Authorization List): what it holds, what the charger last said, and a way to send it whole again. */
export function ChargerLocalList({ list: loaded }: { list: LocalListView }) {
  const [list, setList] = useState(loaded);
  useEffect(() => setList(loaded), [loaded]);
  const resend = useSubmit();
  if (list.mode === 'off' && list.state === 'off') return null;
  const { words, badge } = STATES[list.state];
  const cards = list.entries.length === 1 ? '1 card' : `${list.entries.length} cards`;
  const sendAgain = async () => {
    const sent = await resend.run(() => api<LocalListView>('POST', `/api/chargers/${encodeURIComponent(list.chargerId)}/local-list/sync`));
    if (sent) setList(sent);
  };
  return (
    <>
      <p data-testid="local-list" data-state={list.state}>
        Card list on the charger: <span class={`badge ${badge}`}>{words}</span>
        {list.version > 0 && <> · version {list.version}, {cards}</>}
        {list.maxLength !== null && <> (holds up to {list.maxLength})</>}
        {(list.state === 'failed' || list.state === 'not_supported') && list.answer && <> · the charger answered: {list.answer}</>}
        {list.syncedAt && <> · sent <When at={list.syncedAt} /></>}
      </p>
      {list.mode !== 'off' && (
        <p>
          <button type="button" class="secondary" disabled={resend.busy} onClick={sendAgain}>Send the card list again</button>
        </p>
      )}
      <ErrorNotice error={resend.error} />
    </>
  );
}
