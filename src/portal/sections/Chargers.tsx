import { useState } from 'preact/hooks';
import type { Charger, Connector } from '../../store/chargers.js';
import type { OcppUrls } from '../../api/ocppUrls.js';
import { api, fieldError, itemsOf } from '../api.js';
import type { SectionProps } from '../views.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useLive, type LiveState } from '../ui/useLive.js';
import { useSubmit } from '../ui/useSubmit.js';
import { linkTo } from '../router.js';
import { ChargerCommands } from './ChargerCommands.js';
import { ChargerConnect } from './ChargerConnect.js';
import { ChargerDevice } from './ChargerDevice.js';
import { ChargerLocalList } from './ChargerLocalList.js';
import type { LocalListView } from '../../api/routes/localLists.js';

type ChargerDetail = Charger & { connectors: Connector[]; ocppUrls: OcppUrls; localList: LocalListView };

const LIVE_BADGE: Record<LiveState, string> = { connecting: 'warn', live: 'ok', reconnecting: 'warn', unavailable: 'bad' };

export function Chargers({ installation }: SectionProps) {
  const base = `/api/installations/${encodeURIComponent(installation.id)}`;
  const list = useLoad(async () => {
    const chargers = itemsOf<Charger>(await api('GET', `${base}/chargers`));
    return Promise.all(
      chargers.map(async (c) => {
        const path = `/api/chargers/${encodeURIComponent(c.id)}`;
        const [detail, localList] = await Promise.all([api<ChargerDetail>('GET', path), api<LocalListView>('GET', `${path}/local-list`)]);
        return { ...detail, localList };
      }),
    );
  }, [base]);
  const live = useLive(installation.id, () => void list.reload());

  return (
    <section>
      <p>
        <span class={`badge ${LIVE_BADGE[live]}`} data-testid="live-state">{live}</span> status updates
      </p>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>No charger registered.</p>}
      {list.data?.map((c) => <ChargerCard key={c.id} charger={c} onChanged={list.reload} />)}
      <RegisterCharger base={base} onAdded={list.reload} />
    </section>
  );
}

function ChargerCard({ charger, onChanged }: { charger: ChargerDetail; onChanged: () => Promise<void> }) {
  const { boot } = charger;
  return (
    <article data-testid={`charger-${charger.id}`} data-online={String(charger.online)}>
      <header>
        <strong>{charger.id}</strong>{' '}
        <span class={`badge ${charger.online ? 'ok' : 'bad'}`} data-testid="online">{charger.online ? 'online' : 'offline'}</span>
        {charger.ocppVersion && <span class="badge" data-testid="ocpp-version">OCPP {charger.ocppVersion}</span>}{' '}
        {charger.registration !== 'accepted' && <span class="badge warn" data-testid="registration">{charger.registration}: accept it on its page</span>}{' '}
        <a {...linkTo(`/chargers/${encodeURIComponent(charger.id)}`)} data-testid="operations-link">Operations</a>
      </header>
      <p>
        Last seen <When at={charger.lastSeen} />
        {boot.vendor && <> · {boot.vendor} {boot.model} {boot.firmwareVersion ? `(firmware ${boot.firmwareVersion})` : ''} · booted <When at={boot.bootedAt} /></>}
      </p>
      {charger.offlineConfig && <p>Offline setting: <OfflineSetting config={charger.offlineConfig} /></p>}
      <ChargerLocalList list={charger.localList} />
      {charger.connectors.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead><tr><th>Connector</th><th>Status</th><th>Error</th><th>Since</th></tr></thead>
            <tbody>
              {charger.connectors.map((k) => (
                <tr key={k.connectorId} data-testid={`connector-${k.connectorId}`}>
                  <td>{k.connectorId}</td>
                  <td>{k.status}</td>
                  <td>{k.errorCode === 'NoError' ? '' : k.errorCode}</td>
                  <td><When at={k.statusAt ?? k.updatedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ChargerConnect charger={charger} />
      <ChargerDevice charger={charger} />
      <ChargerCommands charger={charger} onDone={onChanged} />
    </article>
  );
}

/** What the charger answered when the installation's offline setting (offlineAllow) was pushed to it. */
function OfflineSetting({ config }: { config: Record<string, unknown> }) {
  const results = (config.results ?? {}) as Record<string, string>;
  const refused = Object.entries(results).filter(([, status]) => !['Accepted', 'RebootRequired', 'Unchanged'].includes(status));
  const what = config.offlineAllow ? 'allow when offline' : 'refuse when offline';
  return config.applied ? (
    <span class="badge ok" data-testid="offline-setting">{what}: applied</span>
  ) : (
    <span class="badge warn" data-testid="offline-setting">{what}: refused ({refused.map(([key, status]) => `${key} ${status}`).join(', ')})</span>
  );
}

function RegisterCharger({ base, onAdded }: { base: string; onAdded: () => Promise<void> }) {
  const [id, setId] = useState('');
  const form = useSubmit();
  async function submit(e: Event) {
    e.preventDefault();
    if (await form.run(() => api('POST', `${base}/chargers`, { id }))) {
      setId('');
      await onAdded();
    }
  }
  return (
    <details>
      <summary>Register a charger</summary>
      <form onSubmit={submit}>
        <Field label="Charger id (as in its OCPP URL)" name="id" required value={id} error={fieldError(form.fields, 'id')} onInput={(e) => setId(e.currentTarget.value)} />
        <ErrorNotice error={form.error} />
        <button type="submit" aria-busy={form.busy}>Register</button>
      </form>
    </details>
  );
}
