// An OTLP/HTTP trace export body (protobuf or JSON) → the OTLP/JSON object the
// `otlp` ingest format reads from files. Protobuf goes through protobufjs with
// the official opentelemetry-proto definitions (otlp-descriptor.ts), so a
// collected request and a line of an OTLP JSON file are one shape.
import protobuf from 'protobufjs';
import { OTLP_TRACE_DESCRIPTOR } from './otlp-descriptor.ts';
import { checkOtlp } from '../ingest/formats/otel.ts';

const root = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR);
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
// google.rpc.Status, the error body OTLP/HTTP asks for, built with the same library
// (only its code and message; details stay empty).
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);

/** The body cannot be used: the receiver answers 400 and the sender must not retry it. */
export class BadExportError extends Error {}

type Dict = Record<string, unknown>;

// OTLP/JSON spells ids as hex, other bytes as base64, 64-bit integers as
// decimal strings and enums as numbers (the OTLP specification's JSON mapping).
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false };

function hexOf(b64: unknown): unknown {
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('hex') : b64;
}

export function decodeProtobuf(body: Uint8Array): Dict {
  let msg: protobuf.Message;
  try {
    msg = Request.decode(body);
  } catch (err) {
    throw new BadExportError(`not an OTLP ExportTraceServiceRequest in protobuf: ${(err as Error).message}`);
  }
  const obj = Request.toObject(msg, TO_OBJECT) as Dict;
  mapSpanIds(obj, hexOf);
  return obj;
}

/** Rewrites every span's (and link's) ids with `fn`: base64 ↔ hex between protobuf's bytes and OTLP/JSON. */
function mapSpanIds(req: Dict, fn: (v: unknown) => unknown): void {
  for (const rs of (req.resourceSpans as Dict[] | undefined) ?? []) {
    for (const ss of (rs.scopeSpans as Dict[] | undefined) ?? []) {
      for (const sp of (ss.spans as Dict[] | undefined) ?? []) {
        sp.traceId = fn(sp.traceId);
        sp.spanId = fn(sp.spanId);
        if (sp.parentSpanId !== undefined) sp.parentSpanId = fn(sp.parentSpanId);
        for (const l of (sp.links as Dict[] | undefined) ?? []) {
          l.traceId = fn(l.traceId);
          l.spanId = fn(l.spanId);
        }
      }
    }
  }
}

export function decodeJson(body: Uint8Array): Dict {
  let obj: unknown;
  try {
    obj = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (err) {
    throw new BadExportError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new BadExportError('not an OTLP ExportTraceServiceRequest: expected a JSON object');
  const rs = (obj as Dict).resourceSpans ?? (obj as Dict).resource_spans;
  if (rs !== undefined && !Array.isArray(rs)) throw new BadExportError('not an OTLP ExportTraceServiceRequest: resourceSpans is not an array');
  return obj as Dict;
}

/**
 * Refuses now (400) what the `otlp` ingest format would reject when the store
 * reads it, where the sender would never hear of it. Returns its spans.
 */
export function checkExport(req: Dict): number {
  const { spans, problem } = checkOtlp(req);
  if (problem !== null) throw new BadExportError(problem);
  return spans;
}

/** The success body: an empty ExportTraceServiceResponse. */
export function successBody(json: boolean): Buffer {
  return json ? Buffer.from('{}') : Buffer.from(Response.encode(Response.create({})).finish());
}

/** A google.rpc.Status error body in the request's encoding. */
export function statusBody(json: boolean, code: number, message: string): Buffer {
  return json ? Buffer.from(JSON.stringify({ code, message })) : Buffer.from(Status.encode(Status.create({ code, message })).finish());
}

/** Test and benchmark helper: the protobuf encoding of an OTLP/JSON-shaped request (ids in hex). */
export function encodeProtobuf(req: Dict): Uint8Array {
  const copy = structuredClone(req) as Dict;
  mapSpanIds(copy, (hex) => (typeof hex === 'string' ? Buffer.from(hex, 'hex').toString('base64') : hex));
  return Request.encode(Request.fromObject(copy)).finish();
}
