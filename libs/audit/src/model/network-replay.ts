import { auditedStream, isResourceKind, type ResourceKind } from './audited-stream';
import type { NetworkSnapshot, ResourceView } from './network-snapshot';
import type { ResourceModel } from './resource-model';

/** An event as the replay needs it: its stream and its stored type, version and data. */
export interface ReplayedEvent {
  readonly stream: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

export type ResourceModels = Readonly<Record<ResourceKind, ResourceModel>>;

/**
 * Resources rebuilt from their events, in log order, each with its decider's evolve. Pure: feed
 * it the events up to an instant, then ask for the snapshot.
 */
export class NetworkReplay {
  private readonly states = new Map<string, { kind: ResourceKind; name: string; state: unknown }>();

  constructor(private readonly models: ResourceModels) {}

  apply(event: ReplayedEvent): void {
    const stream = auditedStream(event.stream);
    if (!isResourceKind(stream.kind)) return;
    const model = this.models[stream.kind];
    if (!model.knows(event.type)) return;
    const current = this.states.get(event.stream) ?? {
      kind: stream.kind,
      name: stream.resource,
      state: model.initialState(),
    };
    const upcast = model.upcast(event.type, event.schemaVersion, event.data);
    this.states.set(event.stream, { ...current, state: model.evolve(current.state, upcast) });
  }

  /** The resources that exist (whose view is defined), by name. */
  snapshot(include: (view: ResourceView) => boolean = () => true): NetworkSnapshot {
    const views = new Map<string, ResourceView>();
    for (const { kind, name, state } of this.states.values()) {
      const fields = this.models[kind].view(state);
      if (fields === undefined) continue;
      const view = { kind, name, fields };
      if (include(view)) views.set(name, view);
    }
    return new Map([...views].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** One stream's current view. */
  viewOf(stream: string): ResourceView | undefined {
    const entry = this.states.get(stream);
    if (entry === undefined) return undefined;
    const fields = this.models[entry.kind].view(entry.state);
    return fields === undefined ? undefined : { kind: entry.kind, name: entry.name, fields };
  }
}

/** Whether `name` is `scope` or under it (`tenants/acme` covers `tenants/acme/vpcs/blue`). */
export function isUnder(name: string, scope: string): boolean {
  return name === scope || name.startsWith(`${scope}/`);
}
