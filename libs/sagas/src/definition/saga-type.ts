import type { JsonInput } from './jsonable';
import { InvalidSagaDefinitionError, isSagaType } from './saga-names';

/** Exists only in types: the key under which a SagaType carries its input type. */
declare const sagaInput: unique symbol;

/**
 * A saga type by its stored name, carrying the type of its input so that `Sagas.start` checks
 * what it is given. Made by `sagaType` or `defineSaga`, which check that the input is JSON; every
 * SagaDefinition is one.
 */
export interface SagaType<Input> {
  /** Stored with every saga of this type; workers only claim the types they have definitions for. */
  readonly type: string;
  /** Never set: it types the input (and makes a plain `{ type }` no handle). */
  readonly [sagaInput]: Input;
}

/**
 * `const provisionPort = sagaType<PortInput>('provision-port')`: a handle for starting sagas where
 * the definition is out of reach (it is built later, from dependencies the starter does not have),
 * and for `defineSaga({ type: provisionPort, steps })`.
 */
export function sagaType<Input>(type: string & JsonInput<Input>): SagaType<Input> {
  return { type: checkedSagaType(type) } as SagaType<Input>;
}

export function checkedSagaType(type: string): string {
  if (!isSagaType(type)) {
    throw new InvalidSagaDefinitionError(`invalid saga type ${JSON.stringify(type)}`);
  }
  return type;
}
