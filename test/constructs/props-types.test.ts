/**
 * The props types refuse what the run-time checks refuse, so the editor shows the mistake: the
 * fixture is compiled with the project's compiler options and must have no diagnostics (each
 * `@ts-expect-error` in it meets its error; an unused one is a diagnostic too).
 */
import * as path from 'node:path';
import * as ts from 'typescript';

jest.setTimeout(60_000);

const FIXTURE = path.join(__dirname, 'fixtures', 'props-types.ts');

function diagnosticsOf(file: string): string[] {
  const configPath = path.resolve(__dirname, '../../tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram([file], { ...config.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

test('GIVEN the props types WHEN name and namePrefix (or other refused shapes) are written together THEN tsc rejects each, and accepts the valid shapes', () => {
  expect(diagnosticsOf(FIXTURE)).toEqual([]);
});
