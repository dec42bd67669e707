import readline from 'node:readline';
import { CliError } from './errors.js';

/**
 * Asks on the terminal without echoing what is typed (the question goes to stderr, so stdout stays clean). Ctrl-C or
 * Ctrl-D cancels; nothing typed is ever written anywhere.
 */
export function askHidden(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const internals = rl as unknown as { _writeToOutput: (s: string) => void };
  const write = internals._writeToOutput;
  let asked = false;
  // readline echoes through this one method: let the question through, then nothing.
  internals._writeToOutput = function (s: string) {
    if (!asked) {
      asked = true;
      write.call(rl, s);
    }
  };
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      process.stderr.write('\n');
      if (!answered) reject(new CliError('cancelled: nothing was typed', 130));
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}
