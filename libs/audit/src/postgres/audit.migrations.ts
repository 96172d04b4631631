import { CreateAuditCheckpoints1765000000000 } from './1765000000000-create-audit-checkpoints';

export const auditMigrations = [CreateAuditCheckpoints1765000000000];
