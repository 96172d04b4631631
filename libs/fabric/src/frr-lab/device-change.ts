import type { LabDevice, LabManifest } from './lab-layout';
import type { TenantVrfs } from './tenant-vrfs';
import type { UndoLog } from './undo-log';

/** One operation's work on one leaf: the leaf, its tenant VRFs and what to take back on failure. */
export interface DeviceChange {
  readonly manifest: LabManifest;
  readonly device: LabDevice;
  readonly vrfs: TenantVrfs;
  readonly undo: UndoLog;
}
