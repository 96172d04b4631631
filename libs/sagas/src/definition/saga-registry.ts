import type { AnySagaDefinition } from './saga-definition';

export class UnknownSagaTypeError extends Error {
  readonly code = 'UNKNOWN_SAGA_TYPE';
  constructor(readonly sagaType: string) {
    super(`no saga type ${sagaType} is defined here`);
    this.name = 'UnknownSagaTypeError';
  }
}

/** The definitions a process knows, by type. */
export class SagaRegistry {
  private readonly byType = new Map<string, AnySagaDefinition>();

  constructor(definitions: readonly AnySagaDefinition[]) {
    for (const definition of definitions) {
      if (this.byType.has(definition.type)) {
        throw new Error(`saga type ${definition.type} is defined twice`);
      }
      this.byType.set(definition.type, definition);
    }
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  find(type: string): AnySagaDefinition | undefined {
    return this.byType.get(type);
  }

  get(type: string): AnySagaDefinition {
    const definition = this.byType.get(type);
    if (!definition) throw new UnknownSagaTypeError(type);
    return definition;
  }
}
