import type { DomainEvent } from './decider';

/** Turns the data of one schema version into the data of the next. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventSchema {
  /** The version new events are written with. */
  readonly current: number;
  /** upcasters[n] upgrades version n to n + 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

/**
 * Every stored event type with its schema version. Reading an event written with an older
 * version runs it through the upcasters in order, so deciders and projections only ever see
 * the current shape.
 */
export class EventCatalog {
  constructor(private readonly schemas: Readonly<Record<string, EventSchema>>) {}

  versionOf(type: string): number {
    const schema = this.schemas[type];
    if (!schema) throw new Error(`event type ${type} is not in the catalog`);
    return schema.current;
  }

  upcast(type: string, schemaVersion: number, data: unknown): DomainEvent {
    const schema = this.schemas[type];
    if (!schema) throw new Error(`event type ${type} is not in the catalog`);
    if (schemaVersion > schema.current) {
      throw new Error(
        `event ${type} has schema version ${schemaVersion}, newer than this build knows (${schema.current})`,
      );
    }
    let upgraded = data as Record<string, unknown>;
    for (let version = schemaVersion; version < schema.current; version += 1) {
      const upcaster = schema.upcasters?.[version];
      if (!upcaster) throw new Error(`no upcaster for ${type} from version ${version}`);
      upgraded = upcaster(upgraded);
    }
    return { type, data: upgraded };
  }
}
