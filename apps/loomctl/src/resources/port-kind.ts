/** A port's kind as `--kind` takes it (the API's PortKind, in the command line's spelling). */
export const PORT_KIND_FLAGS = ['virtual-machine', 'bare-metal'] as const;
export type PortKindFlag = (typeof PORT_KIND_FLAGS)[number];
