import { CreateAuditCheckpoints1765000000000 } from './1765000000000-create-audit-checkpoints';
import { CreateAuditEntries1765000000001 } from './1765000000001-create-audit-entries';

export const auditMigrations = [
  CreateAuditCheckpoints1765000000000,
  CreateAuditEntries1765000000001,
];
