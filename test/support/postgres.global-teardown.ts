import { rm } from 'node:fs/promises';

export default async function stopTestPostgres(): Promise<void> {
  const running = globalThis.loomTestPostgres;
  if (!running) return;
  await running.server.stop();
  await rm(running.dataDir, { recursive: true, force: true });
}
