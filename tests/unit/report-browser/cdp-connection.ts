import { WebSocket } from 'undici';
import { withTimeout } from '../../../helpers/util/timeout.js';

/** One Chrome DevTools Protocol event as it arrived, kept so that assertions can look back. */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Pending {
  method: string;
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

interface Waiter {
  method: string;
  sessionId: string | undefined;
  resolve: (event: CdpEvent) => void;
}

/**
 * A minimal Chrome DevTools Protocol client over undici's WebSocket (Node 20 has no global one):
 * numbered commands with a timeout each, every event recorded, and waits for an event by name.
 * Sessions are flat (`Target.attachToTarget({ flatten: true })`): a page command carries its sessionId.
 */
export class CdpConnection {
  readonly events: CdpEvent[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private waiters: Waiter[] = [];
  private closedWith: Error | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    socket.addEventListener('message', (message) => this.onMessage(String(message.data)));
    socket.addEventListener('close', () => this.fail(new Error('DevTools connection closed')));
  }

  static async open(url: string, timeoutMs: number): Promise<CdpConnection> {
    const socket = new WebSocket(url);
    const opened = new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`DevTools WebSocket ${url} failed to open`)), {
        once: true,
      });
    });
    try {
      await withTimeout(opened, timeoutMs, `DevTools WebSocket ${url}`);
    } catch (error) {
      socket.close();
      throw error;
    }
    return new CdpConnection(socket, timeoutMs);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
    });
    this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return withTimeout(answer, this.timeoutMs, `DevTools ${method}`).finally(() => this.pending.delete(id));
  }

  /** The next `method` event (of `sessionId`); register before the command that triggers it. */
  nextEvent(method: string, sessionId: string | undefined, timeoutMs = this.timeoutMs): Promise<CdpEvent> {
    let waiter: Waiter | undefined;
    const event = new Promise<CdpEvent>((resolve) => {
      waiter = { method, sessionId, resolve };
      this.waiters.push(waiter);
    });
    return withTimeout(event, timeoutMs, `DevTools event ${method}`).finally(() => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  close(): void {
    this.fail(new Error('DevTools connection closed'));
    this.socket.close();
  }

  private onMessage(data: string): void {
    const message = JSON.parse(data) as {
      id?: number;
      method?: string;
      params?: Record<string, unknown>;
      result?: Record<string, unknown>;
      error?: { message: string };
      sessionId?: string;
    };
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      if (message.error) pending.reject(new Error(`DevTools ${pending.method}: ${message.error.message}`));
      else pending.resolve(message.result ?? {});
      return;
    }
    if (!message.method) return;
    const event: CdpEvent = {
      method: message.method,
      params: message.params ?? {},
      ...(message.sessionId ? { sessionId: message.sessionId } : {}),
    };
    this.events.push(event);
    for (const waiter of this.waiters) {
      if (waiter.method === event.method && waiter.sessionId === event.sessionId) waiter.resolve(event);
    }
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
