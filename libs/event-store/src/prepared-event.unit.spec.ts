import fc from 'fast-check';
import { AppendTooLargeError, EmptyAppendError, InvalidEventError } from './errors';
import { defaultEventStoreLimits } from './limits';
import { prepareEvents } from './prepared-event';

const context = {
  limits: defaultEventStoreLimits,
  newId: () => '00000000-0000-4000-8000-000000000001',
  now: () => new Date('2026-11-26T00:00:00.000Z'),
};

describe('prepareEvents', () => {
  it('fills in the id, schema version 1 and occurred-at', () => {
    const [event] = prepareEvents(
      'vpc-1',
      [{ type: 'VpcCreated', data: { name: 'blue' } }],
      context,
    );
    expect(event).toMatchObject({
      id: '00000000-0000-4000-8000-000000000001',
      schemaVersion: 1,
      metadata: { occurredAt: '2026-11-26T00:00:00.000Z' },
      dataJson: '{"name":"blue"}',
    });
  });

  it('stores any JSON object exactly as given', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const [event] = prepareEvents('vpc-1', [{ type: 'X', data: data as never }], context);
        expect(JSON.parse(event!.dataJson)).toEqual(JSON.parse(JSON.stringify(data)));
      }),
    );
  });

  it('refuses what JSON or jsonb would change: undefined, NaN, Infinity, NUL, class instances', () => {
    for (const data of [
      { a: undefined },
      { a: Number.NaN },
      { a: Infinity },
      { a: '\u0000' },
      { a: new Map() },
    ]) {
      expect(() => prepareEvents('vpc-1', [{ type: 'X', data: data as never }], context)).toThrow(
        InvalidEventError,
      );
    }
  });

  it('reports the path of the bad value', () => {
    expect(() =>
      prepareEvents(
        'vpc-1',
        [{ type: 'X', data: { subnets: [{ cidr: Number.NaN }] } as never }],
        context,
      ),
    ).toThrow('event 0: data is invalid: data.subnets[0].cidr is not a finite number');
  });

  it('refuses empty and oversized batches', () => {
    expect(() => prepareEvents('vpc-1', [], context)).toThrow(EmptyAppendError);
    const many = Array.from({ length: defaultEventStoreLimits.maxEventsPerAppend + 1 }, () => ({
      type: 'X',
      data: {},
    }));
    expect(() =>
      prepareEvents('vpc-1', many, { ...context, newId: () => crypto.randomUUID() }),
    ).toThrow(AppendTooLargeError);
  });
});
