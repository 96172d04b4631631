import type { JsonValue } from '@loom/event-store';

/**
 * `T` itself when its values come back from JSON.stringify and JSON.parse as they were; otherwise
 * the same shape with `never` where they would not: a Date, a Map, a function, a bigint, `unknown`,
 * a property that may hold undefined (make it optional instead). Unlike JsonValue it asks for no
 * index signature, so a plain interface qualifies.
 */
export type Jsonable<T> = unknown extends T
  ? never
  : T extends JsonValue
    ? T
    : T extends undefined | bigint | symbol | ((...args: never[]) => unknown)
      ? never
      : { [Key in keyof T]: Jsonable<T[Key]> };

/**
 * `unknown` (no constraint) when Input is JSON. Otherwise a property no argument has, so that the
 * call does not compile, and the error shows where: the `never`s in `sagaInputMustBeJson`.
 * (A constraint `Input extends Jsonable<Input>` would be circular; an intersection is not.)
 */
export type JsonInput<Input> = [Input] extends [Jsonable<Input>]
  ? unknown
  : { readonly sagaInputMustBeJson: Jsonable<Input> };
