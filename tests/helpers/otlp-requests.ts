// OTLP/JSON ExportTraceServiceRequests made to order, and a raw HTTP client
// for the receiver tests (the SDK's exporters hide status codes and retries).
import { request } from 'node:http';
import { createHash } from 'node:crypto';

const hex = (seed: string, bytes: number) => createHash('sha256').update(seed).digest('hex').slice(0, bytes * 2);

/** One request holding one trace of `spans` spans (a root and its children), ids derived from `seed`. */
export function otlpRequest(seed: string, spans: number, startMs = Date.UTC(2026, 11, 1, 12)): Record<string, unknown> {
  const traceId = hex(`t:${seed}`, 16);
  const root = hex(`s:${seed}:0`, 8);
  const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench-agent' } }] },
        scopeSpans: [
          {
            scope: { name: 'bench', version: '1' },
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId,
              spanId: i === 0 ? root : hex(`s:${seed}:${i}`, 8),
              ...(i === 0 ? {} : { parentSpanId: root }),
              name: i === 0 ? 'invoke_agent bench' : i % 2 ? 'chat gpt-4o' : 'execute_tool search',
              kind: 1,
              startTimeUnixNano: nanos(startMs + i * 10),
              endTimeUnixNano: nanos(startMs + i * 10 + 5),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: i === 0 ? 'invoke_agent' : i % 2 ? 'chat' : 'execute_tool' } },
                ...(i % 2 === 0 && i > 0 ? [{ key: 'gen_ai.tool.name', value: { stringValue: 'search' } }] : []),
                { key: 'step', value: { intValue: String(i) } },
              ],
              status: {},
            })),
          },
        ],
      },
    ],
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function post(url: string, body: Buffer | Uint8Array, headers: Record<string, string | number>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-length': body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
