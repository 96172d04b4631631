import { AbortedError, NotFoundError } from '@loom/errors';
import type { Decider, DomainEvent } from '@loom/intents';
import { specify } from '@loom/intents/testing';

/** A resource's decider as the lifecycle contract drives it: renames and deletes under etags. */
export interface ResourceLifecycle<Command, Event extends DomainEvent, State> {
  readonly decider: Decider<Command, Event, State>;
  /** The resource's name, as its refusals carry it. */
  readonly name: string;
  /** The resource as created: version 1, etag `"1"`. */
  readonly created: NoInfer<Event>;
  /** Its display name in `created`. */
  readonly displayName: string;
  readonly update: (displayName: string, etag?: string) => NoInfer<Command>;
  readonly updated: (displayName: string) => NoInfer<Event>;
  readonly remove: (etag?: string) => NoInfer<Command>;
  /** What deleting `created` decides. */
  readonly deleted: NoInfer<Event>;
}

/**
 * What every renamable resource's decider does (VPCs, subnets, ports): a rename or a delete
 * with no etag, an empty one or the current one goes ahead, a stale one is refused, each rename
 * is a new version, and nothing is decided for a resource that does not exist or was deleted.
 */
export function describeResourceLifecycle<Command, Event extends DomainEvent, State>(
  resource: ResourceLifecycle<Command, Event, State>,
): void {
  const { created, name, update, updated, remove, deleted } = resource;
  const given = specify(resource.decider);
  const stale = { reason: 'ETAG_MISMATCH', resourceName: name } as const;

  describe('lifecycle', () => {
    it('renames and deletes with no etag, an empty one or the current one', () => {
      for (const etag of [undefined, '', '"1"']) {
        given([created])
          .when(update('Renamed', etag))
          .then([updated('Renamed')]);
        given([created]).when(remove(etag)).then([deleted]);
      }
    });

    it('decides nothing for a rename to the name it already has', () => {
      given([created]).when(update(resource.displayName, '"1"')).then([]);
    });

    it('refuses a stale etag; each rename is a new version', () => {
      given([created]).when(update('Renamed', '"2"')).thenThrows(AbortedError, stale);
      given([created]).when(remove('"2"')).thenThrows(AbortedError, stale);
      const renamed = [created, updated('Renamed')];
      given(renamed).when(update('Again', '"1"')).thenThrows(AbortedError, stale);
      given(renamed).when(remove('"1"')).thenThrows(AbortedError, stale);
      given(renamed)
        .when(update('Again', '"2"'))
        .then([updated('Again')]);
      given(renamed).when(remove('"2"')).then([deleted]);
    });

    it('refuses a resource that does not exist or was deleted', () => {
      for (const history of [[], [created, deleted]]) {
        given(history).when(update('Renamed')).thenThrows(NotFoundError, { resourceName: name });
        given(history).when(remove()).thenThrows(NotFoundError, { resourceName: name });
      }
    });
  });
}

/** The etag field of an Update or Delete command: absent when none is given. */
export const withEtag = (etag: string | undefined): { readonly etag?: string } =>
  etag === undefined ? {} : { etag };
