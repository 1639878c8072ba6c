import { maskText } from '../config/mask.js';

/** Colour only on a TTY; NO_COLOR disables and FORCE_COLOR enables it (https://no-color.org). */
export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof codes;

export function paint(text: string, colour: Colour, enabled = useColour()): string {
  return enabled ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}

/** Every line the CLI prints goes through the masking function. */
export function out(text: string): void {
  process.stdout.write(`${maskText(text)}\n`);
}

export function err(text: string): void {
  process.stderr.write(`${maskText(text)}\n`);
}

export const EXIT = { ok: 0, checksFailed: 1, usage: 2 } as const;
