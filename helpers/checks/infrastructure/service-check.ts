import { type ServiceClients, serviceClients } from '../../clients/service-clients.js';
import { maskText } from '../../config/mask.js';
import type { Config } from '../../config/schema.js';
import { type Check, type CheckOutcome, fail, HintedError, skip } from '../check.js';
import { type InfrastructureContext, notRunReason, type ServiceName } from './context.js';

/** What the body of an infrastructure check gets. */
export interface ServiceCheckInput {
  config: Config;
  clients: ServiceClients;
  /** The deadline of each network call: config.timeouts.requestMs. */
  timeoutMs: number;
  /**
   * Evidence collected so far. The body fills it as it goes; on an exception it is attached to
   * the failure, so a failed check still shows what was observed before it failed.
   */
  evidence: Record<string, unknown>;
}

export interface ServiceCheckSpec {
  id: `infrastructure.${string}.${string}`;
  title: string;
  /** Services the check talks to; skipped with the reason when the target does not run one. */
  needs: readonly ServiceName[];
  run(input: ServiceCheckInput): Promise<CheckOutcome>;
}

/**
 * An infrastructure check with the common parts done once: skip when the target does not run the
 * service or it has no endpoint, shared or own clients, and a client error turned into a failure
 * with its hint and the evidence gathered so far. Never throws.
 */
export function serviceCheck(spec: ServiceCheckSpec): Check<InfrastructureContext> {
  return {
    id: spec.id,
    stage: 'infrastructure',
    title: spec.title,
    async run(ctx) {
      const reason = notRunReason(ctx, spec.needs);
      if (reason) return skip(reason, { services: [...spec.needs] });
      const own = ctx.clients === undefined;
      const clients = ctx.clients ?? serviceClients(ctx.config);
      const evidence: Record<string, unknown> = {};
      try {
        return await spec.run({ config: ctx.config, clients, timeoutMs: ctx.config.timeouts.requestMs, evidence });
      } catch (error) {
        const message = maskText(error instanceof Error ? error.message : String(error));
        return fail(message, error instanceof HintedError ? error.hint : undefined, evidence);
      } finally {
        if (own) await clients.close();
      }
    },
  };
}
