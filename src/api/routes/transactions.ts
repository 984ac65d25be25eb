import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../app.js';
import { ApiError, notFound } from '../errors.js';
import { parseQuery } from '../validate.js';
import { providerReplySummary } from '../../authorization/summary.js';
import type { StoredStart } from '../../store/transactions.js';
import { chargerIdField, installationIdField, INT4_MAX, integerText } from './fields.js';
import { checkInstallation, visibleInstallations } from '../scope.js';

/** Strict, so a misspelt filter (chargerID=…) is a 400 rather than a silently unfiltered list. */
export const listTransactionsQuery = z.strictObject({
  chargerId: chargerIdField.optional(),
  installationId: installationIdField.optional(),
  active: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').optional(),
  limit: integerText(1, 500, 100),
  offset: integerText(0, INT4_MAX, 0),
});

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

  // Newest first.
  router.get('/transactions', async (req, res) => {
    const filter = parseQuery(listTransactionsQuery, req.query);
    const visible = visibleInstallations(req);
    const items = await transactions.list({ ...filter, within: visible && [...visible] });
    res.json({ items, limit: filter.limit, offset: filter.offset });
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
    res.json({ ...transaction, authorization: authorizationDetail(stored), meterValues: values, sessionEnd: sessionEnd ?? null });
  });

  return router;
}
