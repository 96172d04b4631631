import { UndoLog } from './undo-log';

describe('UndoLog', () => {
  it('takes changes back newest first, all of them even when one fails, and reports failures', async () => {
    const undo = new UndoLog();
    const ran: string[] = [];
    undo.push(() => Promise.resolve(ran.push('first')));
    undo.push(() => Promise.reject(new Error('second failed')));
    undo.push(() => Promise.resolve(ran.push('third')));
    const failures = await undo.rollBack();
    expect(ran).toEqual(['third', 'first']);
    expect(failures).toEqual([new Error('second failed')]);
    // Taken back once: a second roll-back has nothing left to do.
    expect(await undo.rollBack()).toEqual([]);
    expect(ran).toHaveLength(2);
  });
});
