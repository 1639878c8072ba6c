import { maskText } from '../config/mask.js';

/** A service of the stack did not come up: which one, why, the tail of its log, what to try. */
export class StackStartError extends Error {
  readonly service: string;
  readonly logTail: string | undefined;
  readonly hint: string;

  constructor(service: string, reason: string, hint: string, logTail?: string) {
    const tail = logTail ? `\n--- last lines of the ${service} log ---\n${logTail}` : '';
    super(maskText(`${service} did not start: ${reason}${tail}\nhint: ${hint}`));
    this.name = 'StackStartError';
    this.service = service;
    this.logTail = logTail;
    this.hint = hint;
  }
}
