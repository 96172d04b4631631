import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { Controller, Get, HttpException, Param, Res } from '@nestjs/common';

/**
 * The page and its two files, plain JS and CSS committed in `public/` (no build step). The
 * engine runs from `dist/`, the tests from the sources: both find the folder in the repository.
 */
const publicDirectory = findPublicDirectory(__dirname);

function findPublicDirectory(from: string): string | undefined {
  if (existsSync(join(from, 'public', 'index.html'))) return join(from, 'public');
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'apps/engine/src/dashboard/public');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(directory) === directory) break;
  }
  // Built somewhere else, started from the repository.
  const fromCwd = join(process.cwd(), 'apps/engine/src/dashboard/public');
  return existsSync(join(fromCwd, 'index.html')) ? fromCwd : undefined;
}

const files: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The page may load only its own files and talk only to its own origin. */
const securityHeaders = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-cache',
};

@Controller()
export class DashboardStaticController {
  @Get()
  async page(@Res() res: ServerResponse): Promise<void> {
    await send(res, 'index.html', 'text/html; charset=utf-8');
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() res: ServerResponse): Promise<void> {
    const type = files[file];
    if (type === undefined) throw new HttpException('not found', 404);
    await send(res, file, type);
  }
}

async function send(res: ServerResponse, file: string, type: string): Promise<void> {
  if (publicDirectory === undefined)
    throw new HttpException('the dashboard files are missing', 500);
  const body = await readFile(join(publicDirectory, file));
  res.writeHead(200, { 'Content-Type': type, ...securityHeaders });
  res.end(body);
}
