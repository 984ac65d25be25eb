import { useState } from 'preact/hooks';
import type { RoamingPartner, RoamingToken } from '../views.js';
import { api, fieldError, itemsOf } from '../api.js';
import type { Me } from '../session.js';
import { Field } from '../ui/Field.js';
import { CopyField } from '../ui/CopyField.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { NeedsFreshSecondFactor } from '../sections/SecondFactor.js';

/** Words a site owner reads for each connection state. */
const STATE_WORDS: Record<RoamingPartner['state'], string> = {
  pending: 'waiting for the provider',
  registered: 'connected',
  unregistered: 'disconnected',
  failed: 'connection failed',
};

const partnerName = (p: RoamingPartner) => p.roles[0]?.business_details?.name ?? `${p.countryCode}/${p.partyId}`;

/** Roaming: the e-mobility providers (OCPI eMSPs) whose cards may charge here. Operator admins only. */
export function Roaming({ me, onMe }: { me: Me; onMe: (me: Me) => void }) {
  return (
    <NeedsFreshSecondFactor me={me} onMe={onMe} what="Roaming partners">
      <Partners />
    </NeedsFreshSecondFactor>
  );
}

function Partners() {
  const list = useLoad(() => api('GET', '/api/ocpi/partners').then((r) => itemsOf<RoamingPartner>(r)), []);
  const [open, setOpen] = useState<string>();
  const action = useSubmit();
  const selected = list.data?.find((p) => p.id === open);
  return (
    <section data-testid="roaming-page">
      <h1>Roaming</h1>
      <p>E-mobility providers whose cards and apps may charge at your installations (OCPI). Add them to an installation's "Who decides" tab.</p>
      <ErrorNotice error={list.error ?? action.error} />
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>No provider is connected yet.</p>}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="roaming-partners">
            <thead><tr><th>Provider</th><th>Party</th><th>State</th><th>Last problem</th><th></th></tr></thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id} aria-current={p.id === open ? 'true' : undefined}>
                  <td>{partnerName(p)}</td>
                  <td>{p.countryCode}/{p.partyId}</td>
                  <td><span class={`badge ${p.state === 'registered' ? 'ok' : ''}`} data-testid="partner-state">{STATE_WORDS[p.state]}</span></td>
                  <td>{p.lastError ? <>{p.lastError} <small><When at={p.lastErrorAt} /></small></> : ''}</td>
                  <td class="actions">
                    <button type="button" class="outline" aria-label={`Cards of ${partnerName(p)}`} onClick={() => setOpen(p.id === open ? undefined : p.id)}>Cards</button>
                    {p.state === 'registered' && (
                      <button type="button" class="outline secondary" aria-label={`Disconnect ${partnerName(p)}`} aria-busy={action.busy}
                        onClick={() => action.run(async () => { await api('DELETE', `/api/ocpi/partners/${p.id}`); await list.reload(); })}>
                        Disconnect
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <PartnerTokens key={selected.id} partner={selected} />}
      <ConnectPartner onConnected={list.reload} />
    </section>
  );
}

function PartnerTokens({ partner }: { partner: RoamingPartner }) {
  const tokens = useLoad(() => api('GET', `/api/ocpi/partners/${partner.id}/tokens`).then((r) => itemsOf<RoamingToken>(r)), [partner.id]);
  return (
    <article data-testid="partner-tokens">
      <header><strong>Cards {partnerName(partner)} sent</strong></header>
      <ErrorNotice error={tokens.error} />
      {!tokens.data && tokens.loading && <Loading />}
      {tokens.data?.length === 0 && <p>None yet: cards this provider did not send are checked with it when they are used.</p>}
      {!!tokens.data?.length && (
        <table>
          <thead><tr><th>Card</th><th>Type</th><th>Contract</th><th>Valid</th><th>When to ask the provider</th><th>Updated</th></tr></thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={`${t.type}/${t.uid}`}>
                <td>{t.uid}</td><td>{t.type}</td><td>{t.contract_id}</td><td>{t.valid ? 'yes' : 'no'}</td><td>{t.whitelist}</td><td><When at={t.last_updated} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** Either the provider gave us its versions URL and token, or we give it ours. */
function ConnectPartner({ onConnected }: { onConnected: () => Promise<void> }) {
  const [countryCode, setCountry] = useState('');
  const [partyId, setParty] = useState('');
  const [versionsUrl, setVersionsUrl] = useState('');
  const [tokenA, setTokenA] = useState('');
  const [issued, setIssued] = useState<{ tokenA: string; ourVersionsUrl: string }>();
  const form = useSubmit();

  async function submit(e: Event) {
    e.preventDefault();
    const body = versionsUrl || tokenA ? { countryCode, partyId, versionsUrl, tokenA } : { countryCode, partyId };
    const reply = await form.run(() => api<{ tokenA?: string; ourVersionsUrl: string }>('POST', '/api/ocpi/partners', body));
    await onConnected();
    if (!reply) return;
    setVersionsUrl('');
    setTokenA('');
    if (reply.tokenA) setIssued({ tokenA: reply.tokenA, ourVersionsUrl: reply.ourVersionsUrl });
  }

  if (issued) {
    return (
      <article data-testid="roaming-issued">
        <header><strong>Give these to the provider</strong></header>
        <p role="status" class="notice warn">Copy the token now: you will not see it again. The provider uses it once, to connect.</p>
        <CopyField label="Our versions URL" value={issued.ourVersionsUrl} testId="our-versions-url" />
        <CopyField label="Token A" value={issued.tokenA} testId="token-a" />
        <button type="button" class="secondary" onClick={() => setIssued(undefined)}>Done, I have sent them</button>
      </article>
    );
  }
  return (
    <details>
      <summary>Connect a provider</summary>
      <form onSubmit={submit} data-testid="connect-partner">
        <div class="grid">
          <Field label="Country code" name="countryCode" required value={countryCode} error={fieldError(form.fields, 'countryCode')} hint="Two letters, e.g. NL" onInput={(e) => setCountry(e.currentTarget.value)} />
          <Field label="Party id" name="partyId" required value={partyId} error={fieldError(form.fields, 'partyId')} hint="Three letters or digits, e.g. TNM" onInput={(e) => setParty(e.currentTarget.value)} />
        </div>
        <p>If the provider gave you its versions URL and a token, enter them; leave both empty to get a token for the provider instead.</p>
        <div class="grid">
          <Field label="Provider's versions URL" name="versionsUrl" value={versionsUrl} error={fieldError(form.fields, 'versionsUrl')} onInput={(e) => setVersionsUrl(e.currentTarget.value)} />
          <Field label="Provider's token" name="tokenA" value={tokenA} error={fieldError(form.fields, 'tokenA')} onInput={(e) => setTokenA(e.currentTarget.value)} />
        </div>
        <ErrorNotice error={form.error} />
        <button type="submit" aria-busy={form.busy}>Connect</button>
      </form>
    </details>
  );
}
