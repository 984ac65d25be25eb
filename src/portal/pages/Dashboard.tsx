import { useEffect } from 'preact/hooks';
import type { DashboardItem } from '../../api/routes/dashboard.js';
import { api, itemsOf } from '../api.js';
import { linkTo } from '../router.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';

/** Who decided, in the words of the Authentication tab. */
const SOURCES: Record<string, string> = {
  native: 'your id tags',
  webhook: 'the provider',
  cache: 'the provider (remembered)',
  offline: 'the offline rule',
  default: 'nobody accepted',
};
const REFRESH_MS = 30_000;

const kWh = (wh: number) => `${(wh / 1000).toFixed(1)} kWh`;
/** The owner's midnight: "today" is their day, not the server's. */
const localMidnight = () => new Date(new Date().setHours(0, 0, 0, 0)).toISOString();

/** Every installation the person may see, with what they check first; each figure links to its tab. */
export function Dashboard() {
  const board = useLoad(() => api('GET', `/api/dashboard?dayStart=${encodeURIComponent(localMidnight())}`).then((r) => itemsOf<DashboardItem>(r)), []);
  useEffect(() => {
    const timer = setInterval(() => void board.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [board.reload]);
  return (
    <>
      <ErrorNotice error={board.error} />
      {board.loading && !board.data && <Loading />}
      {board.data?.length === 0 && <p>No installation yet.</p>}
      <div data-testid="installations" class="dashboard">
        {board.data?.map((i) => <InstallationCard key={i.id} i={i} />)}
      </div>
    </>
  );
}

function InstallationCard({ i }: { i: DashboardItem }) {
  const base = `/installations/${encodeURIComponent(i.id)}`;
  const decisions = Object.entries(i.decisionsLastHour).sort(([, a], [, b]) => b - a);
  return (
    <article data-testid={`dashboard-${i.id}`}>
      <header><a {...linkTo(base)}><strong>{i.name}</strong></a></header>
      <dl>
        <div>
          <dt>Chargers</dt>
          <dd><a {...linkTo(`${base}/chargers`)} data-testid="chargers-online">{i.chargers.online} online</a>, {i.chargers.offline} offline</dd>
        </div>
        <div>
          <dt>Sessions</dt>
          <dd><a {...linkTo(`${base}/sessions`)} data-testid="sessions-count">{i.sessions.now} charging now, {i.sessions.today} today</a></dd>
        </div>
        <div>
          <dt>Energy today</dt>
          <dd><a {...linkTo(`${base}/sessions`)} data-testid="energy-today">{kWh(i.energyTodayWh)}</a></dd>
        </div>
        <div>
          <dt>Decisions, last hour</dt>
          <dd data-testid="decisions">
            {decisions.length === 0 ? 'none' : (
              <a {...linkTo(`${base}/authentication`)}>{decisions.map(([source, n]) => `${n} by ${SOURCES[source] ?? source}`).join(', ')}</a>
            )}
          </dd>
        </div>
      </dl>
      {i.failingSubscriptions.length > 0 && (
        <ul data-testid="failing-subscriptions">
          {i.failingSubscriptions.map((s) => (
            <li key={s.id}>
              <span class="badge bad">{s.state}</span>{' '}
              <a {...linkTo(`${base}/notifications?subscription=${encodeURIComponent(s.id)}`)}>{s.label}</a>
              {s.reason && <small> · {s.reason}</small>}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
