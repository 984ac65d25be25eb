import type { InstallationView } from '../views.js';
import { api, secondFactorCode } from '../api.js';
import { SecondFactorGate } from '../sections/SecondFactor.js';
import { linkTo } from '../router.js';
import { roleIn, type Me } from '../session.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { Chargers } from '../sections/Chargers.js';
import { Authentication } from '../sections/Authentication.js';
import { IdTags } from '../sections/IdTags.js';
import { Sessions } from '../sections/Sessions.js';
import { Notifications } from '../sections/Notifications.js';
import { Members } from '../sections/Members.js';
import { AuditLog } from '../sections/AuditLog.js';
import { ApiTokensTab } from '../sections/ApiTokens.js';
import { WhoDecides } from '../sections/WhoDecides.js';

const TABS = [
  { key: 'chargers', label: 'Chargers', owners: false, view: Chargers },
  { key: 'authentication', label: 'Authentication', owners: false, view: Authentication },
  { key: 'who-decides', label: 'Who decides', owners: false, view: WhoDecides },
  { key: 'id-tags', label: 'ID tags', owners: false, view: IdTags },
  { key: 'sessions', label: 'Sessions', owners: false, view: Sessions },
  { key: 'notifications', label: 'Notifications', owners: false, view: Notifications },
  { key: 'members', label: 'Members', owners: true, view: Members },
  { key: 'api-tokens', label: 'API tokens', owners: true, view: ApiTokensTab },
  { key: 'audit', label: 'Audit log', owners: true, view: AuditLog },
] as const;

export function InstallationPage({ me, id, tab, onMe }: { me: Me; id: string; tab: string; onMe: (me: Me) => void }) {
  const inst = useLoad(() => api<InstallationView>('GET', `/api/installations/${encodeURIComponent(id)}`), [id]);
  const role = roleIn(me, id);
  const tabs = TABS.filter((t) => !t.owners || role === 'owner' || role === 'admin');
  const current = tabs.find((t) => t.key === tab);
  const base = `/installations/${encodeURIComponent(id)}`;

  const gate = secondFactorCode(inst.error);
  if (gate) {
    // The owner requires a second factor on this installation and this member has none (or it is stale).
    return <SecondFactorGate code={gate} onMe={onMe} then={inst.reload} />;
  }
  if (inst.error) {
    return (
      <section>
        <p><a {...linkTo('/')}>← Installations</a></p>
        <ErrorNotice error={inst.error} />
      </section>
    );
  }
  if (!inst.data) return <Loading />;
  if (!current) {
    return (
      <section data-testid="not-found">
        <p><a {...linkTo(base)}>← {inst.data.name}</a></p>
        <p>This installation has no page "{tab}".</p>
      </section>
    );
  }
  const View = current.view;
  return (
    <section>
      <p><a {...linkTo('/')}>← Installations</a></p>
      <h1>{inst.data.name}</h1>
      <nav class="tabs" aria-label="Sections">
        <ul>
          {tabs.map((t) => (
            <li key={t.key}>
              <a {...linkTo(`${base}/${t.key}`)} aria-current={t.key === current.key ? 'page' : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <View me={me} installation={inst.data} reload={inst.reload} onMe={onMe} />
    </section>
  );
}
