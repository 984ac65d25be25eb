import { useState } from 'preact/hooks';
import type { SectionProps } from '../views.js';
import { api } from '../api.js';
import { roleIn } from '../session.js';
import { ErrorNotice, Loading } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';

type Source = 'native' | 'webhook' | 'ocpi';
const WORDS: Record<Source, string> = { native: 'Your own ID tags', webhook: 'Your provider (web hook)', ocpi: 'Roaming providers (OCPI)' };
const ALL: Source[] = ['native', 'webhook', 'ocpi'];

/** Who decides whether a card may charge, asked in this order until one knows it. */
export function AuthorizationSources({ me, installation }: SectionProps) {
  const loaded = useLoad(() => api<{ sources: Source[]; chosen: boolean }>('GET', `/api/installations/${installation.id}/authorization-sources`), [installation.id]);
  const [order, setOrder] = useState<Source[]>();
  const [saved, setSaved] = useState(false);
  const form = useSubmit();
  const owner = me.user.admin || roleIn(me, installation.id) === 'owner';
  if (!loaded.data) return loaded.error ? <ErrorNotice error={loaded.error} /> : <Loading />;
  const current = order ?? loaded.data.sources;
  const change = (next: Source[]) => {
    setOrder(next);
    setSaved(false);
  };
  const move = (i: number, by: number) => {
    const next = [...current];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    change(next);
  };

  async function save(e: Event) {
    e.preventDefault();
    const reply = await form.run(() => api<{ sources: Source[] }>('PUT', `/api/installations/${installation.id}/authorization-sources`, { sources: current }));
    if (reply) {
      setOrder(reply.sources);
      setSaved(true);
    }
  }

  return (
    <form onSubmit={save} data-testid="authorization-sources">
      <p>When a card is presented, the gateway asks these in order; the first that knows the card decides. A card none of them knows may not charge.</p>
      <ol data-testid="source-order">
        {current.map((s, i) => (
          <li key={s}>
            {WORDS[s]}{' '}
            {owner && (
              <>
                <button type="button" class="outline" disabled={i === 0} aria-label={`Ask ${WORDS[s]} earlier`} onClick={() => move(i, -1)}>↑</button>{' '}
                <button type="button" class="outline" disabled={i === current.length - 1} aria-label={`Ask ${WORDS[s]} later`} onClick={() => move(i, 1)}>↓</button>{' '}
                <button type="button" class="outline secondary" disabled={current.length === 1} aria-label={`Do not ask ${WORDS[s]}`} onClick={() => change(current.filter((x) => x !== s))}>Remove</button>
              </>
            )}
          </li>
        ))}
      </ol>
      {owner && ALL.filter((s) => !current.includes(s)).map((s) => (
        <button key={s} type="button" class="outline" onClick={() => change([...current, s])}>Also ask {WORDS[s]}</button>
      ))}
      <ErrorNotice error={form.error} />
      {owner && <p><button type="submit" aria-busy={form.busy}>Save order</button> {saved && <span role="status">Saved</span>}</p>}
    </form>
  );
}
