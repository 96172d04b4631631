import { CreateAuditCheckpoints1765000000000 } from './1765000000000-create-audit-checkpoints';
import { CreateAuditEntries1765000000001 } from './1765000000001-create-audit-entries';
import { AuditStreamFunctions1765000000002 } from './1765000000002-audit-stream-functions';
import { AuditExternalKinds1765000000003 } from './1765000000003-audit-external-kinds';

export const auditMigrations = [
  CreateAuditCheckpoints1765000000000,
  CreateAuditEntries1765000000001,
  AuditStreamFunctions1765000000002,
  AuditExternalKinds1765000000003,
];
