import { sagaType } from '@loom/sagas';
import type { QosFabricInput } from './qos-fabric.input';

/** The saga that shapes a QoS policy's attachments (definition in qos-fabric.sagas.ts). */
export const applyQosPolicySaga = sagaType<QosFabricInput>('apply-qos-policy');

/**
 * A policy's sagas run one after another, in the order their intents committed. They touch only
 * their attachments' shaping, which no other saga changes: a port or floating IP with a policy
 * cannot be deleted or moved (see qos-guard.ts).
 */
export const qosPolicyResourceKey = (policy: string): string => `qos-policy/${policy}`;
