import { useState } from 'preact/hooks';
import type { SectionProps } from '../views.js';
import type { InstallationLocation } from '../../store/locations.js';
import { api, fieldError } from '../api.js';
import { roleIn } from '../session.js';
import { Field } from '../ui/Field.js';
import { ErrorNotice, Loading, Notice } from '../ui/Notice.js';
import { useLoad } from '../ui/useLoad.js';
import { useSubmit } from '../ui/useSubmit.js';

type Located = { location: InstallationLocation | null; published: boolean };
const FIELDS = [
  { name: 'address', label: 'Street and number' },
  { name: 'city', label: 'City' },
  { name: 'postalCode', label: 'Postal code', optional: true },
  { name: 'country', label: 'Country (3 letters, e.g. NLD)' },
  { name: 'latitude', label: 'Latitude (e.g. 52.37893)' },
  { name: 'longitude', label: 'Longitude (e.g. 4.90060)' },
  { name: 'timeZone', label: 'Time zone (e.g. Europe/Amsterdam)' },
  { name: 'energyPrice', label: 'Price per kWh excluding VAT, for roaming (optional)', optional: true },
  { name: 'vatPercent', label: 'VAT % (optional)', optional: true },
] as const;
type Name = (typeof FIELDS)[number]['name'];
const NUMBERS: Name[] = ['energyPrice', 'vatPercent'];

/** Where the installation is: roaming providers see it as a Location, and their bills (CDRs) say so. */
export function LocationForm({ me, installation }: SectionProps) {
  const loaded = useLoad(() => api<Located>('GET', `/api/installations/${installation.id}/location`), [installation.id]);
  const [values, setValues] = useState<Partial<Record<Name, string>>>();
  const [published, setPublished] = useState<boolean>();
  const form = useSubmit();
  const owner = me.user.admin || roleIn(me, installation.id) === 'owner';
  if (!loaded.data) return loaded.error ? <ErrorNotice error={loaded.error} /> : <Loading />;
  const stored = loaded.data.location;
  const current = values ?? Object.fromEntries(FIELDS.map(({ name }) => [name, stored?.[name] === undefined ? '' : String(stored[name])]));
  const shown = published ?? loaded.data.published;

  async function save(e: Event) {
    e.preventDefault();
    const location = Object.fromEntries(
      Object.entries(current)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => [k, NUMBERS.includes(k as Name) ? Number(v) : v]),
    );
    const reply = await form.run(() => api<Located>('PUT', `/api/installations/${installation.id}/location`, { location }));
    if (reply) setPublished(reply.published);
  }

  return (
    <form onSubmit={save} data-testid="location-form">
      <h3>Where it is</h3>
      <p>Roaming providers see this installation, its chargers and their status once it has an address and roaming providers are among those asked.</p>
      {FIELDS.map(({ name, label }) => (
        <Field
          key={name}
          label={label}
          name={name}
          value={current[name] ?? ''}
          readOnly={!owner}
          error={fieldError(form.fields, `location.${name}`, name)}
          onInput={(e) => setValues({ ...current, [name]: e.currentTarget.value })}
        />
      ))}
      <ErrorNotice error={form.error} />
      {form.error === undefined && (stored || published !== undefined) && (
        <Notice>{shown ? 'Roaming providers see it.' : 'Roaming providers do not see it: add roaming providers to those asked above.'}</Notice>
      )}
      {owner && <button type="submit" aria-busy={form.busy}>Save location</button>}
    </form>
  );
}
