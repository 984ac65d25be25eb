import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseQuery } from '../validate.js';
import { providerReplySummary } from '../../authorization/summary.js';
import type { StoredStart, TransactionFilter } from '../../store/transactions.js';
import { chargerIdField, idTagField, installationIdField, INT4_MAX, integerText } from './fields.js';
import { energyNow } from '../../ocpp/transactionEnergy.js';
import { toCsv, TRANSACTION_CSV_COLUMNS } from '../transactionCsv.js';
import { checkInstallation, visibleInstallations } from '../scope.js';

const time = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone, e.g. 2026-12-01T00:00:00Z' })
  .transform((t) => new Date(t).toISOString());

/** The filters of the list and of its CSV export. */
const filters = {
  chargerId: chargerIdField.optional(),
  installationId: installationIdField.optional(),
  active: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').optional(),
  idTag: idTagField.optional().meta({ description: 'Sessions of this id tag (case-insensitive)' }),
  from: time.optional().meta({ description: 'Started at or after this time' }),
  to: time.optional().meta({ description: 'Started before this time' }),
};

/** Strict, so a misspelt filter (chargerID=…) is a 400 rather than a silently unfiltered list. */
export const listTransactionsQuery = z.strictObject({ ...filters, limit: integerText(1, 500, 100), offset: integerText(0, INT4_MAX, 0) });

/** The CSV export: the same filters, newest first, up to EXPORT_MAX rows. */
const EXPORT_MAX = 10_000;
export const exportTransactionsQuery = z.strictObject({ ...filters, limit: integerText(1, EXPORT_MAX, EXPORT_MAX) });

/** How the start was authorized: the decision, the idTagInfo the charger got, and the provider's answer when it decided. */
function authorizationDetail({ transaction, answer }: StoredStart) {
  const expiryDate = answer.expiryDate ?? null;
  const parentIdTag = answer.parentIdTag ?? null;
  const provider = providerReplySummary({ ...transaction.authorization, sessionId: transaction.providerSessionId, expiryDate, parentIdTag });
  return { ...transaction.authorization, expiryDate, parentIdTag, provider };
}

/** Transaction ids are what chargers got in StartTransaction.conf: positive int4. */
function parseTransactionId(text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new ApiError('VALIDATION_FAILED', 'Invalid path: id must be a whole number', [{ field: 'id', message: 'must be a whole number' }]);
  }
  const id = Number(text);
  if (id < 1 || id > INT4_MAX) throw notFound('Transaction');
  return id;
}

export function transactionRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { transactions, meterValues } = deps.store;

  /** Newest first; a session still charging carries energyNowWh from its latest meter reading. */
  async function page(req: Request, filter: TransactionFilter & { limit: number; offset: number }) {
    const visible = visibleInstallations(req);
    const items = await transactions.list({ ...filter, within: visible && [...visible] });
    return energyNow(items, meterValues);
  }

  router.get('/transactions', async (req, res) => {
    const filter = parseQuery(listTransactionsQuery, req.query);
    res.json({ items: await page(req, filter), limit: filter.limit, offset: filter.offset });
  });

  router.get('/transactions.csv', async (req, res) => {
    const filter = parseQuery(exportTransactionsQuery, req.query);
    const items = await page(req, { ...filter, offset: 0 });
    res.type('text/csv').attachment('sessions.csv').send(toCsv(TRANSACTION_CSV_COLUMNS, items));
  });

  router.get('/transactions/:id', async (req, res) => {
    const stored = await transactions.getWithAnswer(parseTransactionId(req.params.id));
    if (!stored) throw notFound('Transaction');
    const { transaction } = stored;
    checkInstallation(req, await deps.store.installations.get(transaction.installationId), 'service', 'Transaction');
    const [values, sessionEnd] = await Promise.all([
      meterValues.forTransaction(transaction.id),
      deps.store.outbox.state(`session-end:${transaction.id}`),
    ]);
    // sessionEnd: the delivery of the provider's session-end call (null when none is due).
    const [withEnergy] = await energyNow([transaction], meterValues);
    res.json({ ...withEnergy, authorization: authorizationDetail(stored), meterValues: values, sessionEnd: sessionEnd ?? null });
  });

  return router;
}
