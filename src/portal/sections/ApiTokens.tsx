import type { ApiToken } from '../../store/apiTokens.js';
import { api, itemsOf } from '../api.js';
import type { SectionProps } from '../views.js';
import { Confirm } from '../ui/Confirm.js';
import { ErrorNotice, Loading, When } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';
import { NewToken } from './NewToken.js';
import { NeedsFreshSecondFactor } from './SecondFactor.js';

/** The API lists every token the caller may see; this view keeps those about `installationId`. */
const about = (installationId: string | undefined) => (t: ApiToken) =>
  installationId ? t.installations.includes(installationId) : t.role === 'admin';

/** The installation's API tokens tab: minting one needs a second factor proven lately. */
export function ApiTokensTab({ me, onMe, installation }: SectionProps) {
  return (
    <NeedsFreshSecondFactor me={me} onMe={onMe} what="API tokens">
      <ApiTokens installation={installation} />
    </NeedsFreshSecondFactor>
  );
}

/**
 * Tokens for programs: on an installation, the owner and service tokens reaching it; without
 * one (the Users page), the operator's admin tokens.
 */
export function ApiTokens({ installation }: Partial<SectionProps>) {
  const installationId = installation?.id;
  const list = useLoad(() => api('GET', '/api/tokens').then((r) => itemsOf<ApiToken>(r).filter(about(installationId))), [installationId]);
  return (
    <section data-testid={installationId ? 'api-tokens' : 'admin-tokens'}>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {list.data?.length === 0 && <p>No API token yet.</p>}
      {!!list.data?.length && (
        <div class="table-wrap">
          <table data-testid="tokens">
            <thead><tr><th>Label</th><th>Role</th><th>Created</th><th></th></tr></thead>
            <tbody>
              {list.data.map((t) => <TokenRow key={t.id} token={t} installationId={installationId} onRevoked={list.reload} />)}
            </tbody>
          </table>
        </div>
      )}
      <NewToken installationId={installationId} onCreated={list.reload} />
    </section>
  );
}

function TokenRow({ token, installationId, onRevoked }: { token: ApiToken; installationId?: string; onRevoked: () => Promise<void> }) {
  const row = useSubmit();
  const revoke = async () => {
    if (await row.run(() => api('DELETE', `/api/tokens/${encodeURIComponent(token.id)}`).then(() => true))) await onRevoked();
  };
  // Revoking here also cuts the token off the other installations it reaches: say so.
  const others = installationId ? token.installations.length - 1 : 0;
  return (
    <tr>
      <td>{token.label}</td>
      <td>
        {token.role}
        {others > 0 && <><br /><small>also {others} other installation{others > 1 ? 's' : ''}</small></>}
      </td>
      <td><When at={token.createdAt} /></td>
      <td>
        <Confirm label="Revoke" question="Programs using it are refused from now on." confirmLabel="Yes, revoke" busy={row.busy} onConfirm={revoke} />
        <ErrorNotice error={row.error} />
      </td>
    </tr>
  );
}
