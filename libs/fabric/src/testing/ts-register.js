// Lets a test's child process run this lib's TypeScript sources directly (`node -r` this file),
// compiling each file on require with the TypeScript compiler already installed. No type check:
// the test run's own compile did that. The lib's sources import each other by relative path only.
/* eslint-disable @typescript-eslint/no-require-imports -- a `node -r` preload hook is CommonJS */
const { readFileSync } = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
    },
  });
  module._compile(outputText, filename);
};
