import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.js';
import { Notice } from '../ui/Notice.js';

/** One tag per line: `idTag[,status[,expiryDate[,parentIdTag]]]`; a first line starting with "idTag" is a header. */
export function parseIdTagCsv(text: string): { line: number; body: Record<string, unknown> }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, cells: raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')) }))
    .filter(({ cells, line }) => cells[0] !== '' && !(line === 1 && /^id_?tag$/i.test(cells[0])))
    .map(({ line, cells: [idTag, status, expiryDate, parentIdTag] }) => ({
      line,
      body: { idTag, status: status || 'Accepted', expiryDate: expiryDate || null, parentIdTag: parentIdTag || null },
    }));
}

/** Posts the rows one by one, so one bad line names itself and does not stop the rest. */
export function ImportIdTags({ base, onImported }: { base: string; onImported: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [report, setReport] = useState<{ ok: number; failed: string[] }>();
  const [busy, setBusy] = useState(false);

  async function run(e: Event) {
    e.preventDefault();
    setBusy(true);
    const failed: string[] = [];
    let ok = 0;
    for (const row of parseIdTagCsv(text)) {
      try {
        await api('POST', base, row.body);
        ok++;
      } catch (err) {
        const fields = err instanceof ApiFailure ? Object.entries(err.fields).map(([f, m]) => `${f} ${m}`).join('; ') : '';
        failed.push(`line ${row.line}: ${fields || (err as Error).message}`);
      }
    }
    setReport({ ok, failed });
    setBusy(false);
    await onImported();
  }
  async function pick(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  }

  return (
    <details>
      <summary>Import from CSV</summary>
      <form onSubmit={run}>
        <label>
          CSV file
          <input type="file" accept=".csv,text/csv" onChange={pick} />
        </label>
        <label>
          Or paste lines: <code>idTag,status,expiryDate,parentIdTag</code>
          <textarea name="csv" rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit" aria-busy={busy} disabled={!text.trim()}>Import</button>
      </form>
      {report && (
        <Notice>
          {report.ok} imported{report.failed.length ? `, ${report.failed.length} refused:` : '.'}
          {report.failed.length > 0 && <ul>{report.failed.map((f) => <li key={f}>{f}</li>)}</ul>}
        </Notice>
      )}
    </details>
  );
}
