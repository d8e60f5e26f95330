import type { FastifyInstance } from 'fastify';
import { refusalAnswer } from './national/envelope.js';
import { NATIONAL_PATH } from './national/route.js';
import type { ServerContext } from './server-context.js';

/**
 * A bound on the national messages the server works on at once. Beyond it a message is refused at
 * once (`RATE_LIMITED`, infcode -1, before its signature is checked or its body read), instead of
 * waiting behind the others for a database connection: under a burst the excess is answered in
 * about a millisecond and the messages let in keep their latency, where an unbounded queue would
 * make every answer late and end in TIMEOUTs. The per-institution rate limit cannot do this: many
 * institutions each under their own rate can still together send more than the server settles.
 * The bound (TONGCHOU_MAX_IN_FLIGHT, 16 by default) is what the database pool works on at once and
 * a few more being read or answered: by Little's law a message let in waits at most this many over
 * the throughput (16 at 200 settlements/s: 80 ms).
 */

function isNational(url: string): boolean {
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)) === NATIONAL_PATH;
}

/** Count national messages from arrival until their answer is sent (or the client goes); refuse beyond max. */
export function loadShed(app: FastifyInstance, ctx: ServerContext, max = ctx.config.maxInFlight): void {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isNational(request.url)) return;
    if (inFlight >= max) {
      const now = ctx.clock();
      const message = `the server is answering its limit of ${max} messages at once; send the message again in a second`;
      request.log.info({ code: 'RATE_LIMITED', inFlight }, 'national message shed');
      return reply
        .code(200)
        .send(
          refusalAnswer(
            { code: 'RATE_LIMITED', message, path: '' },
            { requestId: request.id, receivedAt: now, respondedAt: now },
          ),
        );
    }
    inFlight += 1;
    reply.raw.once('close', () => (inFlight -= 1));
  });
}
