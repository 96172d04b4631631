import { loadLoomPackageDefinition } from './proto-loading';
import { fieldMaskPaths, toWireFieldMask } from './field-mask';

describe('field masks in both shapes', () => {
  it('read the paths of the generated string[] and of the wire {paths}', () => {
    expect(fieldMaskPaths(['display_name', 'quota'])).toEqual(['display_name', 'quota']);
    expect(fieldMaskPaths({ paths: ['display_name'] })).toEqual(['display_name']);
    expect(fieldMaskPaths({})).toEqual([]);
    expect(fieldMaskPaths(null)).toEqual([]);
    expect(fieldMaskPaths(undefined)).toEqual([]);
  });

  it('send through proto-loader only as {paths}: a bare array would arrive empty', () => {
    const definition = loadLoomPackageDefinition()['loom.v1.TenantService'];
    if (!definition || 'format' in definition) throw new Error('no TenantService');
    const update = definition['UpdateTenant']!;
    const roundTrip = (request: object): unknown =>
      update.requestDeserialize(update.requestSerialize(request));

    expect(roundTrip({ updateMask: toWireFieldMask(['display_name']) })).toMatchObject({
      updateMask: { paths: ['display_name'] },
    });
    expect(roundTrip({ updateMask: ['display_name'] })).toMatchObject({
      updateMask: { paths: [] },
    });
    expect(toWireFieldMask(undefined)).toBeNull();
  });
});
