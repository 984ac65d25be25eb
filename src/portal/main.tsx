import '@picocss/pico/css/pico.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, onSignedOut } from './api.js';
import { loadMe, signOut, type Me } from './session.js';
import { linkTo, navigate, usePath } from './router.js';
import { SignIn } from './pages/SignIn.js';
import { Installations } from './pages/Installations.js';
import { InstallationPage } from './pages/Installation.js';
import { Account } from './pages/Account.js';
import { Users } from './pages/Users.js';
import { ChargerPage } from './pages/Charger.js';
import { Roaming } from './pages/Roaming.js';
import { ErrorNotice, Loading } from './ui/Notice.js';

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const path = usePath();

  useEffect(() => {
    loadMe().then(setMe, (err) => (err instanceof ApiFailure && err.status === 401 ? setMe(null) : setError(err)));
    return onSignedOut(() => setMe(null));
  }, []);

  if (error) return <main class="container"><ErrorNotice error={error} /></main>;
  if (me === undefined) return <main class="container"><Loading /></main>;
  if (me === null) return <SignIn onSignedIn={setMe} />;

  return (
    <>
      <header class="container">
        <nav>
          <ul>
            <li><a {...linkTo('/')}><strong>Charging portal</strong></a></li>
          </ul>
          <ul>
            {me.user.admin && <li><a {...linkTo('/roaming')} aria-current={path === '/roaming' ? 'page' : undefined}>Roaming</a></li>}
            {me.user.admin && <li><a {...linkTo('/users')} aria-current={path === '/users' ? 'page' : undefined}>Users</a></li>}
            <li><a {...linkTo('/account')} aria-current={path === '/account' ? 'page' : undefined}>Account</a></li>
            <li><small data-testid="signed-in-as">{me.user.email}</small></li>
            <li>
              <button class="outline secondary" onClick={async () => { await signOut(); setMe(null); navigate('/'); }}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main class="container">
        <Page me={me} path={path} onMe={setMe} />
      </main>
    </>
  );
}

/** The page for a path; a path the portal does not have says so, with the way back. */
function Page({ me, path, onMe }: { me: Me; path: string; onMe: (me: Me) => void }) {
  const installation = /^\/installations\/([^/]+)(?:\/([a-z-]+))?\/?$/.exec(path);
  if (installation) return <InstallationPage me={me} id={decodeURIComponent(installation[1])} tab={installation[2] ?? 'chargers'} onMe={onMe} />;
  const charger = /^\/chargers\/([^/]+)\/?$/.exec(path);
  if (charger) return <ChargerPage id={decodeURIComponent(charger[1])} />;
  if (path === '/account') return <Account me={me} onMe={onMe} />;
  if (path === '/users' && me.user.admin) return <Users me={me} onMe={onMe} />;
  if (path === '/roaming' && me.user.admin) return <Roaming me={me} onMe={onMe} />;
  if (path === '/' || path === '/installations') return <Installations me={me} />;
  return <NotFound />;
}

function NotFound() {
  return (
    <section data-testid="not-found">
      <h1>Page not found</h1>
      <p>There is no such page in the portal. <a {...linkTo('/')}>Go to the installations</a>.</p>
    </section>
  );
}

render(<App />, document.getElementById('app')!);
