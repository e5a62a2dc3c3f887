// A small scripted support agent instrumented with the real OpenTelemetry JS
// SDK (GenAI semantic conventions). Each task is one trace: the agent span, a
// model call, a tool call and a final model call. The planted failure: the
// order service times out on every third task, and those runs fail.
import { appendFileSync } from 'node:fs';
import { ROOT_CONTEXT, SpanStatusCode, trace as otelTrace, type Span, type Tracer } from '@opentelemetry/api';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';

export const PLANTED_ERROR = 'OrderServiceTimeout: upstream order service timed out after 30s';

/** True for the tasks whose order lookup fails. */
export const failsOn = (task: number) => task % 3 === 0;

// Parents are passed explicitly: the test registers no global context manager,
// so two agents with their own providers share one process without crossing.
function runTask(tracer: Tracer, task: number): void {
  const agent = tracer.startSpan('invoke_agent support-bot', {}, ROOT_CONTEXT);
  const under = otelTrace.setSpan(ROOT_CONTEXT, agent);
  const child = (name: string, fn: (s: Span) => void) => {
    const s = tracer.startSpan(name, {}, under);
    fn(s);
    s.end();
  };
  agent.setAttributes({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-bot', 'task.id': `order-${task}` });
  const order = `A${1000 + task}`;
  child('chat gpt-4o', (chat) => {
    chat.setAttributes({
      'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 120 + task, 'gen_ai.usage.output_tokens': 18,
    });
    chat.addEvent('gen_ai.user.message', { content: `Where is my order ${order}?` });
  });
  const failed = failsOn(task);
  child('execute_tool lookup_order', (tool) => {
    tool.setAttributes({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.arguments': JSON.stringify({ order }) });
    if (failed) {
      tool.recordException({ name: 'OrderServiceTimeout', message: 'upstream order service timed out after 30s' });
      tool.setStatus({ code: SpanStatusCode.ERROR, message: PLANTED_ERROR });
    } else {
      tool.setAttribute('gen_ai.tool.call.result', JSON.stringify({ order, status: 'shipped' }));
    }
  });
  child('chat gpt-4o', (chat) => {
    chat.setAttributes({ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 200, 'gen_ai.usage.output_tokens': 25 });
  });
  agent.setAttribute('halo.outcome.success', !failed);
  if (failed) agent.setStatus({ code: SpanStatusCode.ERROR, message: 'could not look up the order' });
  agent.end();
}

/** Writes each finished span as one flat JSON line (trace_id, span_id, …): the agent's own log of its spans. */
export class JsonlSpanExporter implements SpanExporter {
  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], done: (r: { code: number }) => void): void {
    const nanos = ([s, ns]: [number, number]) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();
    const lines = spans.map((s) =>
      JSON.stringify({
        trace_id: s.spanContext().traceId,
        span_id: s.spanContext().spanId,
        parent_span_id: s.parentSpanContext?.spanId ?? null,
        name: s.name,
        kind: s.kind + 1, // the API's INTERNAL is 0; OTLP's is 1
        start_time_unix_nano: nanos(s.startTime),
        end_time_unix_nano: nanos(s.endTime),
        status: { code: s.status.code, message: s.status.message },
        attributes: s.attributes,
        events: s.events.map((e) => ({ name: e.name, time_unix_nano: nanos(e.time), attributes: e.attributes ?? {} })),
        resource: { attributes: s.resource.attributes },
        scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version },
      }),
    );
    appendFileSync(this.path, lines.map((l) => l + '\n').join(''));
    done({ code: 0 });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Runs `tasks` tasks with spans going to `exporter` and to the JSONL file. */
export async function runAgent(opts: { exporter: SpanExporter; jsonl: string; tasks: number; firstTask?: number; service?: string }): Promise<void> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.service ?? 'support-bot', 'service.version': '1.4.0' }),
    spanProcessors: [new BatchSpanProcessor(opts.exporter, { maxExportBatchSize: 7, scheduledDelayMillis: 50 }), new BatchSpanProcessor(new JsonlSpanExporter(opts.jsonl))],
  });
  const tracer = provider.getTracer('support-bot-agent', '0.3.0');
  const first = opts.firstTask ?? 0;
  for (let t = first; t < first + opts.tasks; t++) runTask(tracer, t);
  // Every batch is sent and answered (or has failed) before this returns.
  await provider.forceFlush();
  await provider.shutdown();
}
