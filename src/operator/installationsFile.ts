import { z } from 'zod';
import type { ExportedInstallation } from '../store/installationTransfer.js';

/**
 * The export file: each installation with its chargers, id tags, subscriptions and members, as
 * stored (column names), secrets opened so another gateway (another key, another engine) can seal
 * them again. Charger passwords stay scrypt hashes, which any gateway verifies. Delivery state,
 * sessions and history stay behind: an import starts them afresh.
 */
export const EXPORT_FORMAT = 'ocpp-gateway-installations';
export const EXPORT_VERSION = 1;

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  installations: ExportedInstallation[];
}

const row = z.record(z.string(), z.unknown());
const withId = row.and(z.object({ id: z.string().min(1) }));

/** Shape only (the database checks the columns): enough to name what is wrong in a hand-edited file. */
export const exportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  installations: z.array(
    z.object({
      installation: withId.and(z.object({ name: z.string().min(1) })),
      chargers: z.array(withId),
      idTags: z.array(row.and(z.object({ id_tag: z.string().min(1) }))),
      subscriptions: z.array(withId),
      members: z.array(z.object({ email: z.string().min(1), role: z.enum(['owner', 'service']) })),
    }),
  ),
});

/** The first problem, as "installations.0.chargers.2.id: …". */
export function describeProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || '(file)'}: ${issue.message}`;
}
