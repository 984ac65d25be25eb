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

  const match = /^\/installations\/([^/]+)(?:\/([a-z-]+))?/.exec(path);
  return (
    <>
      <header class="container">
        <nav>
          <ul>
            <li><a {...linkTo('/')}><strong>Charging portal</strong></a></li>
          </ul>
          <ul>
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
        {match ? <InstallationPage me={me} id={decodeURIComponent(match[1])} tab={match[2] ?? 'chargers'} onMe={setMe} /> : <Installations me={me} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
