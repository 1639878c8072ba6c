import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type Contract, ContractSchema } from './contract-schema.js';

/** A contract file that cannot be used: every problem at once, each with its path in the file. */
export class ContractError extends Error {
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(
      `invalid contract ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ContractError';
    this.problems = problems;
  }
}

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.length === 0
    ? '(top level)'
    : issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
}

/** Parses and validates a contract (YAML or JSON text); names must be unique among objects. */
export function parseContract(text: string, file: string): Contract {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ContractError(file, [`not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  const parsed = ContractSchema.safeParse(data);
  if (!parsed.success)
    throw new ContractError(
      file,
      parsed.error.issues.map((i) => `${pathOf(i)}: ${i.message}`),
    );
  const contract = parsed.data;
  const problems: string[] = [];
  const names = contract.objects.map((o) => o.name);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    problems.push(`objects: the name "${dup}" is used twice`);
  if (contract.pointer && !names.includes(contract.pointer.object)) {
    problems.push(`pointer.object: "${contract.pointer.object}" is not one of the objects (${names.join(', ')})`);
  }
  if (problems.length > 0) throw new ContractError(file, problems);
  return contract;
}

export function loadContract(file: string): Contract {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ContractError(file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
  return parseContract(text, file);
}
