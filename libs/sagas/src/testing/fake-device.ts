import type { JsonValue } from '@loom/event-store';
import type { StepContext } from '../definition/saga-definition';

/** How a test saga's input makes the fake device misbehave. */
export type FaultyInput = {
  /** The action of this step is refused (before it takes effect). */
  readonly failAt?: string;
  /** Refused only this many times, then accepted; always when absent. */
  readonly failTimes?: number;
  /** The compensation of a step fails this many times, then succeeds. */
  readonly compensationFailTimes?: Readonly<Record<string, number>>;
  /** The action of this step takes effect, then never answers (a timeout). */
  readonly hangAt?: string;
  /** Each action takes this long. */
  readonly delayMs?: number;
};

/**
 * A switch as a saga sees it: every operation carries its idempotency key, a repeated key is
 * answered from memory without a second effect (as a real device's dedupe would). It counts the
 * calls and the effects per key, so tests can prove that no operation took effect twice.
 */
export class FakeDevice {
  /** Calls per idempotency key, repeats included. */
  readonly calls = new Map<string, number>();
  /** Effects per idempotency key: at most 1 if the saga engine keeps its promise. */
  readonly effects = new Map<string, number>();
  /** Configuration now on the device, by the key of the action that put it there. */
  readonly configured = new Set<string>();
  /** `do <key>` and `undo <key>` in the order they took effect. */
  readonly log: string[] = [];
  /** Called before each action (after counting it): tests hold or observe actions here. */
  beforeAction: ((context: StepContext<FaultyInput>) => Promise<void>) | undefined;
  private readonly answers = new Map<string, JsonValue>();
  private healed = false;

  /** From now on every compensation succeeds (an operator fixed the switch). */
  heal(): void {
    this.healed = true;
  }

  async action(context: StepContext<FaultyInput>): Promise<JsonValue> {
    const { idempotencyKey: key, input, step } = context;
    const calls = this.count(key);
    await this.beforeAction?.(context);
    if (input.delayMs) await pause(input.delayMs);
    if (input.failAt === step && calls <= (input.failTimes ?? Number.POSITIVE_INFINITY)) {
      throw new Error(`the switch refused ${step}`);
    }
    const answer = this.apply(key, () => {
      this.configured.add(key);
      return { configured: step, previous: Object.keys(context.results) };
    });
    if (input.hangAt === step) await new Promise(() => undefined);
    return answer;
  }

  async compensation(context: StepContext<FaultyInput>): Promise<void> {
    const { idempotencyKey: key, input, step, sagaId } = context;
    const calls = this.count(key);
    await Promise.resolve();
    if (!this.healed && calls <= (input.compensationFailTimes?.[step] ?? 0)) {
      throw new Error(`the switch could not remove ${step}`);
    }
    const actionKey = `${sagaId}:${step}`;
    // Undoing what was never done is a no-op, as compensations must be.
    if (!this.configured.has(actionKey)) return;
    this.apply(key, () => {
      this.configured.delete(actionKey);
      return null;
    });
  }

  /** This saga's lines of the log, without the saga id prefix. */
  logOf(sagaId: string): string[] {
    return this.log
      .filter((line) => line.split(' ')[1]?.startsWith(`${sagaId}:`))
      .map((line) => line.replace(`${sagaId}:`, ''));
  }

  private apply(key: string, effect: () => JsonValue): JsonValue {
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    this.effects.set(key, (this.effects.get(key) ?? 0) + 1);
    this.log.push(
      `${key.endsWith(':compensate') ? 'undo' : 'do'} ${key.replace(/:compensate$/, '')}`,
    );
    const answer = effect();
    this.answers.set(key, answer);
    return answer;
  }

  private count(key: string): number {
    const calls = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, calls);
    return calls;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
