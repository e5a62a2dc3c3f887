// src/ingest/reader.ts
import { closeSync, createReadStream, openSync, readSync, readdirSync, realpathSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { join, extname, isAbsolute } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";

// src/ingest/time-outliers.ts
var DAY = 864e5;
var MIN_FENCE = 30 * DAY;
var IQR_FACTOR = 10;
var MIN_TRACES = 3;
function findTimeOutliers(traces2) {
  const out = /* @__PURE__ */ new Set();
  if (traces2.length < MIN_TRACES) return out;
  const starts = traces2.map((t2) => t2.startTime).filter(Number.isFinite).sort((a, b) => a - b);
  if (starts.length < MIN_TRACES) return out;
  const q1 = starts[Math.floor((starts.length - 1) * 0.25)];
  const q3 = starts[Math.floor((starts.length - 1) * 0.75)];
  const fence = Math.max(IQR_FACTOR * (q3 - q1), MIN_FENCE);
  for (const t2 of traces2) if (t2.startTime < q1 - fence || t2.startTime > q3 + fence) out.add(t2);
  return out;
}

// src/ingest/lines.ts
var CR = 13;
function forEachLine(text, firstLine, onLine) {
  const len = text.length;
  let lineNo = firstLine;
  let start = 0;
  while (start < len) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = len;
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    onLine(text.slice(start, stop), lineNo++);
    start = end + 1;
  }
  return lineNo;
}

// src/ingest/values.ts
function setKey(out, key, value) {
  if (key.length === 9 && key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function str(v) {
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}
function num(v) {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
function int64(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}
function anyValue(v, depth = 0) {
  if (!isObject(v)) return v;
  if (depth > 64) return v;
  const s = v.stringValue;
  if (s !== void 0) return s;
  const i = v.intValue;
  if (i !== void 0) return int64(i);
  const d = v.doubleValue;
  if (d !== void 0) return typeof d === "number" ? d : num(d) ?? d;
  const b = v.boolValue;
  if (b !== void 0) return b;
  const arr = v.arrayValue;
  if (arr !== void 0) {
    const vals = isObject(arr) ? arr.values : void 0;
    return Array.isArray(vals) ? vals.map((x) => anyValue(x, depth + 1)) : [];
  }
  const kvl = v.kvlistValue;
  if (kvl !== void 0) {
    const vals = isObject(kvl) ? kvl.values : void 0;
    const out = {};
    if (Array.isArray(vals)) {
      for (const kv of vals) if (isObject(kv) && typeof kv.key === "string") setKey(out, kv.key, anyValue(kv.value, depth + 1));
    }
    return out;
  }
  const bytes = v.bytesValue;
  if (bytes !== void 0) return bytes;
  for (const _ in v) return v;
  return null;
}
function flattenInto(out, key, value, depth = 0) {
  if (isObject(value) && depth < 8) {
    let any = false;
    for (const k in value) {
      any = true;
      flattenInto(out, key === "" ? k : key + "." + k, value[k], depth + 1);
    }
    if (!any && key !== "") setKey(out, key, value);
    return;
  }
  if (key !== "") setKey(out, key, value);
}
var SHARE_MIN = 1;
var POOL_MAX = 8e6;
var StringPool = class {
  table = /* @__PURE__ */ new Map();
  share(v) {
    if (v.length < SHARE_MIN) return v;
    const hit = this.table.get(v);
    if (hit !== void 0) return hit;
    if (this.table.size < POOL_MAX) this.table.set(v, v);
    return v;
  }
  clear() {
    this.table.clear();
  }
};
function otlpAttributes(list2, out, prefix = "", visitor, pool) {
  if (!Array.isArray(list2)) return out;
  for (let i = 0; i < list2.length; i++) {
    const kv = list2[i];
    if (!isObject(kv)) continue;
    const k = kv.key;
    if (typeof k !== "string") continue;
    let value = anyValue(kv.value);
    if (pool !== void 0 && typeof value === "string" && value.length >= SHARE_MIN) value = pool.share(value);
    const key = prefix === "" ? k : prefix + k;
    if (isObject(value)) {
      if (visitor === void 0 && pool === void 0) flattenInto(out, key, value);
      else {
        const flat = {};
        flattenInto(flat, key, value);
        for (const fk in flat) {
          let fv = flat[fk];
          if (pool !== void 0 && typeof fv === "string") fv = pool.share(fv);
          setKey(out, fk, fv);
          if (visitor !== void 0) visitor.visit(fk, fv);
        }
      }
    } else {
      if (key === "__proto__") setKey(out, key, value);
      else out[key] = value;
      if (visitor !== void 0) visitor.visit(key, value);
    }
  }
  return out;
}
var B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
var ZEROS = /^0+$/;
function normalizeId(v, base64 = false) {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string" || v === "") return null;
  let start = 0;
  if (v.length > 2 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) === 120 || v.charCodeAt(1) === 88)) start = 2;
  let hex = true;
  let upper = false;
  let zeros = true;
  for (let i = start; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (c !== 48) zeros = false;
    } else if (c >= 97 && c <= 102) zeros = false;
    else if (c >= 65 && c <= 70) {
      zeros = false;
      upper = true;
    } else {
      hex = false;
      break;
    }
  }
  if (hex) {
    if (zeros) return null;
    const s = start === 0 ? v : v.slice(start);
    return upper ? s.toLowerCase() : s;
  }
  if (base64 && looksBase64Id(v)) {
    const decoded2 = base64ToHex(v);
    if (decoded2 !== null) return ZEROS.test(decoded2) ? null : decoded2;
  }
  return v;
}
function looksBase64Id(v) {
  const n = v.length;
  return (n === 24 && v.endsWith("==") || n === 12 && v.charCodeAt(11) === 61) && B64.test(v);
}
function b64digit(c) {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43 || c === 45) return 62;
  if (c === 47 || c === 95) return 63;
  return -1;
}
function base64ToHex(s) {
  let bits = 0;
  let acc = 0;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 61) break;
    const d = b64digit(c);
    if (d < 0) return null;
    acc = acc << 6 | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = acc >> bits & 255;
      out += (byte < 16 ? "0" : "") + byte.toString(16);
    }
  }
  return out === "" ? null : out;
}
var TZ = /(Z|[+-]\d{2}:?\d{2})$/i;
function toMs(v) {
  if (typeof v === "number") return Number.isFinite(v) ? scaleEpoch(v) : null;
  if (typeof v !== "string" || v === "") return null;
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57 && v.length > 4 && v.charCodeAt(4) !== 45) {
    if (v.length > 16 && !v.includes(".") && !v.includes("e")) {
      const ms = Number(v.slice(0, v.length - 6));
      const frac = Number(v.slice(v.length - 6)) / 1e6;
      return Number.isFinite(ms) ? ms + frac : null;
    }
    const n = Number(v);
    return Number.isFinite(n) ? scaleEpoch(n) : null;
  }
  const fast = isoToMs(v);
  if (fast !== null) return fast;
  let t2 = Date.parse(v);
  if (Number.isNaN(t2)) return null;
  if (!TZ.test(v) && v.length > 10) {
    t2 = Date.parse(v + "Z");
    if (Number.isNaN(t2)) return null;
  }
  return t2;
}
function digits(s, at, n) {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}
function isoToMs(s) {
  if (s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 32 && sep !== 116) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return null;
  let i = 19;
  let frac = 0;
  if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
    i++;
    let scale = 100;
    const from = i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      frac += c * scale;
      scale /= 10;
    }
    if (i === from) return null;
  }
  let offset = 0;
  if (i < s.length) {
    const z = s.charCodeAt(i);
    if ((z === 90 || z === 122) && i + 1 === s.length) offset = 0;
    else if (z === 43 || z === 45) {
      const oh = digits(s, i + 1, 2);
      const om = s.charCodeAt(i + 3) === 58 ? digits(s, i + 4, 2) : digits(s, i + 3, 2);
      const end = s.charCodeAt(i + 3) === 58 ? i + 6 : i + 5;
      if (oh < 0 || om < 0 || end !== s.length) return null;
      offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 6e4;
    } else return null;
  }
  const t2 = Date.UTC(y, mo - 1, d, h, mi, se) + frac - offset;
  return Number.isFinite(t2) ? t2 : null;
}
function scaleEpoch(n) {
  const a = Math.abs(n);
  if (a >= 1e17) return n / 1e6;
  if (a >= 1e14) return n / 1e3;
  if (a >= 1e11) return n;
  return n * 1e3;
}
function tryParseJson(s) {
  const c = s.charCodeAt(0);
  if (c !== 123 && c !== 91 && c !== 34) {
    let i = 0;
    while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 10 || s.charCodeAt(i) === 9 || s.charCodeAt(i) === 13)) i++;
    const d = s.charCodeAt(i);
    if (d !== 123 && d !== 91) return void 0;
  }
  try {
    return JSON.parse(s);
  } catch {
    return void 0;
  }
}
var ARG_CACHE = /* @__PURE__ */ new Map();
var ARG_CACHE_MAX = 8192;
var NOT_JSON = /* @__PURE__ */ Symbol("not-json");
function parseCached(v) {
  let parsed = ARG_CACHE.get(v);
  if (parsed !== void 0) return parsed;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = NOT_JSON;
  }
  if (ARG_CACHE.size >= ARG_CACHE_MAX) ARG_CACHE.clear();
  ARG_CACHE.set(v, parsed);
  return parsed;
}
function parseArguments(v) {
  if (typeof v !== "string") return { value: v ?? null, invalid: false };
  if (v === "" || v.trim() === "") return { value: v, invalid: false };
  const parsed = parseCached(v);
  return parsed === NOT_JSON ? { value: v, invalid: true } : { value: parsed, invalid: false };
}
function hashString(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
var ISO_DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
function isoDurationMs(v) {
  const m = ISO_DURATION.exec(v);
  if (m === null || v === "P" || v.endsWith("T")) return null;
  const n = (i) => m[i] === void 0 ? 0 : Number(m[i]);
  const ms = (((n(2) * 7 + n(3)) * 24 + n(4)) * 60 + n(5)) * 6e4 + n(6) * 1e3;
  return m[1] ? -ms : ms;
}

// src/ingest/formats/tool-input.ts
var WRAPPER_KEYS = /* @__PURE__ */ new Set(["args", "kwargs", "sanitize_inputs_outputs"]);
function unwrapFrameworkArguments(span, tool) {
  const a = tool.arguments;
  if (!isObject(a)) return;
  let wrapper = false;
  for (const k in a) {
    if (!WRAPPER_KEYS.has(k)) return;
    if (k === "args" || k === "kwargs") wrapper = true;
  }
  if (!wrapper) return;
  const args = Array.isArray(a.args) ? a.args : [];
  const kwargs = isObject(a.kwargs) ? a.kwargs : {};
  const named = { ...kwargs };
  if (args.length > 0) {
    const params = declaredParameterOrder(span);
    if (params !== null && args.length <= params.length) {
      for (let i = 0; i < args.length; i++) named[params[i]] = args[i];
    } else {
      tool.positionalArguments = args;
    }
  }
  tool.arguments = named;
  span.attributes["halo.tool_input_unwrapped"] = "args/kwargs";
}
function declaredParameterOrder(span) {
  let spec = span.attributes["tool.parameters"] ?? span.attributes["tool.json_schema"];
  if (typeof spec === "string") spec = tryParseJson(spec);
  if (!isObject(spec)) return null;
  const props = isObject(spec.properties) && (spec.type === "object" || spec.type === void 0) ? spec.properties : spec;
  const names = Object.keys(props);
  return names.length > 0 ? names : null;
}

// src/ingest/formats/common.ts
var RecordError = class extends Error {
  constructor(message3) {
    super(message3);
    this.name = "RecordError";
  }
};
function newSpan(traceId, spanId, name) {
  return {
    spanId,
    parentId: null,
    traceId,
    name,
    kind: "other",
    startTime: 0,
    endTime: 0,
    durationMs: 0,
    status: "unset",
    statusMessage: null,
    model: null,
    tool: null,
    input: null,
    output: null,
    messages: null,
    tokens: null,
    costUsd: null,
    error: null,
    events: [],
    attributes: {},
    // Declared up front so every span has one shape (fast property access in
    // detectors); stays undefined unless a normalizer finds a hint.
    agentName: void 0,
    hints: void 0
  };
}
function setHint(span, key, value) {
  if (value === null || value === void 0) return;
  const hints = span.hints ?? (span.hints = {});
  if (hints[key] === void 0) hints[key] = value;
}
function setTokens(span, input, output, total) {
  if (input === null && output === null && total === null) return;
  const i = input ?? 0;
  const o = output ?? 0;
  span.tokens = { input: i, output: o, total: total ?? i + o };
}
function parseStatus(code) {
  if (code === 2 || code === "2") return "error";
  if (code === 1 || code === "1") return "ok";
  if (code === 0 || code === "0") return "unset";
  if (typeof code !== "string") return null;
  switch (code.toUpperCase()) {
    case "STATUS_CODE_ERROR":
    case "ERROR":
    case "STATUSCODE.ERROR":
      return "error";
    case "STATUS_CODE_OK":
    case "OK":
    case "STATUSCODE.OK":
      return "ok";
    case "STATUS_CODE_UNSET":
    case "UNSET":
    case "STATUSCODE.UNSET":
      return "unset";
  }
  return null;
}
function contentText(c) {
  if (typeof c === "string") return c;
  if (c === null || c === void 0) return "";
  if (Array.isArray(c)) {
    let out = "";
    for (const part of c) {
      const t2 = typeof part === "string" ? part : isObject(part) ? str(part.text) ?? str(part.content) ?? "" : "";
      if (t2 !== "") out = out === "" ? t2 : out + "\n" + t2;
    }
    return out;
  }
  if (typeof c === "number" || typeof c === "boolean") return String(c);
  return JSON.stringify(c);
}
function toToolCall(tc) {
  if (!isObject(tc)) return null;
  const fn = isObject(tc.function) ? tc.function : tc;
  const name = str(fn.name) ?? (typeof tc.function === "string" ? str(tc.function) : null);
  if (name === null) return null;
  const call = { name, arguments: parseArguments(fn.arguments ?? fn.input ?? fn.args).value };
  const id = str(tc.id) ?? str(tc.call_id);
  if (id !== null) call.id = id;
  return call;
}
function toMessage(m) {
  if (!isObject(m)) return null;
  if (m.type === "function_call" && m.role === void 0) {
    const call = toToolCall({ id: m.call_id ?? m.id, name: m.name, arguments: m.arguments });
    return { role: "assistant", content: "", ...call !== null ? { toolCalls: [call] } : {} };
  }
  if (m.type === "function_call_output" && m.role === void 0) {
    const msg2 = { role: "tool", content: contentText(m.output) };
    const id = str(m.call_id);
    if (id !== null) msg2.toolCallId = id;
    return msg2;
  }
  const role = str(m.role) ?? str(m.type) ?? "unknown";
  const msg = { role, content: contentText(m.content ?? m.parts ?? m.text) };
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
    const calls = [];
    for (const tc of m.tool_calls) {
      const c = toToolCall(tc);
      if (c !== null) calls.push(c);
    }
    if (calls.length > 0) msg.toolCalls = calls;
  } else if (Array.isArray(m.parts)) {
    const calls = [];
    for (const p of m.parts) {
      if (!isObject(p)) continue;
      if (p.type === "tool_call") {
        const c = toToolCall(p);
        if (c !== null) calls.push(c);
      } else if (p.type === "tool_call_response") {
        const id = str(p.id);
        if (id !== null) msg.toolCallId = id;
        if (msg.content === "") msg.content = contentText(p.response ?? p.result);
      }
    }
    if (calls.length > 0) msg.toolCalls = calls;
  }
  const tcid = str(m.tool_call_id);
  if (tcid !== null) msg.toolCallId = tcid;
  const name = str(m.name);
  if (name !== null) msg.name = name;
  return msg;
}
function toMessages(list2) {
  if (!Array.isArray(list2)) return null;
  const out = [];
  for (const m of list2) {
    const msg = toMessage(m);
    if (msg !== null) out.push(msg);
  }
  return out.length > 0 ? out : null;
}
var KIND_WORDS = {
  agent: "agent",
  llm: "llm",
  generation: "llm",
  chat: "llm",
  completion: "llm",
  tool: "tool",
  function: "tool",
  chain: "chain",
  span: "chain",
  workflow: "chain",
  retriever: "retriever",
  reranker: "retriever",
  embedding: "embedding",
  guardrail: "guardrail",
  evaluator: "evaluator",
  prompt: "chain",
  parser: "chain"
};
function kindFromWord(w) {
  if (typeof w !== "string") return null;
  return KIND_WORDS[w.toLowerCase()] ?? null;
}
function finishSpan(span) {
  for (let i = 0; i < span.events.length; i++) {
    const ev = span.events[i];
    if (ev.name === "exception") {
      const a = ev.attributes;
      const message3 = str(a["exception.message"]) ?? str(a["exception.type"]) ?? "exception";
      if (span.error === null) span.error = { type: str(a["exception.type"]), message: message3 };
      span.status = "error";
    }
  }
  if (span.status === "error" && span.error === null) span.error = { type: null, message: span.statusMessage ?? "error" };
  if (span.error !== null) {
    span.status = "error";
    if (span.statusMessage === null) span.statusMessage = span.error.message;
  }
  if (span.kind === "other") {
    if (span.tool !== null) span.kind = "tool";
    else if (span.model !== null || span.tokens !== null) span.kind = "llm";
  }
  if (span.kind === "tool") {
    if (span.tool === null) span.tool = { name: span.name, arguments: null, result: null };
    const t2 = span.tool;
    if (t2.arguments === null || t2.arguments === void 0) {
      if (span.input !== null) {
        const p = parseArguments(span.input);
        t2.arguments = p.value;
        if (p.invalid) t2.argumentsInvalid = true;
      } else t2.arguments = null;
    }
    if (t2.result === null || t2.result === void 0) t2.result = span.output;
    unwrapFrameworkArguments(span, t2);
  }
  if (span.endTime < span.startTime) span.endTime = span.startTime;
  span.durationMs = Math.round((span.endTime - span.startTime) * 1e3) / 1e3;
  return span;
}
function setToolArguments(span, name, args, result) {
  const p = parseArguments(args);
  span.tool = { name, arguments: p.value, result: result ?? null };
  if (p.invalid) span.tool.argumentsInvalid = true;
}
function errorFrom(v) {
  if (v === null || v === void 0 || v === false || v === "") return null;
  if (typeof v === "string") return { type: null, message: v };
  if (isObject(v)) {
    const message3 = str(v.message) ?? str(v.error) ?? str(v.detail) ?? JSON.stringify(v);
    return { type: str(v.type) ?? str(v.name) ?? str(v.code), message: message3 };
  }
  return { type: null, message: String(v) };
}

// src/ingest/conventions.ts
var TABLE = [
  ["openinference.span.kind", 1 /* OiKind */],
  ["inference.observation_kind", 2 /* ObsKind */],
  ["gen_ai.operation.name", 3 /* GenAiOp */],
  ["llm.model_name", 4 /* Model */],
  ["gen_ai.response.model", 5 /* ResponseModel */],
  ["gen_ai.request.model", 6 /* RequestModel */],
  ["inference.llm.model_name", 7 /* FallbackModel */],
  ["llm.token_count.prompt", 8 /* TokIn */],
  ["gen_ai.usage.input_tokens", 8 /* TokIn */],
  ["gen_ai.usage.prompt_tokens", 8 /* TokIn */],
  ["inference.llm.input_tokens", 8 /* TokIn */],
  ["llm.token_count.completion", 9 /* TokOut */],
  ["gen_ai.usage.output_tokens", 9 /* TokOut */],
  ["gen_ai.usage.completion_tokens", 9 /* TokOut */],
  ["inference.llm.output_tokens", 9 /* TokOut */],
  ["llm.token_count.total", 10 /* TokTotal */],
  ["gen_ai.usage.total_tokens", 10 /* TokTotal */],
  ["llm.cost.total", 11 /* Cost */],
  ["inference.llm.cost.total", 11 /* Cost */],
  ["gen_ai.usage.cost", 11 /* Cost */],
  ["halo.cost_usd", 11 /* Cost */],
  ["tool.name", 12 /* ToolName */],
  ["gen_ai.tool.name", 12 /* ToolName */],
  ["tool_call.function.name", 12 /* ToolName */],
  ["gen_ai.tool.call.arguments", 13 /* ToolArgs */],
  ["tool.arguments", 13 /* ToolArgs */],
  ["tool_call.function.arguments", 13 /* ToolArgs */],
  ["gen_ai.tool.call.result", 14 /* ToolResult */],
  ["tool.result", 14 /* ToolResult */],
  ["input.value", 15 /* Input */],
  ["gen_ai.prompt", 15 /* Input */],
  ["output.value", 16 /* Output */],
  ["gen_ai.completion", 16 /* Output */],
  ["gen_ai.input.messages", 17 /* GenAiInputMessages */],
  ["gen_ai.output.messages", 18 /* GenAiOutputMessages */],
  ["gen_ai.system_instructions", 19 /* GenAiSystem */],
  ["exception.type", 20 /* ExcType */],
  ["exception.message", 21 /* ExcMessage */],
  ["error.type", 22 /* ErrorType */],
  ["gen_ai.agent.name", 23 /* AgentName */],
  ["agent.name", 23 /* AgentName */],
  ["inference.agent_name", 23 /* AgentName */],
  ["halo.agent.name", 23 /* AgentName */],
  ["agent_name", 23 /* AgentName */],
  ["gen_ai.agent.id", 24 /* AgentId */],
  ["agent.id", 24 /* AgentId */],
  ["inference.agent_id", 24 /* AgentId */],
  ["halo.agent.id", 24 /* AgentId */],
  ["agent_id", 24 /* AgentId */],
  ["session.id", 25 /* SessionId */],
  ["gen_ai.conversation.id", 25 /* SessionId */],
  ["inference.session_id", 25 /* SessionId */],
  ["halo.session.id", 25 /* SessionId */],
  ["langfuse.session.id", 25 /* SessionId */],
  ["session_id", 25 /* SessionId */],
  ["thread_id", 25 /* SessionId */],
  ["conversation_id", 25 /* SessionId */],
  ["user.id", 26 /* UserId */],
  ["enduser.id", 26 /* UserId */],
  ["inference.user_id", 26 /* UserId */],
  ["halo.user.id", 26 /* UserId */],
  ["langfuse.user.id", 26 /* UserId */],
  ["user_id", 26 /* UserId */],
  ["halo.task.id", 27 /* TaskId */],
  ["halo.task_id", 27 /* TaskId */],
  ["task.id", 27 /* TaskId */],
  ["task_id", 27 /* TaskId */],
  ["eval.task_id", 27 /* TaskId */],
  ["halo.task.trial", 28 /* Trial */],
  ["halo.trial", 28 /* Trial */],
  ["task.trial", 28 /* Trial */],
  ["trial", 28 /* Trial */],
  ["eval.trial", 28 /* Trial */],
  ["halo.outcome.success", 29 /* OutSuccess */],
  ["outcome.success", 29 /* OutSuccess */],
  ["eval.success", 29 /* OutSuccess */],
  ["success", 29 /* OutSuccess */],
  ["halo.outcome.reward", 30 /* OutReward */],
  ["outcome.reward", 30 /* OutReward */],
  ["eval.reward", 30 /* OutReward */],
  ["eval.score", 30 /* OutReward */],
  ["reward", 30 /* OutReward */],
  ["halo.outcome.label", 31 /* OutLabel */],
  ["outcome.label", 31 /* OutLabel */],
  ["eval.label", 31 /* OutLabel */],
  ["outcome", 32 /* Outcome */]
];
var METADATA_ONLY = /* @__PURE__ */ new Set(["agent_name", "agent_id", "session_id", "thread_id", "conversation_id", "user_id", "task_id", "trial", "success", "reward", "outcome"]);
var METADATA_BIT = 1 << 20;
var CODE = /* @__PURE__ */ new Map();
for (let i = 0; i < TABLE.length; i++) CODE.set(TABLE[i][0], TABLE[i][1] * 1024 + i + (METADATA_ONLY.has(TABLE[i][0]) ? METADATA_BIT : 0));
var FIELDS = 32 /* Outcome */ + 1;
var NO_RANK = 1 << 30;
var CONVENTION_KEYS = TABLE.map((e) => e[0]);
var OI_MSG_IN = "llm.input_messages.";
var OI_MSG_OUT = "llm.output_messages.";
var GENAI_OP_KIND = {
  chat: "llm",
  text_completion: "llm",
  generate_content: "llm",
  embeddings: "embedding",
  execute_tool: "tool",
  invoke_agent: "agent",
  create_agent: "agent"
};
function bool(v) {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "True" || v === 1) return true;
  if (v === "false" || v === "False" || v === 0) return false;
  return null;
}
var ConventionReader = class {
  vals = new Array(FIELDS).fill(void 0);
  ranks = new Int32Array(FIELDS).fill(NO_RANK);
  any = false;
  oiIn = null;
  oiOut = null;
  /** Reading a metadata dict: bare keys (`task_id`, `reward`, ...) count too. */
  metadata = false;
  /** Set while a format shares strings as it decodes: message texts parsed here are shared too. */
  pool = void 0;
  visit(key, v) {
    let code = CODE.get(key);
    if (code === void 0) {
      if (key.charCodeAt(3) === 46 && key.charCodeAt(0) === 108) {
        if (key.startsWith(OI_MSG_IN)) this.oiIn = oiMessage(this.oiIn ?? [], key, OI_MSG_IN.length, v);
        else if (key.startsWith(OI_MSG_OUT)) this.oiOut = oiMessage(this.oiOut ?? [], key, OI_MSG_OUT.length, v);
      }
      return;
    }
    if (v === null || v === void 0 || v === "") return;
    if (code >= METADATA_BIT) {
      if (!this.metadata) return;
      code -= METADATA_BIT;
    }
    const f = code >> 10;
    const r = code & 1023;
    if (r < this.ranks[f]) {
      this.ranks[f] = r;
      this.vals[f] = v;
      this.any = true;
    }
  }
  /** Forgets anything read but not applied (after an aborted record). */
  reset() {
    this.oiIn = this.oiOut = null;
    this.metadata = false;
    if (!this.any) return;
    this.vals.fill(void 0);
    this.ranks.fill(NO_RANK);
    this.any = false;
  }
  /** Writes what was read into `span` (filling gaps only) and resets. */
  apply(span) {
    this.metadata = false;
    if (this.oiIn !== null || this.oiOut !== null) {
      if (span.messages === null) span.messages = joinMessages(this.oiIn, this.oiOut);
      this.oiIn = this.oiOut = null;
    }
    if (!this.any) return;
    try {
      resolve(span, this.vals, this.pool);
    } finally {
      this.vals.fill(void 0);
      this.ranks.fill(NO_RANK);
      this.any = false;
    }
  }
};
function joinMessages(a, b) {
  const out = [];
  if (a !== null) {
    for (let i = 0; i < a.length; i++) if (a[i] !== void 0) out.push(sharedMessage(compactCalls(a[i])));
  }
  if (b !== null) {
    for (let i = 0; i < b.length; i++) if (b[i] !== void 0) out.push(sharedMessage(compactCalls(b[i])));
  }
  return out.length > 0 ? out : null;
}
var MESSAGES = /* @__PURE__ */ new Map();
var MESSAGES_MAX = 16384;
function sharedMessage(m) {
  const key = m.content !== "" ? m.content : m.toolCalls !== void 0 && m.toolCalls.length > 0 ? m.toolCalls[0].id : void 0;
  if (typeof key !== "string") return m;
  const seen = MESSAGES.get(key);
  if (seen !== void 0 && sameMessage(seen, m)) return seen;
  if (MESSAGES.size >= MESSAGES_MAX) MESSAGES.clear();
  MESSAGES.set(key, m);
  return m;
}
function sameMessage(a, b) {
  if (a.role !== b.role || a.content !== b.content || a.name !== b.name || a.toolCallId !== b.toolCallId) return false;
  const ac = a.toolCalls;
  const bc = b.toolCalls;
  if (ac === void 0 || bc === void 0) return ac === bc;
  if (ac.length !== bc.length) return false;
  for (let i = 0; i < ac.length; i++) {
    const x = ac[i];
    const y = bc[i];
    if (x.name !== y.name || x.id !== y.id || x.arguments !== y.arguments) return false;
  }
  return true;
}
function compactCalls(m) {
  const calls = m.toolCalls;
  if (calls !== void 0) {
    for (let i = 0; i < calls.length; i++) {
      if (calls[i] === void 0) {
        m.toolCalls = calls.filter((c) => c !== void 0);
        break;
      }
    }
  }
  return m;
}
var shared = new ConventionReader();
function applyConventions(span, attrs, metadata = false) {
  shared.reset();
  shared.metadata = metadata;
  const keys = Object.keys(attrs);
  const values = Object.values(attrs);
  for (let i = 0; i < keys.length; i++) shared.visit(keys[i], values[i]);
  shared.apply(span);
}
function conventionReader() {
  return shared;
}
function resolve(span, v, pool) {
  if (span.kind === "other") {
    const k = kindFromWord(v[1 /* OiKind */]) ?? kindFromWord(v[2 /* ObsKind */]) ?? (typeof v[3 /* GenAiOp */] === "string" ? GENAI_OP_KIND[v[3 /* GenAiOp */]] ?? null : null);
    if (k !== null) span.kind = k;
  }
  if (span.model === null) span.model = str(v[4 /* Model */]) ?? str(v[5 /* ResponseModel */]) ?? str(v[6 /* RequestModel */]) ?? str(v[7 /* FallbackModel */]);
  if (span.tokens === null) setTokens(span, num(v[8 /* TokIn */]), num(v[9 /* TokOut */]), num(v[10 /* TokTotal */]));
  if (span.costUsd === null) span.costUsd = num(v[11 /* Cost */]);
  if (span.input === null && v[15 /* Input */] !== void 0) span.input = v[15 /* Input */];
  if (span.output === null && v[16 /* Output */] !== void 0) span.output = v[16 /* Output */];
  const toolName = str(v[12 /* ToolName */]);
  if (span.tool === null && (toolName !== null || v[13 /* ToolArgs */] !== void 0) && (span.kind === "tool" || span.kind === "other")) {
    const p = v[13 /* ToolArgs */] !== void 0 ? parseArguments(v[13 /* ToolArgs */]) : null;
    span.tool = { name: toolName ?? span.name, arguments: p === null ? null : p.value, result: v[14 /* ToolResult */] ?? null };
    if (p !== null && p.invalid) span.tool.argumentsInvalid = true;
  }
  if (span.messages === null && (v[17 /* GenAiInputMessages */] !== void 0 || v[18 /* GenAiOutputMessages */] !== void 0 || v[19 /* GenAiSystem */] !== void 0)) {
    const msgs = [];
    const sys = v[19 /* GenAiSystem */];
    if (sys !== void 0) {
      const parsed = typeof sys === "string" ? tryParseJson(sys) ?? sys : sys;
      const m = toMessage({ role: "system", content: parsed });
      if (m !== null) msgs.push(m);
    }
    pushGenAiMessages(msgs, v[17 /* GenAiInputMessages */]);
    pushGenAiMessages(msgs, v[18 /* GenAiOutputMessages */]);
    if (pool !== void 0) {
      shareContents(msgs, pool);
      for (let i = 0; i < msgs.length; i++) msgs[i] = sharedMessage(msgs[i]);
    }
    if (msgs.length > 0) span.messages = msgs;
  }
  if (v[20 /* ExcType */] !== void 0 || v[21 /* ExcMessage */] !== void 0) {
    if (span.error === null) span.error = { type: str(v[20 /* ExcType */]), message: str(v[21 /* ExcMessage */]) ?? str(v[20 /* ExcType */]) ?? "exception" };
  } else if (v[22 /* ErrorType */] !== void 0 && span.status === "error" && span.error === null) {
    span.error = { type: str(v[22 /* ErrorType */]), message: span.statusMessage ?? str(v[22 /* ErrorType */]) };
  }
  setHint(span, "agentName", str(v[23 /* AgentName */]));
  setHint(span, "agentId", str(v[24 /* AgentId */]));
  setHint(span, "sessionId", str(v[25 /* SessionId */]));
  setHint(span, "userId", str(v[26 /* UserId */]));
  setHint(span, "taskId", str(v[27 /* TaskId */]));
  setHint(span, "trial", num(v[28 /* Trial */]));
  const outcome = outcomeFrom(v[29 /* OutSuccess */], v[30 /* OutReward */], v[31 /* OutLabel */], v[32 /* Outcome */]);
  if (outcome !== null) setHint(span, "outcome", outcome);
}
function outcomeFrom(success, reward, label, whole) {
  const o = {};
  let s = bool(success);
  let r = num(reward);
  let l = str(label);
  if (whole !== void 0 && whole !== null) {
    if (isObject(whole)) {
      s ??= bool(whole.success);
      r ??= num(whole.reward ?? whole.score);
      l ??= str(whole.label);
    } else if (typeof whole === "boolean") s ??= whole;
    else if (typeof whole === "number") r ??= whole;
    else if (typeof whole === "string") {
      const b = bool(whole);
      if (b !== null) s ??= b;
      else l ??= whole;
    }
  }
  if (s === null && r !== null) s = r >= 0.999999;
  if (s !== null) o.success = s;
  if (r !== null) o.reward = r;
  if (l !== null) o.label = l;
  return s === null && r === null && l === null ? null : o;
}
function shareContents(msgs, pool) {
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (typeof m.content === "string") m.content = pool.share(m.content);
  }
}
function pushGenAiMessages(out, v) {
  if (v === void 0 || v === null) return;
  const list2 = typeof v === "string" ? tryParseJson(v) : v;
  if (Array.isArray(list2)) {
    for (const m of list2) {
      const msg = toMessage(m);
      if (msg !== null) out.push(msg);
    }
  } else if (typeof v === "string") out.push({ role: "unknown", content: v });
}
function oiMessage(list2, key, at, value) {
  let i = at;
  let idx = 0;
  let c = key.charCodeAt(i);
  if (c < 48 || c > 57) return list2;
  while (c >= 48 && c <= 57) {
    idx = idx * 10 + (c - 48);
    if (idx > 1e5) return list2;
    c = key.charCodeAt(++i);
  }
  if (c !== 46) return list2;
  i++;
  if (key.charCodeAt(i) === 109 && key.charCodeAt(i + 7) === 46) i += 8;
  const m = list2[idx] ?? (list2[idx] = { role: "unknown", content: "" });
  const rest = key.length - i;
  const first = key.charCodeAt(i);
  if (rest === 4 && first === 114) m.role = str(value) ?? m.role;
  else if (rest === 7 && first === 99) m.content = typeof value === "string" ? value : String(value ?? "");
  else if (rest === 4 && first === 110) {
    const n = str(value);
    if (n !== null) m.name = n;
  } else if (rest === 12 && first === 116 && key.endsWith("tool_call_id")) {
    const id = str(value);
    if (id !== null) m.toolCallId = id;
  } else if (first === 116 && key.startsWith("tool_calls.", i)) {
    i += 11;
    let j = 0;
    c = key.charCodeAt(i);
    if (c < 48 || c > 57) return list2;
    while (c >= 48 && c <= 57) {
      j = j * 10 + (c - 48);
      if (j > 1e4) return list2;
      c = key.charCodeAt(++i);
    }
    if (c !== 46) return list2;
    i++;
    if (key.startsWith("tool_call.", i)) i += 10;
    const calls = m.toolCalls ?? (m.toolCalls = []);
    const call = calls[j] ?? (calls[j] = { name: "", arguments: null });
    const r = key.length - i;
    if (r === 2 && key.startsWith("id", i)) {
      const id = str(value);
      if (id !== null) call.id = id;
    } else if (r === 13 && key.startsWith("function.name", i)) call.name = str(value) ?? "";
    else if (r === 18 && key.startsWith("function.arguments", i)) call.arguments = parseArguments(value).value;
  } else if (key.startsWith("contents.", i) && key.endsWith(".message_content.text")) {
    const t2 = typeof value === "string" ? value : "";
    m.content = m.content === "" ? t2 : m.content + "\n" + t2;
  }
  return list2;
}
function messagesFromGenAiEvents(events3) {
  let out = null;
  for (const ev of events3) {
    const n = ev.name;
    if (n.charCodeAt(0) !== 103 || !n.startsWith("gen_ai.")) continue;
    let role = null;
    if (n === "gen_ai.system.message") role = "system";
    else if (n === "gen_ai.user.message") role = "user";
    else if (n === "gen_ai.assistant.message") role = "assistant";
    else if (n === "gen_ai.tool.message") role = "tool";
    else if (n !== "gen_ai.choice") continue;
    const a = ev.attributes;
    let msg;
    if (n === "gen_ai.choice") {
      msg = toMessage({
        role: a["message.role"] ?? "assistant",
        content: a["message.content"] ?? a["content"],
        tool_calls: toolCallsValue(a["message.tool_calls"] ?? a["tool_calls"])
      });
    } else {
      msg = toMessage({ role: a["role"] ?? role, content: a["content"], tool_calls: toolCallsValue(a["tool_calls"]), tool_call_id: a["id"] ?? a["tool_call_id"] });
    }
    if (msg === null) continue;
    (out ??= []).push(msg);
  }
  return out;
}
function toolCallsValue(v) {
  const list2 = typeof v === "string" ? tryParseJson(v) : v;
  if (!Array.isArray(list2)) return void 0;
  return list2.filter((c) => toToolCall(c) !== null);
}

// src/ingest/python-literal.ts
var MAX_DEPTH = 64;
var NotLiteral = class extends Error {
};
function parseMapText(s) {
  const t2 = s.trim();
  const c = t2.charCodeAt(0);
  if (c !== 123 && c !== 91) return void 0;
  try {
    return JSON.parse(t2);
  } catch {
    return parsePythonLiteral(t2);
  }
}
function parsePythonLiteral(s) {
  const p = new Reader(s);
  try {
    const v = p.value(0);
    p.ws();
    return p.i === s.length ? v : void 0;
  } catch (err) {
    if (err instanceof NotLiteral) return void 0;
    throw err;
  }
}
var Reader = class {
  constructor(s) {
    this.s = s;
  }
  s;
  i = 0;
  ws() {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else break;
    }
  }
  fail() {
    throw new NotLiteral();
  }
  value(depth) {
    if (depth > MAX_DEPTH) this.fail();
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === "{") return this.dict(depth);
    if (c === "[") return this.list(depth, "]");
    if (c === "(") return this.list(depth, ")");
    if (c === "'" || c === '"') return this.string();
    if ((c === "r" || c === "u" || c === "b" || c === "R" || c === "U" || c === "B") && (s[this.i + 1] === "'" || s[this.i + 1] === '"')) {
      const raw = c === "r" || c === "R";
      this.i++;
      return this.string(raw);
    }
    for (const [word, v] of WORDS) {
      if (s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    const m = NUMBER.exec(s.slice(this.i, this.i + 64));
    if (m === null) this.fail();
    this.i += m[0].length;
    return Number(m[0]);
  }
  dict(depth) {
    const out = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (; ; ) {
      const k = this.value(depth + 1);
      this.ws();
      if (this.s[this.i] !== ":") this.fail();
      this.i++;
      const v = this.value(depth + 1);
      const key = typeof k === "string" ? k : JSON.stringify(k);
      if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return out;
      if (c !== ",") this.fail();
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
    }
  }
  list(depth, close) {
    const out = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === close) {
      this.i++;
      return out;
    }
    for (; ; ) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === close) return out;
      if (c !== ",") this.fail();
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
    }
  }
  string(raw = false) {
    const s = this.s;
    const q = s[this.i];
    const triple = s.startsWith(q + q + q, this.i);
    this.i += triple ? 3 : 1;
    let out = "";
    for (; ; ) {
      if (this.i >= s.length) this.fail();
      const c = s[this.i];
      if (c === q && (!triple || s.startsWith(q + q + q, this.i))) {
        this.i += triple ? 3 : 1;
        return out;
      }
      if (c === "\\" && !raw) {
        const e = s[this.i + 1];
        this.i += 2;
        switch (e) {
          case "n":
            out += "\n";
            break;
          case "t":
            out += "	";
            break;
          case "r":
            out += "\r";
            break;
          case "0":
            out += "\0";
            break;
          case "\\":
            out += "\\";
            break;
          case "'":
            out += "'";
            break;
          case '"':
            out += '"';
            break;
          case "\n":
            break;
          case "x":
            out += this.code(2);
            break;
          case "u":
            out += this.code(4);
            break;
          case "U":
            out += this.code(8);
            break;
          default:
            out += "\\" + (e ?? "");
        }
        continue;
      }
      if (c === "\n" && !triple) this.fail();
      out += c;
      this.i++;
    }
  }
  code(n) {
    const hex = this.s.slice(this.i, this.i + n);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) this.fail();
    this.i += n;
    const cp = parseInt(hex, 16);
    return cp <= 1114111 ? String.fromCodePoint(cp) : "\uFFFD";
  }
};
var WORDS = [
  ["True", true],
  ["False", false],
  ["None", null]
];
var NUMBER = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)/;

// src/ingest/missing-fields.ts
var REQUIRED = ["traceId", "spanId", "startTime"];
var DEFAULT_KEYS = {
  traceId: ["trace_id", "traceId", "TraceId"],
  spanId: ["span_id", "spanId", "SpanId"],
  startTime: ["start_time", "startTime", "timestamp", "Timestamp"]
};
var HINTS = {
  traceId: [/trace/i, /run|session|conversation|request|correlation/i],
  spanId: [/span/i, /^(?:id|_id|uuid|event_?id|step_?id)$/i, /(?:^|[._-])id$/i],
  startTime: [/start|begin/i, /^(?:ts|time|timestamp|@timestamp|datetime|date)$/i, /time|ts$|date|created|at$/i]
};
function closestKeys(field, keys, taken = /* @__PURE__ */ new Set()) {
  const scored = [];
  for (const k of keys) {
    if (taken.has(k)) continue;
    const i = HINTS[field].findIndex((re) => re.test(k));
    if (i >= 0) scored.push([k, i]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].length - b[0].length);
  return scored.slice(0, 2).map(([k]) => k);
}
function describeMissing(r, missing) {
  const keys = Object.keys(r);
  const taken = /* @__PURE__ */ new Set();
  const parts = [];
  const flags = [];
  for (const f of missing) {
    const near = REQUIRED.includes(f) ? closestKeys(f, keys, taken) : [];
    if (near[0] !== void 0) taken.add(near[0]);
    parts.push(near.length > 0 ? `${f} (closest: ${near.join(", ")})` : f);
    flags.push(`--field ${f}=${near[0] ?? "<key>"}`);
  }
  return `lacks ${parts.join(", ")}; map ${missing.length === 1 ? "it" : "them"} with ${flags.join(" ")} (or "fields" in halo.config.json)`;
}
function unrecognizedHint(r) {
  const missing = REQUIRED.filter((f) => DEFAULT_KEYS[f].every((k) => r[k] === void 0 || r[k] === null || r[k] === ""));
  return missing.length > 0 ? `as a flat span it ${describeMissing(r, missing)}` : "";
}

// src/ingest/formats/otel.ts
var OTLP_KIND = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
var KIND_NAMES = /* @__PURE__ */ new Map();
function otelKind(k) {
  if (typeof k === "number") return OTLP_KIND[k] ?? null;
  if (typeof k !== "string" || k === "") return null;
  let name = KIND_NAMES.get(k);
  if (name === void 0) {
    const dot = k.lastIndexOf(".");
    name = dot >= 0 ? k.slice(dot + 1) : k;
    if (name.startsWith("SPAN_KIND_")) name = name.slice(10);
    name = name.toUpperCase();
    if (KIND_NAMES.size < 64) KIND_NAMES.set(k, name);
  }
  return name;
}
function finishOtel(span, attrs, pool) {
  span.attributes = attrs;
  conventionReader().apply(span);
  if (span.messages === null && span.events.length > 0) {
    span.messages = messagesFromGenAiEvents(span.events);
    if (pool !== void 0 && span.messages !== null) shareContents(span.messages, pool);
  }
  return finishSpan(span);
}
function setStatus(span, status) {
  if (isObject(status)) {
    span.status = parseStatus(status.code ?? status.status_code) ?? "unset";
    span.statusMessage = str(status.message) ?? str(status.description);
  } else if (status !== void 0 && status !== null) {
    span.status = parseStatus(status) ?? "unset";
  }
}
var RESOURCE_KEYS = /* @__PURE__ */ new Map();
function resourceKey(k) {
  let r = RESOURCE_KEYS.get(k);
  if (r === void 0) {
    r = "resource." + k;
    if (RESOURCE_KEYS.size < 4096) RESOURCE_KEYS.set(k, r);
  }
  return r;
}
function flatEvents(list2) {
  if (!Array.isArray(list2) || list2.length === 0) return [];
  const out = [];
  for (const e of list2) {
    if (!isObject(e)) continue;
    const attributes = {};
    if (isObject(e.attributes)) flattenInto(attributes, "", e.attributes);
    else if (Array.isArray(e.attributes)) otlpAttributes(e.attributes, attributes);
    out.push({ name: str(e.name) ?? "event", time: toMs(e.timestamp ?? e.time ?? e.time_unix_nano ?? e.timeUnixNano), attributes });
  }
  return out;
}
function normalizeFlatSpan(r) {
  const ctx = isObject(r.context) ? r.context : null;
  const traceId = normalizeId(r.trace_id ?? ctx?.trace_id);
  const spanId = normalizeId(r.span_id ?? ctx?.span_id);
  if (traceId === null) throw new RecordError("flat span missing trace_id");
  if (spanId === null) throw new RecordError(`flat span in trace ${traceId} missing span_id`);
  const span = newSpan(traceId, spanId, str(r.name) ?? "span");
  span.parentId = normalizeId(r.parent_span_id ?? r.parent_id);
  const start = toMs(r.start_time ?? r.start_time_unix_nano ?? r.startTimeUnixNano);
  if (start === null) {
    const absent = r.start_time === void 0 && r.start_time_unix_nano === void 0 && r.startTimeUnixNano === void 0;
    throw new RecordError(`flat span ${spanId}: start_time ${absent ? `missing; it ${describeMissing(r, ["startTime"])}` : "is not a timestamp"}`);
  }
  span.startTime = start;
  span.endTime = toMs(r.end_time ?? r.end_time_unix_nano ?? r.endTimeUnixNano) ?? start;
  setStatus(span, r.status);
  span.events = flatEvents(r.events);
  const reader = conventionReader();
  reader.reset();
  let attrs = {};
  if (isObject(r.attributes)) {
    const src = r.attributes;
    const keys = Object.keys(src);
    const values = Object.values(src);
    let nested = false;
    for (let i = 0; i < values.length; i++) {
      if (isObject(values[i])) {
        nested = true;
        break;
      }
    }
    if (nested) {
      flattenInto(attrs, "", src);
      for (const k in attrs) reader.visit(k, attrs[k]);
    } else {
      attrs = src;
      for (let i = 0; i < keys.length; i++) reader.visit(keys[i], values[i]);
    }
  }
  const res = isObject(r.resource) ? isObject(r.resource.attributes) ? r.resource.attributes : r.resource : null;
  if (res !== null) {
    for (const k in res) {
      if (k === "schema_url") continue;
      const v = res[k];
      if (isObject(v)) {
        const flat = {};
        flattenInto(flat, resourceKey(k), v);
        for (const fk in flat) {
          attrs[fk] = flat[fk];
          reader.visit(fk, flat[fk]);
        }
      } else {
        const rk = resourceKey(k);
        attrs[rk] = v;
        reader.visit(rk, v);
      }
    }
  }
  if (isObject(r.scope)) {
    if (r.scope.name !== void 0 && r.scope.name !== "") attrs["scope.name"] = r.scope.name;
    if (r.scope.version !== void 0 && r.scope.version !== "") attrs["scope.version"] = r.scope.version;
  }
  const kind = otelKind(r.kind);
  if (kind !== null) attrs["otel.span_kind"] = kind;
  return [finishOtel(span, attrs)];
}
function otlpEvents(list2) {
  if (!Array.isArray(list2) || list2.length === 0) return [];
  const out = [];
  for (const e of list2) {
    if (!isObject(e)) continue;
    out.push({ name: str(e.name) ?? "event", time: toMs(e.timeUnixNano ?? e.time_unix_nano), attributes: otlpAttributes(e.attributes, {}) });
  }
  return out;
}
function where(ri, si, i) {
  return `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
}
function listOf(o, a, b) {
  const v = o[a] ?? o[b];
  return Array.isArray(v) ? v : [];
}
function normalizeOtlp(r, pool) {
  const reader = conventionReader();
  reader.pool = pool;
  try {
    return otlpSpans(r, pool);
  } finally {
    reader.pool = void 0;
  }
}
function otlpSpans(r, pool) {
  const out = [];
  const resourceSpans = listOf(r, "resourceSpans", "resource_spans");
  for (let ri = 0; ri < resourceSpans.length; ri++) {
    const rs = resourceSpans[ri];
    if (!isObject(rs)) throw new RecordError(`OTLP resourceSpans[${ri}] is not an object`);
    const resource = otlpAttributes(isObject(rs.resource) ? rs.resource.attributes : void 0, {}, "resource.", void 0, pool);
    const resKeys = Object.keys(resource);
    const scopeSpans = rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans;
    if (!Array.isArray(scopeSpans)) continue;
    for (let si = 0; si < scopeSpans.length; si++) {
      const ss = scopeSpans[si];
      if (!isObject(ss)) throw new RecordError(`OTLP resourceSpans[${ri}].scopeSpans[${si}] is not an object`);
      const scope = isObject(ss.scope) ? ss.scope : isObject(ss.instrumentationLibrary) ? ss.instrumentationLibrary : null;
      const scopeName = scope !== null ? str(scope.name) : null;
      const scopeVersion = scope !== null ? str(scope.version) : null;
      const spans = ss.spans;
      if (!Array.isArray(spans)) continue;
      for (let i = 0; i < spans.length; i++) {
        const sp = spans[i];
        if (!isObject(sp)) throw new RecordError(`OTLP ${where(ri, si, i)} is not an object`);
        const traceId = normalizeId(sp.traceId ?? sp.trace_id, true);
        if (traceId === null) throw new RecordError(`OTLP span missing traceId (${where(ri, si, i)})`);
        const spanId = normalizeId(sp.spanId ?? sp.span_id, true);
        if (spanId === null) throw new RecordError(`OTLP span missing spanId (${where(ri, si, i)})`);
        const span = newSpan(traceId, spanId, str(sp.name) ?? "span");
        span.parentId = normalizeId(sp.parentSpanId ?? sp.parent_span_id, true);
        const start = toMs(sp.startTimeUnixNano ?? sp.start_time_unix_nano);
        if (start === null) throw new RecordError(`OTLP span ${spanId}: startTimeUnixNano missing or not a number (${where(ri, si, i)})`);
        span.startTime = start;
        span.endTime = toMs(sp.endTimeUnixNano ?? sp.end_time_unix_nano) ?? start;
        setStatus(span, sp.status);
        span.events = otlpEvents(sp.events);
        const reader = conventionReader();
        reader.reset();
        const attrs = otlpAttributes(sp.attributes, {}, "", reader, pool);
        for (let k = 0; k < resKeys.length; k++) {
          const rk = resKeys[k];
          attrs[rk] = resource[rk];
          reader.visit(rk, resource[rk]);
        }
        if (scopeName !== null) attrs["scope.name"] = scopeName;
        if (scopeVersion !== null) attrs["scope.version"] = scopeVersion;
        const kind = otelKind(sp.kind);
        if (kind !== null) attrs["otel.span_kind"] = kind;
        out.push(finishOtel(span, attrs, pool));
      }
    }
  }
  return out;
}
var flatSpan = {
  name: "flat-span",
  // HALO/Catalyst rows; the OTel SDK console exporter nests ids in `context`.
  sniff: (r) => "span_id" in r && "trace_id" in r || isObject(r.context) && "span_id" in r.context,
  normalize: (r) => ({ format: "flat-span", spans: normalizeFlatSpan(r) })
};
var otlp = {
  name: "otlp",
  sniff: (r) => "resourceSpans" in r || "resource_spans" in r,
  normalize: (r, pool) => ({ format: "otlp", spans: normalizeOtlp(r, pool) })
};

// src/ingest/formats/clickhouse.ts
function col(r, a, b, c) {
  const v = r[a];
  if (v !== void 0) return v;
  const w = r[b];
  if (w !== void 0 || c === void 0) return w;
  return r[c];
}
function rowId(v) {
  if (typeof v === "string") {
    const t2 = v.trim();
    if (t2 === "" || t2 === "None" || t2 === "null" || t2 === "undefined") return null;
    return normalizeId(t2);
  }
  return normalizeId(v);
}
function mapOf(v) {
  if (isObject(v)) return v;
  if (typeof v === "string" && v !== "") {
    const parsed = parseMapText(v);
    if (isObject(parsed)) return parsed;
  }
  return null;
}
function durationMs(v) {
  if (typeof v === "string") {
    if (v.startsWith("P") || v.startsWith("-P")) return isoDurationMs(v);
    const n = num(v);
    return n === null ? null : n / 1e6;
  }
  if (typeof v === "number" && Number.isFinite(v)) return v / 1e6;
  return null;
}
function eventOf(name, time, attrs) {
  const attributes = {};
  const a = mapOf(attrs);
  if (a !== null) flattenInto(attributes, "", a);
  return { name: str(name) ?? "event", time: toMs(time), attributes };
}
function events(r) {
  const list2 = col(r, "Events", "events");
  if (Array.isArray(list2)) {
    const out = [];
    for (const e of list2) {
      if (!isObject(e)) continue;
      out.push(eventOf(col(e, "Name", "name"), col(e, "Timestamp", "timestamp", "time"), col(e, "Attributes", "attributes")));
    }
    return out;
  }
  const names = col(r, "Events.Name", "events.name");
  if (!Array.isArray(names)) return [];
  const times = col(r, "Events.Timestamp", "events.timestamp");
  const attrs = col(r, "Events.Attributes", "events.attributes");
  return names.map((n, i) => eventOf(n, Array.isArray(times) ? times[i] : void 0, Array.isArray(attrs) ? attrs[i] : void 0));
}
function links(r) {
  const list2 = col(r, "Links", "links");
  if (Array.isArray(list2)) return list2.length > 0 ? list2 : null;
  const ids = col(r, "Links.TraceId", "links.trace_id");
  if (!Array.isArray(ids) || ids.length === 0) return null;
  const spanIds = col(r, "Links.SpanId", "links.span_id");
  const states = col(r, "Links.TraceState", "links.trace_state");
  const attrs = col(r, "Links.Attributes", "links.attributes");
  return ids.map((t2, i) => ({
    traceId: t2,
    spanId: Array.isArray(spanIds) ? spanIds[i] : void 0,
    traceState: Array.isArray(states) ? states[i] : void 0,
    attributes: Array.isArray(attrs) ? mapOf(attrs[i]) : void 0
  }));
}
var ROW_KEYS = /* @__PURE__ */ new Set(
  [
    "Timestamp",
    "timestamp",
    "start_time",
    "TraceId",
    "trace_id",
    "SpanId",
    "span_id",
    "ParentSpanId",
    "parent_span_id",
    "parent_id",
    "SpanName",
    "span_name",
    "name",
    "SpanKind",
    "span_kind",
    "ServiceName",
    "service_name",
    "ResourceAttributes",
    "resource_attributes",
    "SpanAttributes",
    "span_attributes",
    "ScopeName",
    "scope_name",
    "ScopeVersion",
    "scope_version",
    "Duration",
    "duration",
    "end_time",
    "StatusCode",
    "status_code",
    "StatusMessage",
    "status_message",
    "Events",
    "events",
    "Links",
    "links",
    "TraceState",
    "trace_state",
    "child_spans",
    "children",
    "childSpans",
    "logs",
    "Logs"
  ]
);
function normalizeOtelRow(r, ctx = {}) {
  const at = ctx.where !== void 0 ? ` (${ctx.where})` : "";
  const traceId = rowId(col(r, "TraceId", "trace_id", "traceId")) ?? ctx.traceId ?? null;
  const spanId = rowId(col(r, "SpanId", "span_id", "spanId"));
  if (traceId === null) throw new RecordError(`span row missing TraceId/trace_id${at}`);
  if (spanId === null) throw new RecordError(`span row in trace ${traceId} missing SpanId/span_id${at}`);
  const span = newSpan(traceId, spanId, str(col(r, "SpanName", "span_name", "name")) ?? "span");
  const parentRaw = col(r, "ParentSpanId", "parent_span_id", "parent_id");
  span.parentId = parentRaw === void 0 ? ctx.parentId ?? null : rowId(parentRaw);
  const start = toMs(col(r, "Timestamp", "timestamp", "start_time"));
  if (start === null) throw new RecordError(`span ${spanId}: Timestamp/timestamp missing or not a timestamp${at}`);
  span.startTime = start;
  const dur = durationMs(col(r, "Duration", "duration"));
  span.endTime = toMs(r.end_time) ?? (dur !== null && dur >= 0 ? start + dur : start);
  span.status = parseStatus(col(r, "StatusCode", "status_code")) ?? "unset";
  span.statusMessage = str(col(r, "StatusMessage", "status_message"));
  span.events = events(r);
  const reader = conventionReader();
  reader.reset();
  const attrs = {};
  const put = (k, v) => {
    attrs[k] = v;
    reader.visit(k, v);
  };
  const own = mapOf(col(r, "SpanAttributes", "span_attributes"));
  if (own !== null) {
    const flat = {};
    flattenInto(flat, "", own);
    for (const k in flat) put(k, flat[k]);
  }
  const res = mapOf(col(r, "ResourceAttributes", "resource_attributes"));
  if (res !== null) {
    const flat = {};
    flattenInto(flat, "resource", res);
    for (const k in flat) put(k, flat[k]);
  }
  const service = str(col(r, "ServiceName", "service_name"));
  if (service !== null && attrs["resource.service.name"] === void 0) put("resource.service.name", service);
  const scopeName = str(col(r, "ScopeName", "scope_name"));
  const scopeVersion = str(col(r, "ScopeVersion", "scope_version"));
  if (scopeName !== null) attrs["scope.name"] = scopeName;
  if (scopeVersion !== null) attrs["scope.version"] = scopeVersion;
  const kind = otelKind(col(r, "SpanKind", "span_kind"));
  if (kind !== null) attrs["otel.span_kind"] = kind;
  const state = str(col(r, "TraceState", "trace_state"));
  if (state !== null) attrs["otel.trace_state"] = state;
  const l = links(r);
  if (l !== null) attrs["otel.links"] = l;
  const logs = col(r, "logs", "Logs");
  if (Array.isArray(logs) && logs.length > 0 || typeof logs === "string" && logs !== "" && logs !== "[]") attrs["otel.logs"] = logs;
  for (const k in r) {
    if (ROW_KEYS.has(k) || k.startsWith("Events.") || k.startsWith("Links.") || k.startsWith("events.") || k.startsWith("links.")) continue;
    const v = r[k];
    if (v === null || v === void 0 || v === "") continue;
    flattenInto(attrs, "row." + k, v);
  }
  return finishOtel(span, attrs);
}
function isRow(r) {
  if ("SpanId" in r && "TraceId" in r) return true;
  return "span_id" in r && "trace_id" in r && ("span_name" in r || "span_attributes" in r || "timestamp" in r && "duration" in r);
}
var clickhouseRow = {
  name: "clickhouse-row",
  sniff: isRow,
  normalize: (r) => ({ format: "clickhouse-row", spans: [normalizeOtelRow(r)] })
};

// src/ingest/formats/span-tree.ts
function childrenOf(s) {
  const c = s.child_spans ?? s.children ?? s.childSpans;
  return Array.isArray(c) && c.length > 0 ? c : null;
}
function normalizeSpanTree(doc) {
  const traceId = rowId(doc.trace_id ?? doc.traceId ?? doc.TraceId);
  const roots = doc.spans;
  const out = [];
  const stack = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i], parentId: null, where: `spans[${i}]` });
  while (stack.length > 0) {
    const { node, parentId, where: where2 } = stack.pop();
    if (!isObject(node)) throw new RecordError(`span tree: ${where2} is not an object`);
    const span = normalizeOtelRow(node, { traceId, parentId, where: where2 });
    out.push(span);
    const kids = childrenOf(node);
    if (kids !== null) for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], parentId: span.spanId, where: `${where2}.child_spans[${i}]` });
  }
  if (out.length === 0) throw new RecordError(`span tree${traceId !== null ? ` ${traceId}` : ""} has an empty spans list`);
  return out;
}
var spanTree = {
  name: "span-tree",
  sniff: (r) => Array.isArray(r.spans) && ("trace_id" in r || "traceId" in r || "TraceId" in r),
  normalize: (r) => ({ format: "span-tree", spans: normalizeSpanTree(r) })
};

// src/ingest/formats/phoenix.ts
var OWN = /* @__PURE__ */ new Set(["name", "context", "context.trace_id", "context.span_id", "parent_id", "span_kind", "start_time", "end_time", "status_code", "status_message", "events", "attributes"]);
function events2(list2) {
  if (!Array.isArray(list2)) return [];
  const out = [];
  for (const e of list2) {
    if (!isObject(e)) continue;
    const attributes = {};
    if (isObject(e.attributes)) flattenInto(attributes, "", e.attributes);
    out.push({ name: str(e.name) ?? "event", time: toMs(e.timestamp ?? e.time), attributes });
  }
  return out;
}
function normalizePhoenix(r) {
  const ctx = isObject(r.context) ? r.context : null;
  const traceId = normalizeId(r["context.trace_id"] ?? ctx?.trace_id);
  const spanId = normalizeId(r["context.span_id"] ?? ctx?.span_id);
  if (traceId === null) throw new RecordError("Phoenix span missing context.trace_id");
  if (spanId === null) throw new RecordError(`Phoenix span in trace ${traceId} missing context.span_id`);
  const span = newSpan(traceId, spanId, str(r.name) ?? "span");
  span.parentId = rowId(r.parent_id);
  const start = toMs(r.start_time);
  if (start === null) throw new RecordError(`Phoenix span ${spanId}: start_time missing or not a timestamp`);
  span.startTime = start;
  span.endTime = toMs(r.end_time) ?? start;
  span.status = parseStatus(r.status_code) ?? "unset";
  span.statusMessage = str(r.status_message);
  span.events = events2(r.events);
  const reader = conventionReader();
  reader.reset();
  const attrs = {};
  const put = (k, v) => {
    if (v === null || v === void 0) return;
    attrs[k] = v;
    reader.visit(k, v);
  };
  if (isObject(r.attributes)) {
    const flat = {};
    flattenInto(flat, "", r.attributes);
    for (const k in flat) put(k, flat[k]);
  }
  for (const k in r) {
    if (OWN.has(k)) continue;
    if (k.startsWith("attributes.")) put(k.slice(11), r[k]);
    else if (r[k] !== null && r[k] !== void 0 && r[k] !== "") flattenInto(attrs, "phoenix." + k, r[k]);
  }
  const kind = kindFromWord(r.span_kind);
  if (kind !== null) span.kind = kind;
  if (typeof r.span_kind === "string") attrs["phoenix.span_kind"] = r.span_kind;
  return finishOtel(span, attrs);
}
var phoenix = {
  name: "phoenix",
  sniff: (r) => "context.span_id" in r && "context.trace_id" in r || "span_kind" in r && isObject(r.context) && "span_id" in r.context,
  normalize: (r) => ({ format: "phoenix", spans: [normalizePhoenix(r)] })
};

// src/ingest/formats/openai-agents.ts
var KIND = {
  agent: "agent",
  generation: "llm",
  response: "llm",
  function: "tool",
  mcp_tools: "tool",
  handoff: "chain",
  guardrail: "guardrail",
  custom: "other",
  transcription: "llm",
  speech: "llm",
  speech_group: "chain"
};
var HELD = /* @__PURE__ */ new Set(["input", "output", "type"]);
function traceRecord(r) {
  const traceId = str(r.id);
  if (traceId === null) throw new RecordError("Agents SDK trace missing id");
  const probe = newSpan("", "", "");
  if (isObject(r.metadata)) {
    const flat = {};
    flattenInto(flat, "", r.metadata);
    applyConventions(probe, flat, true);
  }
  setHint(probe, "sessionId", str(r.group_id));
  const hints = probe.hints ?? {};
  return { format: "openai-agents", spans: [], traceHints: [{ traceId, hints }] };
}
function spanName(type, d) {
  if (type === "handoff") return `handoff ${str(d.from_agent) ?? "?"} -> ${str(d.to_agent) ?? "?"}`;
  if (type === "function" || type === "agent" || type === "guardrail" || type === "custom") return str(d.name) ?? type;
  return type;
}
function normalizeAgentsSdk(r) {
  if (r.object === "trace") return traceRecord(r);
  const id = str(r.id);
  const traceId = str(r.trace_id);
  if (id === null) throw new RecordError("Agents SDK span missing id");
  if (traceId === null) throw new RecordError(`Agents SDK span ${id} missing trace_id`);
  const d = isObject(r.span_data) ? r.span_data : {};
  const type = str(d.type) ?? "custom";
  const span = newSpan(traceId, id, spanName(type, d));
  span.parentId = str(r.parent_id);
  const start = toMs(r.started_at);
  if (start === null) throw new RecordError(`Agents SDK span ${id}: started_at missing or not a timestamp`);
  span.startTime = start;
  const end = toMs(r.ended_at);
  span.endTime = end ?? start;
  span.kind = KIND[type] ?? "other";
  span.error = errorFrom(r.error);
  const cause = isObject(r.error) && isObject(r.error.data) ? str(r.error.data.error) : null;
  if (span.error !== null && cause !== null && cause.trim() !== "" && !span.error.message.includes(cause)) span.error.message = `${span.error.message}: ${cause}`;
  if (span.error === null && end !== null) span.status = "ok";
  span.input = d.input ?? null;
  span.output = d.output ?? null;
  span.model = str(d.model);
  const u = isObject(d.usage) ? d.usage : null;
  if (u !== null) setTokens(span, num(u.input_tokens) ?? num(u.prompt_tokens), num(u.output_tokens) ?? num(u.completion_tokens), num(u.total_tokens));
  if (type === "generation") {
    const msgs = [...toMessages(d.input) ?? [], ...toMessages(d.output) ?? []];
    if (msgs.length > 0) span.messages = msgs;
  } else if (type === "function") {
    setToolArguments(span, str(d.name) ?? "function", d.input, d.output);
  } else if (type === "agent") {
    setHint(span, "agentName", str(d.name));
  }
  const attrs = { "sdk.span.type": type };
  for (const k in d) if (!HELD.has(k)) flattenInto(attrs, "span_data." + k, d[k]);
  if (isObject(r.error) && r.error.data !== void 0) flattenInto(attrs, "error.data", r.error.data);
  span.attributes = attrs;
  if (type === "custom" && isObject(d.data)) {
    const flat = {};
    flattenInto(flat, "", d.data);
    applyConventions(span, flat, true);
  }
  return { format: "openai-agents", spans: [finishSpan(span)] };
}
var openaiAgents = {
  name: "openai-agents",
  sniff: (r) => r.object === "trace.span" || r.object === "trace",
  normalize: normalizeAgentsSdk
};

// src/ingest/formats/langsmith.ts
var KEEP = ["run_type", "status", "dotted_order", "session_id", "session_name", "reference_example_id"];
function traceIdFromDottedOrder(d) {
  if (typeof d !== "string") return null;
  const first = d.split(".", 1)[0];
  const z = first.indexOf("Z");
  return z >= 0 && z + 1 < first.length ? first.slice(z + 1) : null;
}
function lcMessage(m) {
  if (!isObject(m)) return null;
  if (isObject(m.kwargs)) {
    const k = m.kwargs;
    const cls = Array.isArray(m.id) ? String(m.id[m.id.length - 1] ?? "") : "";
    const role = str(k.type) ?? (cls.startsWith("Human") ? "user" : cls.startsWith("AI") ? "assistant" : cls.startsWith("System") ? "system" : cls.startsWith("Tool") ? "tool" : "unknown");
    return toMessage({ ...k, role: role === "human" ? "user" : role === "ai" ? "assistant" : role });
  }
  if (typeof m.type === "string" && m.role === void 0) return toMessage({ ...m, role: m.type === "human" ? "user" : m.type === "ai" ? "assistant" : m.type });
  return toMessage(m);
}
function messagesOf(v, out) {
  if (!Array.isArray(v)) return;
  for (const m of v) {
    if (Array.isArray(m)) messagesOf(m, out);
    else {
      const msg = lcMessage(m);
      if (msg !== null) out.push(msg);
    }
  }
}
function normalizeLangSmith(r) {
  const id = str(r.id);
  if (id === null) throw new RecordError("LangSmith run missing id");
  const parentId = str(r.parent_run_id);
  const traceId = str(r.trace_id) ?? traceIdFromDottedOrder(r.dotted_order) ?? (parentId === null ? id : null);
  if (traceId === null) throw new RecordError(`LangSmith run ${id} has a parent but no trace_id or dotted_order`);
  const runType = str(r.run_type) ?? "chain";
  const span = newSpan(traceId, id, str(r.name) ?? runType);
  span.parentId = parentId;
  const start = toMs(r.start_time);
  if (start === null) throw new RecordError(`LangSmith run ${id}: start_time missing or not a timestamp`);
  span.startTime = start;
  const end = toMs(r.end_time);
  span.endTime = end ?? start;
  span.kind = kindFromWord(runType) ?? "other";
  span.error = errorFrom(r.error);
  if (span.error !== null || r.status === "error") span.status = "error";
  else if (end !== null || r.status === "success") span.status = "ok";
  const inputs = r.inputs ?? null;
  const outputs = r.outputs ?? null;
  span.input = inputs;
  span.output = outputs;
  const extra = isObject(r.extra) ? r.extra : null;
  const metadata = extra !== null && isObject(extra.metadata) ? extra.metadata : null;
  const invocation = extra !== null && isObject(extra.invocation_params) ? extra.invocation_params : null;
  if (span.kind === "llm") {
    span.model = str(invocation?.model) ?? str(invocation?.model_name) ?? str(metadata?.ls_model_name) ?? str(r.model);
    const llmOut = isObject(outputs) && isObject(outputs.llm_output) ? outputs.llm_output : null;
    const usage2 = isObject(llmOut?.token_usage) ? llmOut.token_usage : isObject(outputs) && isObject(outputs.usage_metadata) ? outputs.usage_metadata : null;
    setTokens(
      span,
      num(r.prompt_tokens) ?? num(usage2?.prompt_tokens) ?? num(usage2?.input_tokens),
      num(r.completion_tokens) ?? num(usage2?.completion_tokens) ?? num(usage2?.output_tokens),
      num(r.total_tokens) ?? num(usage2?.total_tokens)
    );
    const msgs = [];
    if (isObject(inputs)) messagesOf(inputs.messages, msgs);
    if (isObject(outputs) && Array.isArray(outputs.generations)) {
      for (const g of outputs.generations.flat()) if (isObject(g) && g.message !== void 0) messagesOf([g.message], msgs);
    }
    if (msgs.length > 0) span.messages = msgs;
  } else if (r.total_tokens !== void 0 || r.prompt_tokens !== void 0) {
    setTokens(span, num(r.prompt_tokens), num(r.completion_tokens), num(r.total_tokens));
  }
  span.costUsd = num(r.total_cost);
  if (span.kind === "tool") {
    const args = isObject(inputs) && Object.keys(inputs).length === 1 && "input" in inputs ? inputs.input : inputs;
    const result = isObject(outputs) && "output" in outputs ? outputs.output : outputs;
    setToolArguments(span, span.name, args, result);
  }
  const attrs = {};
  for (const k of KEEP) if (r[k] !== void 0 && r[k] !== null) attrs["langsmith." + k] = r[k];
  if (Array.isArray(r.tags) && r.tags.length > 0) attrs["tags"] = r.tags;
  if (extra !== null) flattenInto(attrs, "extra", extra);
  if (isObject(r.feedback_stats)) flattenInto(attrs, "feedback_stats", r.feedback_stats);
  span.attributes = attrs;
  if (metadata !== null) {
    const flat = {};
    flattenInto(flat, "", metadata);
    applyConventions(span, flat, true);
  }
  return [finishSpan(span)];
}
var langsmith = {
  name: "langsmith",
  sniff: (r) => "run_type" in r,
  normalize: (r) => ({ format: "langsmith", spans: normalizeLangSmith(r) })
};

// src/ingest/formats/langfuse.ts
var KEEP2 = ["level", "version", "environment", "promptName", "promptVersion", "completionStartTime", "type"];
function usage(span, o) {
  const d = isObject(o.usageDetails) ? o.usageDetails : null;
  const u = isObject(o.usage) ? o.usage : null;
  const input = num(d?.input) ?? num(d?.prompt_tokens) ?? num(u?.input) ?? num(u?.promptTokens) ?? num(o.promptTokens);
  const output = num(d?.output) ?? num(d?.completion_tokens) ?? num(u?.output) ?? num(u?.completionTokens) ?? num(o.completionTokens);
  const total = num(d?.total) ?? num(u?.total) ?? num(u?.totalTokens) ?? num(o.totalTokens);
  setTokens(span, input, output, total);
  const c = isObject(o.costDetails) ? o.costDetails : null;
  span.costUsd = num(c?.total) ?? num(o.calculatedTotalCost) ?? num(o.totalCost) ?? null;
}
function decoded(v) {
  if (typeof v !== "string") return v;
  const t2 = v.trimStart();
  if (!t2.startsWith("{") && !t2.startsWith("[") && !t2.startsWith('"')) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
function decodedObservation(o) {
  return { ...o, input: decoded(o.input), output: decoded(o.output), metadata: decoded(o.metadata) };
}
function observation(o, fallbackTraceId) {
  const id = str(o.id);
  const traceId = str(o.traceId) ?? fallbackTraceId;
  const type = str(o.type) ?? "SPAN";
  if (id === null) throw new RecordError(`Langfuse ${type} observation missing id`);
  if (traceId === null) throw new RecordError(`Langfuse observation ${id} missing traceId`);
  const span = newSpan(traceId, id, str(o.name) ?? type.toLowerCase());
  span.parentId = str(o.parentObservationId);
  const start = toMs(o.startTime);
  if (start === null) throw new RecordError(`Langfuse observation ${id}: startTime missing or not a timestamp`);
  span.startTime = start;
  span.endTime = toMs(o.endTime) ?? start;
  span.kind = kindFromWord(type === "SPAN" ? "chain" : type === "EVENT" ? "other" : type) ?? "other";
  span.statusMessage = str(o.statusMessage);
  if (o.level === "ERROR") {
    span.status = "error";
    span.error = { type: null, message: span.statusMessage ?? "error" };
  }
  span.model = str(o.model);
  span.input = o.input ?? null;
  span.output = o.output ?? null;
  usage(span, o);
  if (span.kind === "llm") {
    const msgs = toMessages(o.input);
    const out = isObject(o.output) && "role" in o.output ? toMessages([o.output]) : toMessages(o.output);
    if (msgs !== null || out !== null) span.messages = [...msgs ?? [], ...out ?? []];
  }
  const attrs = {};
  for (const k of KEEP2) if (o[k] !== void 0 && o[k] !== null) attrs["langfuse." + k] = o[k];
  if (isObject(o.modelParameters)) flattenInto(attrs, "modelParameters", o.modelParameters);
  if (isObject(o.metadata)) {
    flattenInto(attrs, "metadata", o.metadata);
    const flat = {};
    flattenInto(flat, "", o.metadata);
    applyConventions(span, flat, true);
    if (isObject(o.metadata.attributes)) {
      const otel = {};
      flattenInto(otel, "", o.metadata.attributes);
      applyConventions(span, otel);
      const tool = str(otel["gen_ai.tool.name"]) ?? str(otel["tool.name"]);
      const declared = str(otel["openinference.span.kind"])?.toUpperCase() ?? "TOOL";
      if (type === "SPAN" && tool !== null && declared === "TOOL" && span.tool === null) {
        span.kind = "tool";
        span.tool = { name: tool, arguments: null, result: null };
      }
    }
  }
  span.attributes = attrs;
  setHint(span, "sessionId", str(o.sessionId));
  setHint(span, "userId", str(o.userId));
  return finishSpan(span);
}
function traceHints(t2) {
  const probe = newSpan("", "", "");
  if (isObject(t2.metadata)) {
    const flat = {};
    flattenInto(flat, "", t2.metadata);
    applyConventions(probe, flat, true);
  }
  setHint(probe, "sessionId", str(t2.sessionId));
  setHint(probe, "userId", str(t2.userId));
  return probe.hints ?? {};
}
function normalizeLangfuse(r) {
  if (isObject(r.trace) && Array.isArray(r.observations)) {
    const t2 = r.trace;
    return normalizeLangfuse({ ...t2, metadata: decoded(t2.metadata), observations: r.observations.map((o) => isObject(o) ? decodedObservation(o) : o) });
  }
  if (Array.isArray(r.observations)) {
    const traceId = str(r.id);
    if (traceId === null) throw new RecordError("Langfuse trace missing id");
    const hints = traceHints(r);
    if (r.observations.every((o) => typeof o === "string")) return { format: "langfuse", spans: [], traceHints: [{ traceId, hints }] };
    const spans = [];
    for (let i = 0; i < r.observations.length; i++) {
      const o = r.observations[i];
      if (!isObject(o)) throw new RecordError(`Langfuse trace ${traceId}: observations[${i}] is not an object`);
      spans.push(observation(o, traceId));
    }
    return { format: "langfuse", spans, traceHints: [{ traceId, hints }] };
  }
  return { format: "langfuse", spans: [observation(r, null)] };
}
var langfuse = {
  name: "langfuse",
  // An observation, or a trace export carrying its observations inline.
  sniff: (r) => "traceId" in r && typeof r.type === "string" || Array.isArray(r.observations) && ("id" in r || isObject(r.trace)),
  normalize: normalizeLangfuse
};

// src/ingest/identity.ts
function formatSource(at) {
  return at.unit === "element" ? `${at.file}[${at.line}]` : `${at.file}:${at.line}`;
}
var OWN_ID_KEYS = ["trace_id", "traceId", "run_id", "runId", "id"];
function ownId(r, keys = OWN_ID_KEYS) {
  for (const k of keys) {
    const v = str(r[k]);
    if (v !== null) return v;
  }
  return null;
}
function traceIdentity(r, parts, at) {
  if (parts.own !== void 0 && parts.own !== null) return parts.own;
  const c = parts.composite;
  if (c !== void 0 && c.slice(0, -1).some((p) => p !== null && p !== void 0 && p !== "")) {
    return `${parts.prefix}-${c.filter((p) => p !== null && p !== void 0 && p !== "").join("-")}`;
  }
  if (parts.perFile === true && at !== void 0 && at.line <= 1) return `${parts.prefix}:${at.file}`;
  return `${parts.prefix}-${wideHash(JSON.stringify(r))}`;
}
function wideHash(s) {
  return hashString(s) + hashString("" + s);
}

// src/ingest/formats/conversation.ts
var BASE_TIME = Date.UTC(2024, 0, 1);
var STEP_MS = 1e3;
var LLM_MS = 500;
var ERROR_RESULT = /^\s*(?:(?:error|exception|traceback)\b|an error occurred while running the tool\b)/i;
function buildConversation(spec) {
  const { traceId, turns } = spec;
  if (turns.length === 0) throw new RecordError("the run has an empty messages list");
  const usable = turns.filter((t2) => t2 !== null);
  if (usable.length === 0) throw new RecordError(`the run has no usable messages (${turns.length} entries, none an object)`);
  const base = spec.start ?? firstTime(turns) ?? BASE_TIME;
  let dated = spec.start !== void 0 && spec.start !== null;
  const times = new Array(turns.length);
  for (let i = 0; i < turns.length; i++) {
    const own = turns[i]?.time;
    if (own !== void 0 && own !== null) dated = true;
    times[i] = own ?? (i === 0 ? base : times[i - 1] + STEP_MS);
  }
  const synthetic = !dated;
  const rootId = `${traceId}:agent`;
  const root2 = newSpan(traceId, rootId, spec.agentName ?? "agent");
  root2.kind = "agent";
  root2.status = "ok";
  root2.startTime = Math.min(base, times[0]);
  root2.endTime = Math.max(spec.end ?? -Infinity, times[turns.length - 1] + (synthetic ? STEP_MS : 0));
  const messages = [];
  const spans = [root2];
  const results = /* @__PURE__ */ new Map();
  for (let i = 0; i < turns.length; i++) {
    const t2 = turns[i];
    if (t2 === null || t2 === void 0) continue;
    messages.push(t2.message);
    const id = t2.message.role === "tool" ? t2.message.toolCallId : void 0;
    if (id !== void 0) {
      const q = results.get(id);
      if (q === void 0) results.set(id, [i]);
      else q.push(i);
    }
  }
  const joined2 = /* @__PURE__ */ new Set();
  let llmN = 0;
  let toolN = 0;
  for (let i = 0; i < turns.length; i++) {
    const t2 = turns[i];
    if (t2 === null || t2 === void 0) continue;
    const m = t2.message;
    const isAssistant = m.role === "assistant";
    if (isAssistant) {
      const llm = newSpan(traceId, `${traceId}:llm-${llmN++}`, "assistant turn");
      llm.parentId = rootId;
      llm.kind = "llm";
      llm.status = "ok";
      llm.model = t2.model ?? spec.model;
      llm.startTime = synthetic || i === 0 ? times[i] : times[i - 1];
      llm.endTime = synthetic ? times[i] + LLM_MS : times[i];
      llm.output = m.content;
      llm.messages = t2.context ? [...t2.context, m] : [m];
      if (t2.tokens) llm.tokens = t2.tokens;
      if (t2.cost !== void 0 && t2.cost !== null) llm.costUsd = t2.cost;
      if (t2.attributes) Object.assign(llm.attributes, t2.attributes);
      spans.push(finishSpan(llm));
    }
    const calls = m.toolCalls ?? [];
    for (let j = 0; j < calls.length; j++) {
      const c = calls[j];
      const at = c.id !== void 0 ? nextResult(results.get(c.id), i, joined2) : -1;
      const start = times[i] + (synthetic ? LLM_MS + j : 0);
      const result = at >= 0 ? turns[at] : null;
      const s = toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, c.name, c.arguments, t2.rawArguments?.[j], result, start, at >= 0 ? times[at] : start, c.id);
      if (!isAssistant) s.attributes["tool.requestor"] = m.role;
      spans.push(s);
    }
  }
  for (let i = 0; i < turns.length; i++) {
    const t2 = turns[i];
    if (t2 === null || t2 === void 0 || t2.message.role !== "tool" || joined2.has(i)) continue;
    spans.push(toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, t2.message.name ?? "tool", null, void 0, t2, times[i], times[i], t2.message.toolCallId));
  }
  root2.messages = messages;
  const firstUser = messages.find((m) => m.role === "user");
  let lastAssistant;
  for (let i = messages.length - 1; i >= 0 && lastAssistant === void 0; i--) if (messages[i].role === "assistant" && messages[i].content !== "") lastAssistant = messages[i];
  root2.input = firstUser?.content ?? null;
  root2.output = lastAssistant?.content ?? null;
  root2.model = spec.model;
  const attrs = { "halo.synthetic_time": synthetic };
  if ((spec.invalid ?? 0) > 0) attrs["halo.invalid_messages"] = spec.invalid;
  Object.assign(attrs, spec.attributes);
  root2.attributes = attrs;
  setHint(root2, "taskId", spec.taskId ?? null);
  setHint(root2, "trial", spec.trial ?? null);
  if (spec.outcome) setHint(root2, "outcome", spec.outcome);
  setHint(root2, "agentName", spec.agentName);
  if (spec.metadata !== void 0) applyConventions(root2, spec.metadata, true);
  finishSpan(root2);
  return spans;
}
function firstTime(turns) {
  for (const t2 of turns) if (t2?.time !== void 0 && t2.time !== null) return t2.time;
  return null;
}
function nextResult(q, after, joined2) {
  if (q === void 0) return -1;
  for (const idx of q) {
    if (idx > after && !joined2.has(idx)) {
      joined2.add(idx);
      return idx;
    }
  }
  return -1;
}
function toolSpan(traceId, parentId, spanId, name, args, rawArgs, result, start, end, callId) {
  const s = newSpan(traceId, spanId, name);
  s.parentId = parentId;
  s.kind = "tool";
  s.startTime = start;
  s.endTime = end;
  const out = result !== null ? result.message.content : null;
  s.tool = { name, arguments: args, result: out };
  if (parseArguments(rawArgs).invalid) s.tool.argumentsInvalid = true;
  s.input = rawArgs ?? null;
  s.output = out;
  if (callId !== void 0) s.attributes["tool_call.id"] = callId;
  if (result?.attributes) Object.assign(s.attributes, result.attributes);
  if (out !== null && (result.failed === true || ERROR_RESULT.test(out))) {
    s.status = "error";
    const text = out.trim();
    const nl = text.indexOf("\n");
    s.error = result.error ?? { type: null, message: nl >= 0 ? text.slice(0, nl) : text };
  } else s.status = out !== null ? "ok" : "unset";
  return finishSpan(s);
}
function recordAttributes(r, skip) {
  const attrs = {};
  for (const k in r) {
    if (skip.includes(k)) continue;
    flattenInto(attrs, k, r[k]);
  }
  return attrs;
}

// src/ingest/formats/multi-agent-chat.ts
var BASE_TIME2 = Date.UTC(2024, 0, 1);
var STEP_MS2 = 1e3;
var LABEL_KEYS = /* @__PURE__ */ new Set(["mistake_agent", "mistake_step", "mistake_reason", "labels"]);
var CHAT_ROLES = /* @__PURE__ */ new Set(["system", "user", "assistant", "tool", "function", "developer", "model", "human", "ai", "ipython"]);
var EXIT_CODE = /^\s*exitcode:\s*(-?\d+)/;
var TRACEBACK = /Traceback \(most recent call last\)|^\s*(?:\w+Error|Exception):/m;
var CODE_BLOCK = /```[\w+-]*\n([\s\S]*?)```/g;
function speakerOf(m) {
  const name = str(m.name);
  if (name !== null) return name;
  const role = str(m.role);
  return role !== null && !CHAT_ROLES.has(role.toLowerCase()) ? role : null;
}
function agentOfSpeaker(speaker) {
  const cut = speaker.replace(/\s*\([^)]*\)\s*$/, "");
  return cut === "" ? speaker : cut;
}
function turnsOf(r) {
  if (Array.isArray(r.history)) return r.history;
  return Array.isArray(r.messages) ? r.messages : null;
}
function sniff(r) {
  if (Array.isArray(r.history)) return r.history.length === 0 || r.history.some((m) => isObject(m) && ("content" in m || "role" in m || "name" in m));
  if (!Array.isArray(r.messages)) return false;
  for (const m of r.messages) {
    if (!isObject(m) || m.role === "tool" || m.role === "function") continue;
    if (speakerOf(m) !== null) return true;
  }
  return false;
}
function traceIdOf(r, taskId) {
  return traceIdentity(r, { prefix: taskId ?? "chat", own: ownId(r) });
}
function codeOf(previous) {
  if (previous === null) return null;
  const blocks = [];
  for (const m of previous.matchAll(CODE_BLOCK)) blocks.push(m[1].trimEnd());
  return blocks.length > 0 ? blocks.join("\n\n") : null;
}
function callSpans(m, turn, pending) {
  if (!Array.isArray(m.tool_calls)) return [];
  const out = [];
  m.tool_calls.forEach((c, j) => {
    const fn = isObject(c) && isObject(c.function) ? c.function : null;
    if (fn === null) return;
    const name = str(fn.name) ?? "tool";
    const s = newSpan(turn.traceId, `${turn.spanId}:call-${j}`, name);
    s.parentId = turn.spanId;
    s.kind = "tool";
    s.agentName = turn.agentName;
    s.startTime = turn.startTime;
    s.endTime = turn.endTime;
    const args = parseArguments(fn.arguments);
    s.input = fn.arguments ?? null;
    s.tool = { name, arguments: args.value, result: null };
    if (args.invalid) s.tool.argumentsInvalid = true;
    s.attributes = { "halo.step": turn.attributes["halo.step"] };
    const id = isObject(c) ? str(c.id) : null;
    if (id !== null) {
      s.attributes["tool_call.id"] = id;
      pending.set(id, s);
    }
    out.push(s);
  });
  return out;
}
function answerCalls(m, pending, end) {
  const responses = Array.isArray(m.tool_responses) ? m.tool_responses : str(m.tool_call_id) !== null ? [m] : null;
  if (responses === null || responses.length === 0) return false;
  const calls = responses.map((r) => isObject(r) ? pending.get(str(r.tool_call_id) ?? "") : void 0);
  if (calls.some((c) => c === void 0)) return false;
  responses.forEach((r, k) => {
    const s = calls[k];
    const out = contentText(r.content);
    pending.delete(str(r.tool_call_id));
    s.output = out;
    s.tool.result = out;
    s.endTime = end;
    if (r.is_error === true || ERROR_RESULT.test(out)) {
      s.status = "error";
      s.error = { type: null, message: out.trim().split("\n", 1)[0] };
    } else s.status = "ok";
  });
  return true;
}
function normalizeMultiAgentChat(r) {
  const turns = turnsOf(r);
  if (turns === null || turns.length === 0) throw new RecordError("multi-agent chat has an empty history");
  const taskId = str(r.task_id) ?? str(r.taskId) ?? str(r.question_ID) ?? str(r.question_id);
  const traceId = traceIdOf(r, taskId);
  const base = toMs(r.timestamp ?? r.created_at ?? r.start_time) ?? BASE_TIME2;
  const t2 = (i) => base + i * STEP_MS2;
  const rootId = `${traceId}:run`;
  const root2 = newSpan(traceId, rootId, str(r.agent_name) ?? "group chat");
  root2.kind = "agent";
  root2.startTime = base;
  root2.endTime = t2(turns.length);
  const spans = [root2];
  let previous = null;
  let invalid = 0;
  let turnErrors = 0;
  const calls = /* @__PURE__ */ new Map();
  for (let i = 0; i < turns.length; i++) {
    const m = turns[i];
    if (!isObject(m)) {
      invalid++;
      continue;
    }
    if (answerCalls(m, calls, t2(i + 1))) continue;
    const content = contentText(m.content);
    const speaker = speakerOf(m) ?? str(m.role) ?? "unknown";
    const agent = agentOfSpeaker(speaker);
    const exit = EXIT_CODE.exec(content);
    const s = newSpan(traceId, `${traceId}:step-${i}`, speaker);
    s.parentId = rootId;
    s.startTime = t2(i);
    s.endTime = t2(i + 1);
    s.agentName = agent;
    s.output = content;
    const attrs2 = { "halo.step": i };
    const role = str(m.role);
    if (role !== null) attrs2["message.role"] = role;
    for (const k in m) if (k !== "content" && k !== "role" && k !== "name") flattenInto(attrs2, "message." + k, m[k]);
    s.attributes = attrs2;
    if (exit !== null) {
      const code = Number(exit[1]);
      s.kind = "tool";
      const ran = codeOf(previous);
      s.input = ran;
      s.tool = { name: "code_execution", arguments: ran !== null ? { code: ran } : null, result: content };
      attrs2["code.exit_code"] = code;
      if (code !== 0 || TRACEBACK.test(content)) {
        s.status = "error";
        const firstLine = content.split("\n").find((l) => /error|exception|failed/i.test(l) && !EXIT_CODE.test(l)) ?? content.split("\n")[0];
        s.error = { type: code !== 0 ? `exit code ${code}` : null, message: firstLine.trim().slice(0, 500) };
        turnErrors++;
      } else s.status = "ok";
    } else {
      s.kind = "agent";
      s.status = "ok";
      s.messages = [{ role: role ?? "assistant", content, name: speaker }];
    }
    spans.push(finishSpan(s));
    spans.push(...callSpans(m, s, calls));
    previous = content;
  }
  for (const c of calls.values()) finishSpan(c);
  if (spans.length === 1) throw new RecordError(`multi-agent chat has no usable turns (${turns.length} entries, none an object)`);
  const question = str(r.question) ?? str(r.task) ?? str(r.prompt);
  root2.input = question ?? spans[1].output;
  root2.output = spans[spans.length - 1].output;
  const attrs = { "halo.synthetic_time": !(r.timestamp ?? r.created_at ?? r.start_time) };
  if (invalid > 0) attrs["halo.invalid_messages"] = invalid;
  for (const k in r) {
    if (k === "history" || k === "messages" || LABEL_KEYS.has(k)) continue;
    flattenInto(attrs, k, r[k]);
  }
  root2.attributes = attrs;
  setHint(root2, "taskId", taskId);
  setHint(root2, "trial", num(r.trial));
  const outcome = outcomeFrom(r.is_correct ?? r.success, r.reward ?? r.score, r.label, r.outcome);
  if (outcome !== null) setHint(root2, "outcome", outcome);
  setHint(root2, "agentName", str(r.agent_name));
  if (turnErrors > 0) attrs["halo.failed_executions"] = turnErrors;
  finishSpan(root2);
  return spans;
}
var multiAgentChat = {
  name: "multi-agent-chat",
  sniff,
  normalize: (r) => ({ format: "multi-agent-chat", spans: normalizeMultiAgentChat(r), wholeTrace: true })
};

// src/ingest/formats/chat-transcript.ts
var SUITE_KEYS = ["suite", "suite_name", "domain", "env", "environment", "benchmark"];
function traceIdOf2(r, taskId, trial, at) {
  let suite = null;
  for (const k of SUITE_KEYS) if ((suite = str(r[k])) !== null) break;
  return traceIdentity(r, { prefix: Array.isArray(r.traj) ? "tau" : "chat", own: ownId(r), composite: [suite, taskId, trial ?? 0] }, at);
}
function chatTurn(raw) {
  const message3 = toMessage(raw);
  if (message3 === null) return null;
  const m = raw;
  const turn = { message: message3 };
  if (Array.isArray(m.tool_calls)) {
    const rawArgs = [];
    for (const tc of m.tool_calls) if (toToolCall(tc) !== null) rawArgs.push(rawArguments(tc));
    turn.rawArguments = rawArgs;
  }
  const time = toMs(m.timestamp ?? m.created_at);
  if (time !== null) turn.time = time;
  const model = str(m.model);
  if (model !== null) turn.model = model;
  const u = isObject(m.usage) ? m.usage : null;
  if (u !== null) {
    const input = num(u.prompt_tokens) ?? num(u.input_tokens);
    const output = num(u.completion_tokens) ?? num(u.output_tokens);
    if (input !== null || output !== null) turn.tokens = { input: input ?? 0, output: output ?? 0, total: num(u.total_tokens) ?? (input ?? 0) + (output ?? 0) };
  }
  const cost = num(m.cost);
  if (cost !== null && cost > 0) turn.cost = cost;
  return turn;
}
function rawArguments(tc) {
  if (!isObject(tc)) return void 0;
  const fn = isObject(tc.function) ? tc.function : tc;
  return fn.arguments ?? fn.input ?? fn.args;
}
function normalizeChatTranscript(r, at) {
  const list2 = Array.isArray(r.messages) ? r.messages : r.traj;
  const info = isObject(r.info) ? r.info : null;
  const taskId = str(r.task_id) ?? str(r.taskId) ?? (info !== null ? str(info.task_id) : null);
  const trial = num(r.trial);
  const turns = list2.map(chatTurn);
  let metadata;
  if (isObject(r.metadata)) flattenInto(metadata = {}, "", r.metadata);
  return buildConversation({
    traceId: traceIdOf2(r, taskId, trial, at),
    turns,
    invalid: turns.filter((t2) => t2 === null).length,
    agentName: str(r.agent_name) ?? str(r.agent),
    model: str(r.model),
    start: toMs(r.timestamp ?? r.created_at ?? r.start_time),
    taskId,
    trial,
    outcome: outcomeFrom(r.success, r.reward ?? (info !== null && isObject(info.reward_info) ? info.reward_info.reward : void 0), r.label, r.outcome),
    attributes: recordAttributes(r, ["messages", "traj"]),
    ...metadata !== void 0 ? { metadata } : {}
  });
}
var chatTranscript = {
  name: "chat-transcript",
  sniff: (r) => Array.isArray(r.messages) || Array.isArray(r.traj),
  normalize: (r, _pool, at) => ({ format: "chat-transcript", spans: normalizeChatTranscript(r, at), wholeTrace: true })
};

// src/ingest/formats/tau2.ts
function runInfo(doc) {
  const info = doc !== null && isObject(doc.info) ? doc.info : {};
  const agent = isObject(info.agent_info) ? info.agent_info : {};
  const user = isObject(info.user_info) ? info.user_info : {};
  const env = isObject(info.environment_info) ? info.environment_info : {};
  const tasks = /* @__PURE__ */ new Map();
  if (doc !== null && Array.isArray(doc.tasks)) {
    for (const t2 of doc.tasks) if (isObject(t2) && str(t2.id) !== null) tasks.set(str(t2.id), t2);
  }
  return { domain: str(env.domain_name), agent: str(agent.implementation), model: str(agent.llm), userModel: str(user.llm), tasks };
}
function turnOf(raw) {
  if (!isObject(raw)) return null;
  if (raw.role !== "tool") return chatTurn(raw);
  const turn = chatTurn({ ...raw, tool_call_id: raw.tool_call_id ?? raw.id });
  if (turn === null) return null;
  if (raw.error === true) turn.failed = true;
  const requestor = str(raw.requestor);
  if (requestor !== null && requestor !== "assistant") turn.attributes = { "tool.requestor": requestor };
  return turn;
}
function simulation(sim, run, at, index) {
  const taskId = str(sim.task_id);
  const trial = num(sim.trial);
  const where2 = index !== null ? `simulations[${index}]` : "simulation";
  if (!Array.isArray(sim.messages)) {
    throw new RecordError(`\u03C4\xB2-bench ${where2} ${str(sim.id) ?? ""} has no messages list${Array.isArray(sim.ticks) ? " (a full-duplex voice run: its ticks are not read)" : ""}`.replace("  ", " "));
  }
  const turns = sim.messages.map(turnOf);
  const reward = isObject(sim.reward_info) ? sim.reward_info.reward : void 0;
  const attrs = recordAttributes(sim, ["messages"]);
  if (run.domain !== null) attrs["tau2.domain"] = run.domain;
  if (run.userModel !== null) attrs["tau2.user_model"] = run.userModel;
  const task = taskId !== null ? run.tasks.get(taskId) : void 0;
  if (task !== void 0 && isObject(task.description) && str(task.description.purpose) !== null) attrs["tau2.task.purpose"] = task.description.purpose;
  return buildConversation({
    // Inside a results document the path and position cannot tell simulations apart: the composite key can.
    traceId: traceIdentity(sim, { prefix: "tau2", own: str(sim.id), composite: [run.domain, taskId, trial ?? 0], perFile: index === null }, at),
    turns,
    invalid: turns.filter((t2) => t2 === null).length,
    agentName: run.agent,
    model: run.model,
    start: toMs(sim.start_time),
    end: toMs(sim.end_time),
    taskId,
    trial,
    outcome: outcomeFrom(void 0, reward, void 0),
    attributes: attrs
  });
}
function normalizeTau2(r, at) {
  if (!Array.isArray(r.simulations)) return simulation(r, runInfo(null), at, null);
  const run = runInfo(r);
  if (r.simulations.length === 0) throw new RecordError("\u03C4\xB2-bench results document has no simulations (newer versions keep them in simulations/*.json beside results.json: give that folder)");
  const spans = [];
  for (let i = 0; i < r.simulations.length; i++) {
    const sim = r.simulations[i];
    if (!isObject(sim)) throw new RecordError(`\u03C4\xB2-bench simulations[${i}] is not an object`);
    spans.push(...simulation(sim, run, at, i));
  }
  return spans;
}
var tau2 = {
  name: "tau2-bench",
  // A results document, or one simulation: a run with `reward_info` beside its messages.
  sniff: (r) => Array.isArray(r.simulations) && ("tasks" in r || "info" in r) || "reward_info" in r && "task_id" in r && (Array.isArray(r.messages) || Array.isArray(r.ticks)),
  normalize: (r, _pool, at) => ({ format: "tau2-bench", spans: normalizeTau2(r, at), wholeTrace: true })
};

// src/ingest/formats/agentdojo.ts
function turnOf2(raw) {
  const turn = chatTurn(raw);
  if (turn !== null && turn.message.role === "tool" && isObject(raw) && str(raw.error) !== null) {
    turn.failed = true;
    if (turn.message.content === "") turn.message.content = str(raw.error);
  }
  return turn;
}
function normalizeAgentDojo(r, at) {
  const suite = str(r.suite_name);
  const pipeline = str(r.pipeline_name);
  const userTask = str(r.user_task_id);
  const list2 = r.messages;
  const turns = list2.map(turnOf2);
  const end = toMs(r.evaluation_timestamp);
  const duration = num(r.duration);
  const utility = typeof r.utility === "boolean" ? r.utility : null;
  const security = typeof r.security === "boolean" ? r.security : null;
  const injected = str(r.injection_task_id) !== null;
  return buildConversation({
    traceId: traceIdentity(r, { prefix: "agentdojo", composite: [pipeline, suite, userTask, str(r.attack_type) ?? "none", str(r.injection_task_id) ?? "none"], perFile: true }, at),
    turns,
    invalid: turns.filter((t2) => t2 === null).length,
    agentName: null,
    model: pipeline,
    start: end !== null && duration !== null ? end - duration * 1e3 : null,
    end,
    taskId: userTask,
    outcome: utility === null ? null : { success: utility, ...injected && security !== null ? { label: security ? "injection resisted" : "injection succeeded" } : {} },
    attributes: recordAttributes(r, ["messages"])
  });
}
var agentDojo = {
  name: "agentdojo",
  sniff: (r) => "user_task_id" in r && Array.isArray(r.messages) && ("utility" in r || "suite_name" in r),
  normalize: (r, _pool, at) => ({ format: "agentdojo", spans: normalizeAgentDojo(r, at), wholeTrace: true })
};

// src/ingest/formats/swe-agent.ts
function instanceFromPath(at) {
  if (at === void 0) return null;
  const base = at.file.replace(/\\/g, "/").split("/").pop() ?? "";
  const id = base.replace(/(\.traj)?(\.json)?(\.gz)?$/i, "");
  return id !== "" && id !== base ? id : null;
}
function trajectoryRun(agent, r, at, run) {
  const exit = str(run.info.exit_status);
  return buildConversation({
    traceId: traceIdentity(r, { prefix: agent, composite: [run.model, run.instance, null], perFile: true }, at),
    turns: run.turns,
    invalid: run.turns.filter((t2) => t2 === null).length,
    agentName: agent,
    model: run.model,
    taskId: run.instance,
    outcome: exit !== null ? { label: exit } : null,
    attributes: { ...recordAttributes(r, run.held), ...infoAttributes(run.info) }
  });
}
function infoAttributes(info) {
  const out = recordAttributes(info, Object.keys(info).filter((k) => k.startsWith("edited_files")));
  const prefixed = {};
  for (const k in out) prefixed["info." + k] = out[k];
  return prefixed;
}
function normalizeSweAgent(r, at) {
  const info = isObject(r.info) ? r.info : {};
  const replay = isObject(r.replay_config) ? r.replay_config : typeof r.replay_config === "string" ? tryParseJson(r.replay_config) : null;
  const agent = isObject(replay) && isObject(replay.agent) ? replay.agent : {};
  const model = isObject(agent.model) ? str(agent.model.name) : null;
  const problem = isObject(replay) && isObject(replay.problem_statement) ? replay.problem_statement : {};
  const instance = str(problem.id) ?? str(r.instance_id) ?? instanceFromPath(at);
  const turns = [];
  if (Array.isArray(r.history)) {
    for (const h of r.history) {
      if (!isObject(h) || h.role === "assistant") break;
      turns.push(chatTurn({ role: h.role, content: h.content }));
    }
  }
  const steps = r.trajectory;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!isObject(s)) {
      turns.push(null);
      continue;
    }
    const action = str(s.action)?.trim() ?? "";
    const call = { id: `step-${i}`, name: action.split(/\s/, 1)[0] || "action", arguments: { command: action } };
    turns.push({ message: { role: "assistant", content: str(s.thought) ?? str(s.response) ?? "", ...action !== "" ? { toolCalls: [call] } : {} } });
    if (action !== "") {
      const t2 = num(s.execution_time);
      turns.push({ message: { role: "tool", content: str(s.observation) ?? "", toolCallId: call.id }, ...t2 !== null ? { attributes: { "tool.execution_time_s": t2 } } : {} });
    }
  }
  return trajectoryRun("swe-agent", r, at, { model, instance, turns, info, held: ["trajectory", "history", "info", "replay_config"] });
}
var sweAgent = {
  name: "swe-agent",
  sniff: (r) => Array.isArray(r.trajectory) && ("history" in r || "info" in r),
  normalize: (r, _pool, at) => ({ format: "swe-agent", spans: normalizeSweAgent(r, at), wholeTrace: true })
};
var BASH_BLOCK = /```(?:bash|sh|mswea_bash_command)[ \t]*\r?\n([\s\S]*?)```/;
var RETURN_CODE = /^\s*<returncode>\s*(-?\d+)\s*<\/returncode>/;
function commandsOf(m) {
  const extra = isObject(m.extra) ? m.extra : null;
  if (extra !== null && Array.isArray(extra.actions)) {
    const out = [];
    for (const a of extra.actions) {
      const c = isObject(a) ? str(a.command) : str(a);
      if (c !== null) out.push(c);
    }
    if (out.length > 0) return out;
  }
  const text = typeof m.content === "string" ? m.content : "";
  const block = BASH_BLOCK.exec(text);
  return block !== null ? [block[1].trimEnd()] : [];
}
function miniTurns(list2) {
  const turns = [];
  let pending = [];
  for (let i = 0; i < list2.length; i++) {
    const m = list2[i];
    const turn = chatTurn(m);
    if (turn === null || !isObject(m)) {
      turns.push(null);
      continue;
    }
    const extra = isObject(m.extra) ? m.extra : null;
    const time = toMs(extra?.timestamp);
    if (time !== null) turn.time = time;
    const msg = turn.message;
    if (msg.role === "assistant" && (msg.toolCalls?.length ?? 0) === 0) {
      const commands = commandsOf(m);
      pending = commands.map((_, j) => `action-${i}-${j}`);
      if (commands.length > 0) msg.toolCalls = commands.map((command, j) => ({ id: pending[j], name: "bash", arguments: { command } }));
    } else if (msg.role === "user" && pending.length > 0) {
      const rc = num(extra?.returncode) ?? (RETURN_CODE.exec(msg.content) !== null ? Number(RETURN_CODE.exec(msg.content)[1]) : null);
      msg.role = "tool";
      msg.toolCallId = pending.shift();
      if (rc !== null && rc !== 0) turn.failed = true;
      if (rc !== null) turn.attributes = { "tool.returncode": rc };
    } else if (msg.role === "tool") {
      const rc = num(extra?.returncode);
      if (rc !== null && rc !== 0) turn.failed = true;
      if (rc !== null) turn.attributes = { "tool.returncode": rc };
    }
    turns.push(turn);
  }
  return turns;
}
function normalizeMiniSweAgent(r, at) {
  const info = isObject(r.info) ? r.info : {};
  const config = isObject(info.config) ? info.config : {};
  const model = isObject(config.model) ? str(config.model.model_name) ?? str(config.model.model) : null;
  const instance = str(r.instance_id) ?? instanceFromPath(at);
  const turns = miniTurns(r.messages);
  return trajectoryRun("mini-swe-agent", r, at, { model, instance, turns, info, held: ["messages", "info"] });
}
var miniSweAgent = {
  name: "mini-swe-agent",
  sniff: (r) => Array.isArray(r.messages) && typeof r.trajectory_format === "string" && r.trajectory_format.startsWith("mini-swe-agent"),
  normalize: (r, _pool, at) => ({ format: "mini-swe-agent", spans: normalizeMiniSweAgent(r, at), wholeTrace: true })
};

// src/ingest/formats/openhands.ts
var SKIP = /* @__PURE__ */ new Set(["recall", "null", "agent_state_changed", "change_agent_state", "condensation", "user_rejected"]);
function eventsOf(history) {
  const out = [];
  for (const h of history) {
    if (Array.isArray(h)) out.push(...h);
    else out.push(h);
  }
  return out;
}
function textOf(e, args) {
  return str(args.content) ?? str(e.content) ?? str(e.message) ?? "";
}
function eventTurns(history) {
  const events3 = eventsOf(history);
  const turns = [];
  const pending = [];
  let lastResponse = null;
  let lastTurn = null;
  let seenAgent = false;
  let offered = null;
  for (let i = 0; i < events3.length; i++) {
    const e = events3[i];
    if (!isObject(e)) {
      turns.push(null);
      continue;
    }
    const time = toMs(e.timestamp);
    const meta = isObject(e.tool_call_metadata) ? e.tool_call_metadata : null;
    const action = str(e.action);
    const observation2 = str(e.observation);
    if (action !== null) {
      if (SKIP.has(action)) continue;
      const args = isObject(e.args) ? e.args : {};
      const source = str(e.source) ?? (seenAgent ? "agent" : "user");
      if (action === "system") {
        if (Array.isArray(args.tools)) offered = { tools: args.tools };
        turns.push({ message: { role: "system", content: textOf(e, args) }, time });
        continue;
      }
      if (action === "message" && meta === null) {
        const role = source === "user" ? "user" : "assistant";
        if (role === "assistant") seenAgent = true;
        lastTurn = { message: { role, content: textOf(e, args) }, time, ...role === "assistant" && offered ? { attributes: { ...offered } } : {} };
        lastResponse = null;
        turns.push(lastTurn);
        continue;
      }
      seenAgent = true;
      const id = str(meta?.tool_call_id) ?? (e.id !== void 0 ? `event-${String(e.id)}` : `event@${i}`);
      const { thought, ...rest } = args;
      const call = { id, name: str(meta?.function_name) ?? action, arguments: modelArguments(meta, id) ?? rest };
      pending.push(id);
      const response = isObject(meta?.model_response) ? str(meta.model_response.id) : null;
      if (response !== null && response === lastResponse && lastTurn !== null) {
        (lastTurn.message.toolCalls ??= []).push(call);
        lastTurn.rawArguments.push(rest);
        continue;
      }
      const model = isObject(meta?.model_response) ? str(meta.model_response.model) : null;
      lastTurn = { message: { role: "assistant", content: str(thought) ?? "", toolCalls: [call] }, rawArguments: [rest], time, ...model !== null ? { model } : {}, ...offered ? { attributes: { ...offered } } : {} };
      lastResponse = response;
      turns.push(lastTurn);
      continue;
    }
    if (observation2 === null || SKIP.has(observation2)) continue;
    let callId = str(meta?.tool_call_id) ?? (e.cause !== void 0 && e.cause !== null ? `event-${String(e.cause)}` : null);
    const at = callId !== null ? pending.indexOf(callId) : -1;
    if (at >= 0) pending.splice(at, 1);
    else callId = pending.shift() ?? null;
    if (callId === null) continue;
    const extras = isObject(e.extras) ? e.extras : {};
    const exit = num(isObject(extras.metadata) ? extras.metadata.exit_code : void 0) ?? num(extras.exit_code);
    const turn = { message: { role: "tool", content: str(e.content) ?? str(e.message) ?? "", toolCallId: callId }, time };
    if (observation2 === "error" || exit !== null && exit !== 0 && exit !== -1) turn.failed = true;
    if (exit !== null) turn.attributes = { "tool.exit_code": exit };
    turns.push(turn);
  }
  return turns;
}
function modelArguments(meta, id) {
  const response = meta && isObject(meta.model_response) ? meta.model_response : null;
  const choices = response && Array.isArray(response.choices) ? response.choices : [];
  const message3 = isObject(choices[0]) && isObject(choices[0].message) ? choices[0].message : null;
  const calls = message3 && Array.isArray(message3.tool_calls) ? message3.tool_calls : [];
  for (const c of calls) {
    if (!isObject(c) || c.id !== id || !isObject(c.function)) continue;
    const raw = c.function.arguments;
    if (isObject(raw)) return raw;
    if (typeof raw !== "string") return null;
    try {
      const parsed = JSON.parse(raw);
      return isObject(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  return null;
}
function outcomeOf(r) {
  const tr = isObject(r.test_result) ? r.test_result : null;
  const report = tr !== null && isObject(tr.report) ? tr.report : null;
  const success = typeof r.success === "boolean" ? r.success : typeof tr?.result === "boolean" ? tr.result : typeof report?.resolved === "boolean" ? report.resolved : void 0;
  return outcomeFrom(success, void 0, void 0);
}
function normalizeOutput(r, at) {
  const metadata = isObject(r.metadata) ? r.metadata : {};
  const llm = isObject(metadata.llm_config) ? metadata.llm_config : {};
  const model = str(llm.model) ?? str(metadata.model_name);
  const instance = isObject(r.instance) ? r.instance : {};
  const issue = isObject(r.issue) ? r.issue : null;
  const task = str(r.instance_id) ?? str(instance.instance_id) ?? str(r.id) ?? (issue !== null && str(issue.number) !== null ? `${str(issue.owner) ?? ""}/${str(issue.repo) ?? ""}#${str(issue.number)}` : null);
  const turns = eventTurns(r.history);
  if (turns.length === 0) throw new RecordError("OpenHands run has an empty history");
  const attrs = recordAttributes(r, ["history", "messages", "instance", "metadata", "instruction"]);
  for (const k of ["agent_class", "max_iterations", "start_time", "dataset"]) if (metadata[k] !== void 0) attrs["metadata." + k] = metadata[k];
  return buildConversation({
    traceId: traceIdentity(r, { prefix: "openhands", composite: [model, task, null] }, at),
    turns,
    invalid: turns.filter((t2) => t2 === null).length,
    agentName: str(metadata.agent_class) ?? "openhands",
    model,
    start: toMs(metadata.start_time),
    taskId: task,
    outcome: outcomeOf(r),
    attributes: attrs
  });
}
function folderOf(at) {
  if (at === void 0) return null;
  const parts = at.file.replace(/\\/g, "/").split("/");
  if (parts.length < 2) return null;
  parts.pop();
  return { dir: parts.join("/"), name: parts[parts.length - 1] };
}
function responseMessage(resp) {
  if (!isObject(resp) || !Array.isArray(resp.choices)) return null;
  const c = resp.choices[0];
  return isObject(c) && isObject(c.message) ? c.message : null;
}
function normalizeCompletion(r, at) {
  const folder = folderOf(at);
  const traceId = folder !== null ? `openhands:${folder.dir}` : traceIdentity(r, { prefix: "openhands-completion" });
  const time = toMs(r.timestamp);
  if (time === null) throw new RecordError("OpenHands completion log: timestamp missing or not a time");
  const resp = isObject(r.fncall_response) ? r.fncall_response : isObject(r.response) ? r.response : null;
  const kwargs = isObject(r.kwargs) ? r.kwargs : {};
  const history = Array.isArray(r.fncall_messages) ? r.fncall_messages : r.messages;
  const out = responseMessage(resp);
  const created = toMs(resp?.created);
  const llm = newSpan(traceId, `${traceId}:llm-${String(r.timestamp)}`, "completion");
  llm.kind = "llm";
  llm.status = "ok";
  llm.model = str(resp?.model) ?? str(kwargs.model);
  llm.startTime = created !== null && created <= time ? created : time;
  llm.endTime = time;
  const u = isObject(resp?.usage) ? resp.usage : null;
  if (u !== null) setTokens(llm, num(u.prompt_tokens), num(u.completion_tokens), num(u.total_tokens));
  const cost = num(r.cost);
  if (cost !== null) llm.costUsd = cost;
  const reply = out !== null ? toMessages([out]) : null;
  llm.messages = [...toMessages(history) ?? [], ...reply ?? []];
  llm.output = reply?.[0]?.content ?? null;
  if (folder !== null) setHint(llm, "taskId", folder.name);
  setHint(llm, "agentName", "openhands");
  const spans = [finishSpan(llm)];
  let lastAssistant = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (isObject(m) && m.role === "assistant") {
      lastAssistant = i;
      break;
    }
  }
  if (lastAssistant >= 0) {
    const calls = /* @__PURE__ */ new Map();
    const a = history[lastAssistant];
    if (Array.isArray(a.tool_calls)) for (const tc of a.tool_calls) {
      const c = toToolCall(tc);
      if (c?.id !== void 0) calls.set(c.id, c);
    }
    for (let i = lastAssistant + 1; i < history.length; i++) {
      const t2 = chatTurn(history[i]);
      const id = t2?.message.toolCallId;
      if (t2 === null || t2.message.role !== "tool" || id === void 0) continue;
      const c = calls.get(id);
      const s = newSpan(traceId, `${traceId}:tool-${id}`, c?.name ?? t2.message.name ?? "tool");
      s.kind = "tool";
      s.startTime = s.endTime = llm.startTime;
      s.tool = { name: s.name, arguments: c !== void 0 ? parseArguments(c.arguments).value : null, result: t2.message.content };
      s.output = t2.message.content;
      s.status = /^\s*(error|exception|traceback)\b/i.test(t2.message.content) ? "error" : "ok";
      if (s.status === "error") s.error = { type: null, message: t2.message.content.trim().split("\n", 1)[0] };
      s.attributes["tool_call.id"] = id;
      spans.push(finishSpan(s));
    }
  }
  return { format: "openhands", spans };
}
function looksLikeEvents(history) {
  for (const h of history) {
    const e = Array.isArray(h) ? h[0] : h;
    if (isObject(e)) return "action" in e || "observation" in e;
  }
  return false;
}
var openHands = {
  name: "openhands",
  sniff: (r) => Array.isArray(r.history) && ("instruction" in r || "instance_id" in r || "test_result" in r || "metrics" in r) && looksLikeEvents(r.history) || Array.isArray(r.messages) && "response" in r && "kwargs" in r && "timestamp" in r,
  normalize: (r, _pool, at) => Array.isArray(r.history) ? { format: "openhands", spans: normalizeOutput(r, at), wholeTrace: true } : normalizeCompletion(r, at)
};

// src/ingest/formats/otel-exports.ts
function normalizeAgentTrace(r) {
  const list2 = r.spans;
  const spans = [];
  for (let i = 0; i < list2.length; i++) {
    const s = list2[i];
    if (!isObject(s)) throw new RecordError(`AgentTrace spans[${i}] is not an object`);
    const parent = isObject(s.parent) ? s.parent.span_id : void 0;
    try {
      spans.push(...normalizeFlatSpan(parent !== void 0 && s.parent_id === void 0 ? { ...s, parent_id: parent } : s));
    } catch (err) {
      if (err instanceof RecordError) throw new RecordError(`AgentTrace spans[${i}]: ${err.message}`);
      throw err;
    }
  }
  if (spans.length === 0) throw new RecordError("AgentTrace has no spans");
  if (r.final_output !== void 0 && r.final_output !== null) {
    let root2 = spans[0];
    for (const s of spans) if (s.parentId === null && s.startTime < root2.startTime) root2 = s;
    root2.attributes["any_agent.final_output"] = r.final_output;
  }
  return { format: "flat-span", spans };
}
var anyAgentTrace = {
  name: "flat-span",
  sniff: (r) => Array.isArray(r.spans) && !("trace_id" in r) && !("traceId" in r) && r.spans.length > 0 && isObject(r.spans[0]) && isObject(r.spans[0].context),
  normalize: normalizeAgentTrace
};
function keyValues(list2) {
  const out = {};
  if (!Array.isArray(list2)) return out;
  for (const kv of list2) {
    if (!isObject(kv) || typeof kv.Key !== "string") continue;
    setKey(out, kv.Key, isObject(kv.Value) && "Value" in kv.Value ? kv.Value.Value : kv.Value);
  }
  return out;
}
function normalizeGoStdout(r) {
  const ctx = isObject(r.SpanContext) ? r.SpanContext : {};
  const parent = isObject(r.Parent) ? r.Parent : {};
  const status = isObject(r.Status) ? r.Status : {};
  const scope = isObject(r.InstrumentationScope) ? r.InstrumentationScope : isObject(r.InstrumentationLibrary) ? r.InstrumentationLibrary : {};
  const events3 = Array.isArray(r.Events) ? r.Events.filter(isObject).map((e) => ({ name: e.Name, time: e.Time, attributes: keyValues(e.Attributes) })) : [];
  return normalizeFlatSpan({
    trace_id: ctx.TraceID,
    span_id: ctx.SpanID,
    parent_span_id: parent.SpanID,
    name: r.Name,
    kind: r.SpanKind,
    start_time: r.StartTime,
    end_time: r.EndTime,
    status: { code: status.Code, description: status.Description },
    attributes: keyValues(r.Attributes),
    events: events3,
    resource: { attributes: keyValues(r.Resource) },
    scope: { name: scope.Name, version: scope.Version }
  });
}
var goStdoutTrace = {
  name: "flat-span",
  sniff: (r) => isObject(r.SpanContext) && "Name" in r,
  normalize: (r) => ({ format: "flat-span", spans: normalizeGoStdout(r) })
};

// src/ingest/text-logs.ts
var CHATDEV_LOG_KEY = "chatdev_log";
var CHATDEV_START = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z]+\] \*\*\[Preprocessing\]\*\*\s+\*\*ChatDev Starts\*\*/;
var VCR_CASSETTE_KEY = "vcr_cassette";
var VCR_START = /^(?:version: \d+\n)?interactions:(?:[ \t]*\[\][ \t]*(?:\n|$)|[ \t]*\n[ \t]*- request:)/;
var REACT_TRIALS_KEY = "react_trials_log";
var REACT_TRIALS_START = /^#+\r?\nBEGIN TRIAL \d+\r?\nTrial summary: Correct: \d+, Incorrect: \d+, Halted: \d+/;
function textLogKey(start) {
  const s = start.replace(/^\ufeff?\s*/, "");
  if (CHATDEV_START.test(s)) return CHATDEV_LOG_KEY;
  if (REACT_TRIALS_START.test(s)) return REACT_TRIALS_KEY;
  if (VCR_START.test(s)) return VCR_CASSETTE_KEY;
  return null;
}

// src/ingest/formats/chatdev.ts
var ENTRY = /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]+)\] /gm;
var TURN = /^(.+?): \*\*(.+?)<->(.+?) on : (.+?), turn (\d+)\*\*\n/;
var START_CHAT = /^(.+?): \*\*\[Start Chat\]\*\*\n/;
var MARKER = /^\*\*\[([^\]\n]+)\]\*\*:?/;
var TABLE_ROW = /^\| \*\*(.+?)\*\* \| (.*) \|$/gm;
var API_ERROR = /^error_code=(\S+) error_message='([\s\S]*?)' error_param=(\S+) error_type=(\S+) message='([\s\S]*?)' stream_error=(\S+)/;
var RETRYING = /, retrying in [\d.]+ seconds\.\.\.\s*$/;
var USAGE = /(prompt_tokens|completion_tokens|total_tokens|num_prompt_tokens|num_max_completion_tokens): (\d+)/g;
var VISUALIZER_NOTICE = "flask app.py did not start for online log";
var TEST_PASSED = /run successfully without errors/i;
var TEST_FAILED = /Traceback \(most recent call last\)|\b\w*(?:Error|Exception)\b|error occurred|failed/i;
function entriesOf(raw) {
  const text = raw.includes("\r") ? raw.replace(/\r\n?/g, "\n") : raw;
  const heads = [...text.matchAll(ENTRY)];
  if (heads.length === 0) throw new RecordError("ChatDev log has no `[date time LEVEL]` entries");
  const stamp = /\*\*Timestamp\*\*: (\d{4})(\d{2})(\d{2})/.exec(text);
  const first = heads[0];
  const dayFirst = stamp !== null ? first[2] === stamp[3] && first[3] === stamp[2] : Number(first[2]) > 12;
  const entries = [];
  for (let i = 0; i < heads.length; i++) {
    const h = heads[i];
    let [day, month] = dayFirst ? [h[2], h[3]] : [h[3], h[2]];
    if (Number(month) > 12) [day, month] = [month, day];
    const time = Date.UTC(Number(h[1]), Number(month) - 1, Number(day), Number(h[4]), Number(h[5]), Number(h[6]));
    const from = h.index + h[0].length;
    const to = i + 1 < heads.length ? heads[i + 1].index : text.length;
    entries.push({ time, level: h[7], body: text.slice(from, to).replace(/\s+$/, "") });
  }
  return { entries, preamble: text.slice(0, first.index).trim() };
}
function tableOf(body) {
  const out = {};
  for (const m of body.matchAll(TABLE_ROW)) out[m[1]] = m[2];
  return out;
}
function bracketed(rest) {
  const s = rest.replace(/^\s+/, "");
  if (!s.startsWith("[")) return { system: null, message: s };
  const end = s.indexOf("]\n\n");
  if (end === -1) return { system: null, message: s };
  return { system: s.slice(1, end), message: s.slice(end + 3) };
}
function preprocessing(body) {
  const out = {};
  for (const m of body.matchAll(/^\*\*([\w ]+)\*\*: (.*)$/gm)) out[m[1]] = m[2];
  return out;
}
function modelOf(modelType) {
  const m = str(modelType);
  return m === null ? null : m.replace(/^ModelType\./, "");
}
function normalizeChatDev(r, at) {
  const text = str(r[CHATDEV_LOG_KEY]);
  if (text === null) throw new RecordError(`ChatDev log record has no \`${CHATDEV_LOG_KEY}\` text`);
  const { entries, preamble } = entriesOf(text);
  const pre = preprocessing(entries[0].body);
  const project = str(pre.project_name);
  const traceId = traceIdentity(r, { prefix: "chatdev", composite: [project, str(pre.Timestamp)] }, at);
  const rootId = `${traceId}:run`;
  const root2 = newSpan(traceId, rootId, "ChatDev");
  root2.kind = "agent";
  root2.agentName = "ChatDev";
  root2.startTime = entries[0].time;
  root2.endTime = entries[entries.length - 1].time;
  root2.input = str(pre.task_prompt);
  const rootAttrs = { "chatdev.preprocessing": entries[0].body };
  for (const k in pre) rootAttrs[`chatdev.${k}`] = pre[k];
  if (preamble !== "") rootAttrs["chatdev.preamble"] = preamble;
  root2.attributes = rootAttrs;
  setHint(root2, "taskId", project);
  setHint(root2, "agentName", "ChatDev");
  const spans = [root2];
  let n = 0;
  const span = (name, e, parent) => {
    const s = newSpan(traceId, `${traceId}:${n++}`, name);
    s.parentId = parent.spanId;
    s.startTime = e.time;
    s.endTime = e.time;
    s.attributes = { "log.level": e.level };
    spans.push(s);
    return s;
  };
  const open = [];
  let pendingDetail = [];
  let callStart = null;
  let lastStep = entries[0].time;
  let usage2 = { prompt: 0, completion: 0, total: 0, calls: 0 };
  let unowned = [];
  let awaitingNotice = null;
  let notices = 0;
  const closePhase = (end) => {
    const top = open.pop();
    if (top === void 0) return;
    top.span.endTime = end;
    for (const f of unowned) f.name = "OpenAI API call";
    unowned = [];
  };
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i];
    const body = e.body;
    const phase = open.length > 0 ? open[open.length - 1].span : null;
    const phaseModel = open.length > 0 ? open[open.length - 1].model : null;
    const parent = phase ?? root2;
    if (body === VISUALIZER_NOTICE) {
      notices++;
      continue;
    }
    let m;
    if (body.startsWith("System: **[chatting]**")) {
      const table = tableOf(body);
      const name2 = str(table.phase_name) ?? "phase";
      if (name2 !== "Reflection") while (open.length > 0) closePhase(e.time);
      const p = span(name2, e, open.length > 0 ? open[open.length - 1].span : root2);
      p.kind = "chain";
      for (const k in table) p.attributes[`chatdev.phase.${k}`] = table[k];
      if (pendingDetail.length > 0) p.attributes["chatdev.execute_detail"] = pendingDetail.join("\n");
      pendingDetail = [];
      open.push({ span: p, model: modelOf(table.model_type) });
      awaitingNotice = null;
      lastStep = e.time;
      continue;
    }
    if (body.startsWith("System: **[RolePlaying]**") && phase !== null) {
      const table = tableOf(body);
      for (const k in table) phase.attributes[`chatdev.roleplay.${k}`] = table[k];
      continue;
    }
    if ((m = TURN.exec(body)) !== null) {
      const speaker = m[1];
      const { system, message: message3 } = bracketed(body.slice(m[0].length));
      const s2 = span(speaker, e, parent);
      s2.kind = "llm";
      s2.agentName = speaker;
      s2.model = phase !== null ? phaseModel : null;
      s2.startTime = callStart ?? lastStep;
      for (const f of unowned) s2.startTime = Math.max(s2.startTime, f.startTime);
      s2.output = message3;
      s2.messages = [{ role: "assistant", content: message3, name: speaker }];
      s2.status = "ok";
      Object.assign(s2.attributes, { "chatdev.pair": `${m[2]}<->${m[3]}`, "chatdev.phase": m[4], "chatdev.turn": Number(m[5]) });
      if (system !== null) s2.attributes["chatdev.logged_system_message"] = system;
      if (usage2.calls > 0) {
        setTokens(s2, usage2.prompt, usage2.completion, usage2.total);
        s2.attributes["chatdev.llm_calls"] = usage2.calls;
      }
      for (const f of unowned) {
        f.name = speaker;
        f.agentName = speaker;
      }
      unowned = [];
      usage2 = { prompt: 0, completion: 0, total: 0, calls: 0 };
      callStart = null;
      awaitingNotice = null;
      lastStep = e.time;
      continue;
    }
    if ((m = START_CHAT.exec(body)) !== null && phase !== null && phase.input === null) {
      const { system, message: message3 } = bracketed(body.slice(m[0].length));
      phase.input = message3;
      lastStep = e.time;
      phase.attributes["chatdev.start_chat.speaker"] = m[1];
      if (system !== null) phase.attributes["chatdev.start_chat.system_message"] = system;
      continue;
    }
    if (body.startsWith("**[OpenAI_Usage_Info Send]**")) {
      callStart ??= e.time;
      continue;
    }
    if (body.startsWith("**[OpenAI_Usage_Info Receive]**")) {
      const u = {};
      for (const x of body.matchAll(USAGE)) u[x[1]] = Number(x[2]);
      usage2.prompt += u.prompt_tokens ?? 0;
      usage2.completion += u.completion_tokens ?? 0;
      usage2.total += u.total_tokens ?? 0;
      usage2.calls++;
      continue;
    }
    if (body.startsWith("**[Execute Detail]**")) {
      pendingDetail.push(body.replace(/^\*\*\[Execute Detail\]\*\*\s*/, ""));
      continue;
    }
    if (body.startsWith("**[Seminar Conclusion]**") && phase !== null) {
      phase.output = body.replace(/^\*\*\[Seminar Conclusion\]\*\*:?\s*/, "");
      closePhase(e.time);
      lastStep = e.time;
      continue;
    }
    if ((m = API_ERROR.exec(body)) !== null || e.level !== "INFO" && RETRYING.test(body) && !(awaitingNotice !== null && body.startsWith(awaitingNotice.error.message))) {
      const s2 = span("OpenAI API call", e, parent);
      s2.kind = "llm";
      s2.model = phase !== null ? phaseModel : null;
      s2.output = body;
      s2.error = m !== null ? { type: m[1], message: m[2] } : { type: null, message: body.replace(RETRYING, "") };
      if (m !== null) Object.assign(s2.attributes, { "error.param": m[3], "error.kind": m[4], "error.api_message": m[5], "error.stream_error": m[6] });
      if (phase !== null) unowned.push(s2);
      awaitingNotice = m !== null ? s2 : null;
      continue;
    }
    if (awaitingNotice !== null && RETRYING.test(body)) {
      awaitingNotice.attributes["chatdev.retry_notice"] = body;
      awaitingNotice = null;
      continue;
    }
    lastStep = e.time;
    const marker = MARKER.exec(body);
    const name = marker !== null ? marker[1] : body.split("\n", 1)[0].slice(0, 80);
    const s = span(name, e, parent);
    s.output = marker !== null ? body.slice(marker[0].length).trim() : body;
    const command = name === "CMD Execute" ? /^\[CMD\] ([^\n]+)/m.exec(s.output)?.[1]?.trim() : void 0;
    if (command) {
      s.kind = "tool";
      s.tool = { name: "CMD Execute", arguments: { command }, result: null };
      s.attributes["tool.requestor"] = "harness";
    } else if (name === "Test Reports") {
      const report = s.output;
      s.tool = { name: "Test Reports", arguments: null, result: report };
      s.kind = "tool";
      if (TEST_PASSED.test(report)) s.status = "ok";
      else if (TEST_FAILED.test(report)) {
        const line = report.split("\n").reverse().find((l) => TEST_FAILED.test(l) && !/^\s*File "/.test(l)) ?? report.split("\n")[0];
        s.error = { type: /^\s*(\w+(?:Error|Exception))\b/.exec(line)?.[1] ?? null, message: line.trim().slice(0, 500) };
      }
    }
  }
  while (open.length > 0) closePhase(root2.endTime);
  for (const s of spans) finishSpan(s);
  if (notices > 0) rootAttrs["chatdev.visualizer_notices"] = notices;
  const post = spans.filter((s) => s.name === "Post Info").pop();
  root2.output = post?.output ?? null;
  return spans;
}
var chatDev = {
  name: "chatdev",
  sniff: (r) => typeof r[CHATDEV_LOG_KEY] === "string",
  normalize: (r, _pool, at) => ({ format: "chatdev", spans: normalizeChatDev(r, at), wholeTrace: true })
};

// src/ingest/formats/react-actions.ts
var WIKI_ARGUMENTS = { Search: "entity", Lookup: "keyword", Finish: "answer" };
function parseAction(text, argumentNames) {
  const m = /^\s*([A-Za-z_][\w-]*)\[([\s\S]*)\]\s*$/.exec(text);
  if (m === null) return { name: /^\s*([A-Za-z_][\w-]*)\[/.exec(text)?.[1] ?? (text.trim().split(/\s+/, 1)[0] || "action"), args: { input: text.trim() } };
  return { name: m[1], args: { [argumentNames[m[1]] ?? "input"]: m[2] } };
}

// src/ingest/formats/react-trials.ts
var TRIAL = /^BEGIN TRIAL (\d+)\s*$/;
var SECTION = /^-+ BEGIN (CORRECT|INCORRECT|HALTED) AGENTS -+\s*$/;
var FIELD = /^(Thought|Action|Observation) (\d+): ?(.*)$/;
function parse(text) {
  const runs = [];
  let trial = 0;
  let section = null;
  let run = null;
  let open = null;
  const close = () => {
    if (run !== null) runs.push(run);
    run = null;
    open = null;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw;
    let m;
    if ((m = TRIAL.exec(line)) !== null) {
      close();
      trial = Number(m[1]);
      section = null;
    } else if ((m = SECTION.exec(line)) !== null) {
      close();
      section = m[1].toLowerCase();
    } else if (/^#{8,}\s*$/.test(line) || /^Trial summary: /.test(line)) {
      close();
    } else if (line.startsWith("Question: ") && section !== null) {
      close();
      const r = { trial, index: runs.length, sections: [section], question: line.slice("Question: ".length), steps: [], answer: null };
      run = r;
      open = { run: r, key: "question" };
    } else if (run !== null && (m = FIELD.exec(line)) !== null) {
      const r = run;
      const n = Number(m[2]);
      let step = r.steps[r.steps.length - 1];
      if (step === void 0 || step.n !== n) r.steps.push(step = { n, thought: null, action: null, observation: null });
      const key = m[1].toLowerCase();
      step[key] = m[3];
      open = { step, key };
    } else if (run !== null && line.startsWith("Correct answer: ")) {
      const r = run;
      r.answer = line.slice("Correct answer: ".length);
      open = { run: r, key: "answer" };
    } else if (open !== null) {
      const o = open;
      if ("step" in o) o.step[o.key] = `${o.step[o.key] ?? ""}
${line}`;
      else o.run[o.key] = `${o.run[o.key] ?? ""}
${line}`;
    }
  }
  close();
  const seen = /* @__PURE__ */ new Map();
  const out = [];
  for (const r of runs) {
    const key = JSON.stringify([r.trial, r.question, r.steps, r.answer?.trim()]);
    const first = seen.get(key);
    if (first !== void 0) first.sections.push(...r.sections);
    else {
      seen.set(key, r);
      out.push(r);
    }
  }
  return out;
}
function turnsOf2(run, traceId) {
  const turns = [{ message: { role: "user", content: run.question.trim() } }];
  for (const s of run.steps) {
    const message3 = { role: "assistant", content: (s.thought ?? "").trim() };
    if (s.action !== null) {
      const a = parseAction(s.action, WIKI_ARGUMENTS);
      const id = `${traceId}:step-${s.n}`;
      message3.toolCalls = [{ id, name: a.name, arguments: a.args }];
      turns.push({ message: message3, rawArguments: [s.action.trim()] });
      if (s.observation !== null) turns.push({ message: { role: "tool", content: s.observation.trimEnd(), toolCallId: id } });
    } else turns.push({ message: message3 });
  }
  return turns;
}
function normalizeReactTrials(r, at) {
  const text = str(r[REACT_TRIALS_KEY]);
  if (text === null) throw new RecordError(`ReAct trial log record has no \`${REACT_TRIALS_KEY}\` text`);
  const runs = parse(text);
  if (runs.length === 0) throw new RecordError("ReAct trial log holds no run (no `Question:` under a CORRECT, INCORRECT or HALTED section)");
  const file = at?.file ?? wideHash(text);
  return runs.flatMap((run) => {
    const traceId = `react:${file}:trial-${run.trial}:${run.index}`;
    return buildConversation({
      traceId,
      turns: turnsOf2(run, traceId),
      agentName: "ReAct",
      model: null,
      taskId: run.question.trim(),
      trial: run.trial,
      outcome: outcomeFrom(run.sections.every((x) => x === "correct"), void 0, run.sections.join("+")),
      attributes: { "react.section": run.sections.join("+"), ...run.answer !== null ? { "react.correct_answer": run.answer.trim() } : {} }
    });
  });
}
var reactTrials = {
  name: "react-trials",
  sniff: (r) => typeof r[REACT_TRIALS_KEY] === "string",
  normalize: (r, _pool, at) => ({ format: "react-trials", spans: normalizeReactTrials(r, at), wholeTrace: true })
};

// src/ingest/inflate.ts
var InflateError = class extends Error {
};
var LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
var LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
var DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
var DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
var CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
function huffman(lengths) {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]]++;
  counts[0] = 0;
  const offs = new Uint16Array(16);
  for (let i = 1; i < 16; i++) offs[i] = offs[i - 1] + counts[i - 1];
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offs[lengths[i]]++] = i;
  return { counts, symbols };
}
var Bits = class {
  constructor(buf) {
    this.buf = buf;
  }
  buf;
  pos = 0;
  bit = 0;
  cur = 0;
  need(n) {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (this.bit === 0) {
        if (this.pos >= this.buf.length) throw new InflateError("compressed data ends early");
        this.cur = this.buf[this.pos++];
        this.bit = 8;
      }
      v |= (this.cur & 1) << i;
      this.cur >>= 1;
      this.bit--;
    }
    return v;
  }
  align() {
    this.bit = 0;
  }
  decode(h) {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.need(1);
      const count = h.counts[len];
      if (code - first < count) return h.symbols[index + code - first];
      index += count;
      first = first + count << 1;
      code <<= 1;
    }
    throw new InflateError("bad Huffman code");
  }
};
var FIXED_LIT = huffman(Array.from({ length: 288 }, (_, i) => i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8));
var FIXED_DIST = huffman(new Array(30).fill(5));
function inflateRaw(data) {
  const bits = new Bits(data);
  let out = new Uint8Array(Math.max(1024, data.length * 4));
  let n = 0;
  const push = (b) => {
    if (n === out.length) {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = b;
  };
  let last = 0;
  while (!last) {
    last = bits.need(1);
    const type = bits.need(2);
    if (type === 0) {
      bits.align();
      const p = bits.pos;
      if (p + 4 > data.length) throw new InflateError("compressed data ends early");
      const len = data[p] | data[p + 1] << 8;
      if ((len ^ 65535) !== (data[p + 2] | data[p + 3] << 8)) throw new InflateError("stored block length check failed");
      if (p + 4 + len > data.length) throw new InflateError("compressed data ends early");
      for (let i = 0; i < len; i++) push(data[p + 4 + i]);
      bits.pos = p + 4 + len;
      continue;
    }
    if (type === 3) throw new InflateError("bad block type");
    let lit = FIXED_LIT;
    let dist = FIXED_DIST;
    if (type === 2) {
      const hlit = bits.need(5) + 257;
      const hdist = bits.need(5) + 1;
      const hclen = bits.need(4) + 4;
      const cl = new Uint8Array(19);
      for (let i = 0; i < hclen; i++) cl[CL_ORDER[i]] = bits.need(3);
      const clh = huffman(cl);
      const lengths = new Uint8Array(hlit + hdist);
      for (let i = 0; i < hlit + hdist; ) {
        const sym = bits.decode(clh);
        if (sym < 16) lengths[i++] = sym;
        else {
          let rep;
          let val = 0;
          if (sym === 16) {
            if (i === 0) throw new InflateError("repeat with no previous length");
            val = lengths[i - 1];
            rep = 3 + bits.need(2);
          } else rep = sym === 17 ? 3 + bits.need(3) : 11 + bits.need(7);
          if (i + rep > hlit + hdist) throw new InflateError("too many code lengths");
          lengths.fill(val, i, i + rep);
          i += rep;
        }
      }
      lit = huffman(lengths.subarray(0, hlit));
      dist = huffman(lengths.subarray(hlit));
    }
    for (; ; ) {
      const sym = bits.decode(lit);
      if (sym < 256) push(sym);
      else if (sym === 256) break;
      else {
        const li = sym - 257;
        if (li >= 29) throw new InflateError("bad length code");
        const len = LEN_BASE[li] + bits.need(LEN_EXTRA[li]);
        const di = bits.decode(dist);
        if (di >= 30) throw new InflateError("bad distance code");
        const d = DIST_BASE[di] + bits.need(DIST_EXTRA[di]);
        if (d > n) throw new InflateError("distance before the start of the data");
        for (let i = 0; i < len; i++) push(out[n - d]);
      }
    }
  }
  return out.subarray(0, n);
}
function inflate(data) {
  if (data[0] === 31 && data[1] === 139) {
    if (data[2] !== 8) throw new InflateError("gzip data not DEFLATE-compressed");
    const flags = data[3];
    let p = 10;
    if (flags & 4) p += 2 + (data[p] | data[p + 1] << 8);
    if (flags & 8) while (p < data.length && data[p++] !== 0) ;
    if (flags & 16) while (p < data.length && data[p++] !== 0) ;
    if (flags & 2) p += 2;
    if (p >= data.length) throw new InflateError("gzip header ends early");
    return inflateRaw(data.subarray(p));
  }
  if ((data[0] & 15) === 8 && (data[0] << 8 | data[1]) % 31 === 0) return inflateRaw(data.subarray(2));
  return inflateRaw(data);
}
var B64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
var B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64_CHARS.charCodeAt(i)] = i;
function base64Bytes(s) {
  const t2 = s.replace(/=+$/, "");
  if (t2.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor(t2.length * 3 / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < t2.length; i++) {
    const c = t2.charCodeAt(i);
    const v = c < 128 ? B64_VALUE[c] : -1;
    if (v < 0) return null;
    acc = (acc << 6 | v) & 16777215;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = acc >> bits & 255;
    }
  }
  return out.subarray(0, n);
}
function utf8Text(b) {
  const parts = [];
  let units = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let cp = 65533;
    let size = 1;
    if (c < 128) cp = c;
    else if (c >= 194 && c < 224 && (b[i + 1] & 192) === 128) [cp, size] = [(c & 31) << 6 | b[i + 1] & 63, 2];
    else if (c >= 224 && c < 240 && (b[i + 1] & 192) === 128 && (b[i + 2] & 192) === 128) [cp, size] = [(c & 15) << 12 | (b[i + 1] & 63) << 6 | b[i + 2] & 63, 3];
    else if (c >= 240 && c < 245 && (b[i + 1] & 192) === 128 && (b[i + 2] & 192) === 128 && (b[i + 3] & 192) === 128)
      [cp, size] = [(c & 7) << 18 | (b[i + 1] & 63) << 12 | (b[i + 2] & 63) << 6 | b[i + 3] & 63, 4];
    i += size;
    if (cp > 65535) {
      cp -= 65536;
      units.push(55296 + (cp >> 10), 56320 + (cp & 1023));
    } else units.push(cp);
    if (units.length > 8192) {
      parts.push(String.fromCharCode(...units));
      units = [];
    }
  }
  parts.push(String.fromCharCode(...units));
  return parts.join("");
}

// src/ingest/vcr-yaml.ts
var YamlSubsetError = class extends Error {
  constructor(line, what) {
    super(`line ${line + 1}: ${what}`);
    this.name = "YamlSubsetError";
  }
};
var INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
var FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/;
function resolvePlain(s) {
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (/^(?:true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(s)) return true;
  if (/^(?:false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(s)) return false;
  if (INT.test(s)) return Number(s.replace(/_/g, ""));
  if (FLOAT.test(s) && /[0-9]/.test(s)) return Number(s.replace(/_/g, ""));
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}
var ESCAPES = { "0": "\0", a: "\x07", b: "\b", t: "	", "	": "	", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1B", " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\x85", _: "\xA0", L: "\u2028", P: "\u2029" };
var Parser = class {
  lines;
  i = 0;
  constructor(text) {
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    const end = lines.indexOf("...");
    if (end !== -1 && lines.slice(end + 1).every((l) => l.trim() === "")) lines.length = end;
    this.lines = lines;
  }
  parse() {
    this.skipBlank();
    if (this.i < this.lines.length && this.lines[this.i].trimEnd() === "---") {
      this.i++;
      this.skipBlank();
    }
    if (this.i >= this.lines.length) return null;
    const v = this.node(this.indentOf(this.i), -1);
    this.skipBlank();
    if (this.i < this.lines.length) throw new YamlSubsetError(this.i, "unexpected content after the document");
    return v;
  }
  indentOf(n) {
    const l = this.lines[n];
    return l.length - l.trimStart().length;
  }
  skipBlank() {
    while (this.i < this.lines.length && /^\s*(?:#.*)?$/.test(this.lines[this.i])) this.i++;
  }
  /** A block node whose first line is line `i`, indented `indent`, under a key indented `parentIndent`. */
  node(indent, parentIndent) {
    const text = this.lines[this.i].slice(indent);
    if (text === "-" || text.startsWith("- ")) return this.sequence(indent);
    if (this.keyOf(text) === null) return this.inlineValue(text, parentIndent);
    return this.mapping(indent, null);
  }
  sequence(indent) {
    const out = [];
    for (; ; ) {
      this.skipBlank();
      if (this.i >= this.lines.length || this.indentOf(this.i) !== indent) break;
      const line = this.lines[this.i];
      const text = line.slice(indent);
      if (!(text === "-" || text.startsWith("- "))) break;
      if (text === "-") {
        this.i++;
        this.skipBlank();
        out.push(this.i < this.lines.length && this.indentOf(this.i) > indent ? this.node(this.indentOf(this.i), indent) : null);
        continue;
      }
      const inner = indent + 2 + (text.slice(2).length - text.slice(2).trimStart().length);
      const rest = line.slice(inner);
      if (rest === "-" || rest.startsWith("- ")) {
        this.lines[this.i] = " ".repeat(inner) + rest;
        out.push(this.sequence(inner));
      } else if (this.keyOf(rest) !== null) out.push(this.mapping(inner, rest));
      else out.push(this.inlineValue(rest, indent));
    }
    return out;
  }
  /** `key: …` at the start of `s`: the key and what follows the colon, else null. */
  keyOf(s) {
    if (s.startsWith("'") || s.startsWith('"')) {
      const q = s[0];
      let j = 1;
      let key = "";
      while (j < s.length) {
        const c = s[j];
        if (q === "'" && c === "'" && s[j + 1] === "'") {
          key += "'";
          j += 2;
          continue;
        }
        if (q === '"' && c === "\\") {
          key += ESCAPES[s[j + 1]] ?? s[j + 1];
          j += 2;
          continue;
        }
        if (c === q) break;
        key += c;
        j++;
      }
      const after = s.slice(j + 1);
      if (after === ":" || after.startsWith(": ")) return { key, rest: after.slice(1).trimStart() };
      return null;
    }
    const m = /^([^\s#'"\-?:,[\]{}][^:]*?|-[^\s:][^:]*?):(?: (.*)|)$/.exec(s);
    if (m === null) return null;
    return { key: m[1], rest: (m[2] ?? "").trimStart() };
  }
  /** A block mapping at `indent`; `first` is the text of its first line when it opened after `- `. */
  mapping(indent, first) {
    const out = {};
    let text = first;
    for (; ; ) {
      if (text === null) {
        this.skipBlank();
        if (this.i >= this.lines.length || this.indentOf(this.i) !== indent) break;
        text = this.lines[this.i].slice(indent);
        if (text.startsWith("- ") || text === "-") break;
      }
      const kv = this.keyOf(text);
      if (kv === null) throw new YamlSubsetError(this.i, `expected \`key: value\`, found ${JSON.stringify(text.slice(0, 40))}`);
      if (kv.rest === "" || kv.rest.startsWith("#")) {
        this.i++;
        this.skipBlank();
        if (this.i < this.lines.length && this.indentOf(this.i) > indent) out[kv.key] = this.node(this.indentOf(this.i), indent);
        else if (this.i < this.lines.length && this.indentOf(this.i) === indent && /^-(?: |$)/.test(this.lines[this.i].slice(indent))) out[kv.key] = this.sequence(indent);
        else out[kv.key] = null;
      } else out[kv.key] = this.inlineValue(kv.rest, indent);
      text = null;
    }
    return out;
  }
  /** The value that starts on line `i` after a key or `- `; consumes its lines. */
  inlineValue(rest, parentIndent) {
    let r = rest;
    let binary = false;
    if (r.startsWith("!!binary")) {
      binary = true;
      r = r.slice("!!binary".length).trimStart();
    } else if (r.startsWith("!") || r.startsWith("&") || r.startsWith("*")) throw new YamlSubsetError(this.i, "tags, anchors and aliases are not read");
    if (r.startsWith("|") || r.startsWith(">")) return this.blockScalar(r, parentIndent, binary);
    if (binary && (r.startsWith('"') || r.startsWith("'"))) return this.quoted(r, r[0]).replace(/\s+/g, "");
    if (binary) throw new YamlSubsetError(this.i, "`!!binary` without a literal block or a quoted scalar");
    if (r === "{}" || r === "{ }") return this.done({});
    if (r === "[]" || r === "[ ]") return this.done([]);
    if (r.startsWith("{") || r.startsWith("[")) throw new YamlSubsetError(this.i, "flow collections are not read");
    if (r.startsWith("'")) return this.quoted(r, "'");
    if (r.startsWith('"')) return this.quoted(r, '"');
    return this.plain(r, parentIndent);
  }
  done(v) {
    this.i++;
    return v;
  }
  blockScalar(header, parentIndent, binary) {
    const m = /^([|>])([-+]?)([1-9]?)([-+]?)\s*(?:#.*)?$/.exec(header);
    if (m === null) throw new YamlSubsetError(this.i, `bad block scalar header ${JSON.stringify(header)}`);
    const folded = m[1] === ">";
    const chomp = m[2] || m[4];
    this.i++;
    const body = [];
    let indent = m[3] ? parentIndent + Number(m[3]) : -1;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i];
      if (l.trim() === "") {
        body.push("");
        this.i++;
        continue;
      }
      const ind = l.length - l.trimStart().length;
      if (indent === -1) indent = ind;
      if (ind < indent || ind <= parentIndent) break;
      body.push(l.slice(indent));
      this.i++;
    }
    let trailing = 0;
    while (body.length > 0 && body[body.length - 1] === "") {
      body.pop();
      trailing++;
    }
    let text = folded ? body.join("\n").replace(/([^\n])\n(?=[^\n ])/g, "$1 ") : body.join("\n");
    if (binary) return text.replace(/\s+/g, "");
    if (body.length === 0) return chomp === "+" ? "\n".repeat(trailing) : "";
    if (chomp === "-") return text;
    text += "\n";
    if (chomp === "+") text += "\n".repeat(trailing);
    return text;
  }
  /** A quoted scalar from `start` (its first line's text) over as many lines as it takes. */
  quoted(start, q) {
    const parts = [];
    let out = "";
    let s = start.slice(1);
    let first = true;
    for (; ; ) {
      let j = 0;
      let joined2 = false;
      if (!first) s = s.replace(/^[ \t]+/, "");
      while (j < s.length) {
        const c = s[j];
        if (q === "'" && c === "'") {
          if (s[j + 1] === "'") {
            out += "'";
            j += 2;
            continue;
          }
          return this.closeQuoted(parts.join("") + out, s.slice(j + 1));
        }
        if (q === '"' && c === '"') return this.closeQuoted(parts.join("") + out, s.slice(j + 1));
        if (q === '"' && c === "\\") {
          const e = s[j + 1];
          if (e === void 0) {
            joined2 = true;
            break;
          }
          if (e === "x" || e === "u" || e === "U") {
            const n = e === "x" ? 2 : e === "u" ? 4 : 8;
            out += String.fromCodePoint(parseInt(s.slice(j + 2, j + 2 + n), 16));
            j += 2 + n;
            continue;
          }
          const v = ESCAPES[e];
          if (v === void 0) throw new YamlSubsetError(this.i, `unknown escape \\${e}`);
          out += v;
          j += 2;
          continue;
        }
        out += c;
        j++;
      }
      this.i++;
      if (this.i >= this.lines.length) throw new YamlSubsetError(this.i - 1, "unterminated quoted scalar");
      if (!joined2) {
        parts.push(out);
        out = "";
        while (parts.length > 0) {
          const last = parts[parts.length - 1].replace(/[ \t]+$/, "");
          if (last !== "") {
            parts[parts.length - 1] = last;
            break;
          }
          parts.pop();
        }
        let blanks = 0;
        while (this.i < this.lines.length && this.lines[this.i].trim() === "") {
          blanks++;
          this.i++;
        }
        if (this.i >= this.lines.length) throw new YamlSubsetError(this.i - 1, "unterminated quoted scalar");
        parts.push(blanks > 0 ? "\n".repeat(blanks) : " ");
      }
      s = this.lines[this.i];
      first = false;
    }
  }
  closeQuoted(value, after) {
    if (after.trim() !== "" && !after.trim().startsWith("#")) throw new YamlSubsetError(this.i, `unexpected ${JSON.stringify(after.trim().slice(0, 20))} after a quoted scalar`);
    this.i++;
    return value;
  }
  /** A plain scalar, folded over the more-indented lines that continue it. */
  plain(start, parentIndent) {
    const parts = [start.replace(/\s+#.*$/, "").trimEnd()];
    this.i++;
    let blanks = 0;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i];
      if (l.trim() === "") {
        blanks++;
        this.i++;
        continue;
      }
      if (l.length - l.trimStart().length <= parentIndent) break;
      const t2 = l.trim();
      if (t2.startsWith("#")) break;
      parts.push((blanks > 0 ? "\n".repeat(blanks) : " ") + t2);
      blanks = 0;
      this.i++;
    }
    const text = parts.join("");
    return parts.length === 1 ? resolvePlain(text) : text;
  }
};
function parseVcrYaml(text) {
  return new Parser(text).parse();
}

// src/ingest/formats/vcr-gemini.ts
var ADK_RESULT = /^\[([^\]\n]+)\] `([^`\n]+)` tool returned result: ([\s\S]*)$/;
function geminiModelOf(uri) {
  return /\/models\/([^/:?]+):(?:stream)?[gG]enerateContent/.exec(uri)?.[1] ?? null;
}
function partsMessages(role, parts) {
  if (!Array.isArray(parts)) return [{ role, content: contentText(parts) }];
  const text = [];
  const calls = [];
  const results = [];
  for (const p of parts) {
    if (!isObject(p)) continue;
    if (isObject(p.functionCall)) {
      const c = toToolCall({ id: p.functionCall.id, name: p.functionCall.name, arguments: p.functionCall.args ?? {} });
      if (c !== null) calls.push(c);
    } else if (isObject(p.functionResponse)) {
      const r = p.functionResponse;
      const m = { role: "tool", content: typeof r.response === "string" ? r.response : JSON.stringify(r.response ?? null) };
      const id = str(r.id);
      if (id !== null) m.toolCallId = id;
      const name = str(r.name);
      if (name !== null) m.name = name;
      results.push(m);
    } else if (typeof p.text === "string" && p.thought !== true) {
      const quoted = role === "user" ? ADK_RESULT.exec(p.text) : null;
      if (quoted !== null) results.push({ role: "tool", content: quoted[3], name: quoted[2], agent: quoted[1] });
      else text.push(p.text);
    }
  }
  const out = [];
  if (text.length > 0 || calls.length > 0 || results.length === 0) {
    const m = { role, content: text.join("\n") };
    if (calls.length > 0) m.toolCalls = calls;
    out.push(m);
  }
  return [...out, ...results];
}
function geminiRequest(body) {
  const si = body.systemInstruction ?? body.system_instruction;
  const system = typeof si === "string" ? si : isObject(si) ? contentText(si.parts) : null;
  const messages = system !== null ? [{ role: "system", content: system }] : [];
  if (Array.isArray(body.contents)) {
    for (const c of body.contents) {
      if (isObject(c)) messages.push(...partsMessages(c.role === "model" ? "assistant" : str(c.role) ?? "user", c.parts));
      else if (typeof c === "string") messages.push({ role: "user", content: c });
    }
  }
  return { messages, system };
}
function geminiReply(raw) {
  const whole = typeof raw === "string" ? tryParseJson(raw) : raw;
  let chunks;
  if (isObject(whole)) chunks = [whole];
  else if (Array.isArray(whole)) chunks = whole.filter(isObject);
  else if (typeof raw === "string" && /^data: /m.test(raw)) {
    chunks = raw.split("\n").filter((l) => l.startsWith("data: ")).map((l) => tryParseJson(l.slice(6))).filter(isObject);
  } else return null;
  if (!chunks.some((c) => Array.isArray(c.candidates))) return null;
  const parts = [];
  let model = null;
  let usage2 = null;
  let finish = null;
  for (const c of chunks) {
    model ??= str(c.modelVersion);
    if (isObject(c.usageMetadata)) usage2 = c.usageMetadata;
    const cand = Array.isArray(c.candidates) && isObject(c.candidates[0]) ? c.candidates[0] : null;
    if (cand !== null) finish = str(cand.finishReason) ?? finish;
    if (cand !== null && isObject(cand.content) && Array.isArray(cand.content.parts)) parts.push(...cand.content.parts);
  }
  const merged = [];
  for (const p of parts) {
    const prev = merged[merged.length - 1];
    if (isObject(p) && typeof p.text === "string" && p.thought !== true && isObject(prev) && typeof prev.text === "string" && prev.thought !== true) merged[merged.length - 1] = { text: prev.text + p.text };
    else merged.push(p);
  }
  const [message3] = partsMessages("assistant", merged);
  const out = usage2 === null ? null : num(usage2.candidatesTokenCount) === null && num(usage2.thoughtsTokenCount) === null ? null : (num(usage2.candidatesTokenCount) ?? 0) + (num(usage2.thoughtsTokenCount) ?? 0);
  const u = usage2 === null ? null : { input_tokens: num(usage2.promptTokenCount), output_tokens: out, total_tokens: num(usage2.totalTokenCount) };
  return { model, message: message3, usage: u, finish };
}

// src/ingest/formats/vcr-positional-ids.ts
var POSITIONAL_ID = "pos:";
function pairByPosition(messages, reply, agent) {
  const who = agent ?? "";
  let turn = 0;
  let pending = [];
  for (const m of messages) {
    if (m.role === "assistant") {
      pending = [];
      (m.toolCalls ?? []).forEach((c, j) => {
        c.id ??= `${POSITIONAL_ID}${who}:${turn}:${j}`;
        pending.push(c);
      });
      turn++;
    } else if (m.role === "tool" && m.toolCallId === void 0 && !("agent" in m)) {
      const k = m.name !== void 0 ? pending.findIndex((c) => c.name === m.name) : 0;
      const call = k >= 0 ? pending[k] : void 0;
      if (call === void 0) continue;
      m.toolCallId = call.id;
      pending.splice(k, 1);
    }
  }
  (reply?.toolCalls ?? []).forEach((c, j) => {
    c.id ??= `${POSITIONAL_ID}${who}:${turn}:${j}`;
  });
}

// src/ingest/formats/vcr-cassette.ts
var STEP_MS3 = 1e3;
var AGENT_PROMPTS = [
  [/^You are ([^\n]+?)\. [\s\S]*?\nYour personal goal is: /, "crewai-role-prompt"],
  [/You are an agent\. Your internal name is "([^"\n]+)"/, "adk-instruction"]
];
function agentOf(system) {
  if (system === null) return null;
  for (const [re, source] of AGENT_PROMPTS) {
    const m = re.exec(system);
    if (m !== null) return { name: m[1], source };
  }
  return null;
}
var COMPRESSED = /* @__PURE__ */ new Set(["gzip", "deflate"]);
function contentEncoding(headers) {
  if (!isObject(headers)) return null;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== "content-encoding") continue;
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === "string" ? first.trim().toLowerCase() : null;
  }
  return null;
}
function bodyText(b, headers) {
  const text = typeof b === "string" ? b : isObject(b) && typeof b.string === "string" ? b.string : null;
  if (text === null) return null;
  if (!COMPRESSED.has(contentEncoding(headers) ?? "")) return text;
  const bytes = base64Bytes(text);
  if (bytes === null) return text;
  try {
    return utf8Text(inflate(bytes));
  } catch {
    return text;
  }
}
function openAiReply(body) {
  const whole = typeof body === "string" ? tryParseJson(body) : body;
  if (isObject(whole)) {
    const choice = Array.isArray(whole.choices) && isObject(whole.choices[0]) ? whole.choices[0] : null;
    const message4 = choice !== null ? toMessageOf(choice.message) : null;
    return { model: str(whole.model), message: message4 ?? { role: "assistant", content: "" }, usage: isObject(whole.usage) ? whole.usage : null, created: num(whole.created), error: null, finish: choice !== null ? str(choice.finish_reason) : null };
  }
  if (typeof body !== "string" || !/^data: /m.test(body)) return null;
  const text = body;
  let content = "";
  const calls = [];
  let model = null;
  let usage2 = null;
  let created = null;
  let finish = null;
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const chunk = tryParseJson(line.slice(6));
    if (!isObject(chunk)) continue;
    model ??= str(chunk.model);
    created ??= num(chunk.created);
    if (isObject(chunk.usage)) usage2 = chunk.usage;
    if (Array.isArray(chunk.choices) && isObject(chunk.choices[0])) finish = str(chunk.choices[0].finish_reason) ?? finish;
    const delta = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) && isObject(chunk.choices[0].delta) ? chunk.choices[0].delta : null;
    if (delta === null) continue;
    if (typeof delta.content === "string") content += delta.content;
    if (Array.isArray(delta.tool_calls)) {
      for (const tc of delta.tool_calls) {
        if (!isObject(tc)) continue;
        const at = num(tc.index) ?? calls.length;
        const fn = isObject(tc.function) ? tc.function : {};
        const c = calls[at] ??= { name: "", args: "" };
        if (str(tc.id) !== null) c.id = str(tc.id);
        if (typeof fn.name === "string") c.name += fn.name;
        if (typeof fn.arguments === "string") c.args += fn.arguments;
      }
    }
  }
  const message3 = { role: "assistant", content };
  const toolCalls = calls.filter((c) => c !== void 0 && c.name !== "").map((c) => toToolCall({ id: c.id, function: { name: c.name, arguments: c.args } }));
  if (toolCalls.length > 0) message3.toolCalls = toolCalls;
  return { model, message: message3, usage: usage2, created, error: null, finish };
}
function toMessageOf(m) {
  const list2 = toMessages([m]);
  return list2 !== null && list2.length > 0 ? list2[0] : null;
}
function anthropicMessages(role, content) {
  if (!Array.isArray(content)) return [{ role, content: contentText(content) }];
  const out = [];
  const text = [];
  const calls = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === "text" && typeof b.text === "string") text.push(b.text);
    else if (b.type === "tool_use") {
      const c = toToolCall({ id: b.id, name: b.name, input: b.input });
      if (c !== null) calls.push(c);
    } else if (b.type === "tool_result") {
      const r = { role: "tool", content: contentText(b.content) };
      const id = str(b.tool_use_id);
      if (id !== null) r.toolCallId = id;
      out.push(r);
    }
  }
  if (text.length > 0 || calls.length > 0 || out.length === 0) {
    const m = { role, content: text.join("\n") };
    if (calls.length > 0) m.toolCalls = calls;
    out.unshift(m);
  }
  return out;
}
function providerError(status, raw) {
  const body = typeof raw === "string" ? tryParseJson(raw) : raw;
  const text = typeof raw === "string" ? raw : raw !== null ? JSON.stringify(raw) : null;
  const e = isObject(body) && isObject(body.error) ? body.error : null;
  if (e !== null) return { type: str(e.code) ?? str(e.type) ?? `HTTP ${status}`, message: str(e.message) ?? text };
  return { type: `HTTP ${status}`, message: text !== null && text.trim() !== "" ? text.trim().slice(0, 500) : `HTTP ${status}` };
}
function responsesText(content) {
  if (!Array.isArray(content)) return contentText(content);
  return content.map((p) => isObject(p) ? str(p.text) ?? str(p.refusal) ?? "" : "").filter((t2) => t2 !== "").join("\n");
}
function responsesMessages(items) {
  const out = [];
  for (const it of items) {
    if (!isObject(it)) continue;
    if (it.type === "function_call") {
      const c = toToolCall({ id: it.call_id, function: { name: it.name, arguments: it.arguments } });
      if (c === null) continue;
      const prev = out[out.length - 1];
      if (prev !== void 0 && prev.role === "assistant") (prev.toolCalls ??= []).push(c);
      else out.push({ role: "assistant", content: "", toolCalls: [c] });
    } else if (it.type === "function_call_output") {
      const m = { role: "tool", content: typeof it.output === "string" ? it.output : responsesText(it.output) };
      const id = str(it.call_id);
      if (id !== null) m.toolCallId = id;
      out.push(m);
    } else if (typeof it.role === "string") out.push({ role: it.role === "developer" ? "system" : it.role, content: responsesText(it.content) });
  }
  return out;
}
function responsesReply(body) {
  let whole = typeof body === "string" ? tryParseJson(body) : body;
  if (!isObject(whole) && typeof body === "string" && /^data: /m.test(body)) {
    for (const line of body.split("\n")) {
      if (!line.startsWith("data: ")) continue;
      const ev = tryParseJson(line.slice(6));
      if (isObject(ev) && isObject(ev.response) && ev.response.status !== "in_progress" && ev.response.status !== "queued") whole = ev.response;
    }
  }
  if (!isObject(whole) || !Array.isArray(whole.output)) return null;
  const msgs = responsesMessages(whole.output);
  const message3 = { role: "assistant", content: msgs.map((m) => m.content).filter((t2) => t2 !== "").join("\n") };
  const calls = msgs.flatMap((m) => m.toolCalls ?? []);
  if (calls.length > 0) message3.toolCalls = calls;
  const e = isObject(whole.error) ? { type: str(whole.error.code), message: str(whole.error.message) ?? "response failed" } : null;
  const finish = whole.status === "incomplete" ? (isObject(whole.incomplete_details) ? str(whole.incomplete_details.reason) : null) ?? "incomplete" : str(whole.status);
  return { model: str(whole.model), message: message3, usage: isObject(whole.usage) ? whole.usage : null, created: num(whole.created_at), error: e, finish };
}
function apiOf(uri, method) {
  if (method.toUpperCase() !== "POST") return null;
  const path = uri.replace(/^\w+:\/\/[^/]+/, "").replace(/\?.*$/, "");
  if (/\/chat\/completions$/.test(path)) return "openai-chat";
  if (/\/v1\/responses$/.test(path)) return "openai-responses";
  if (/\/v1\/messages$/.test(path)) return "anthropic-messages";
  if (/\/models\/[^/:]+:(?:stream)?[gG]enerateContent$/.test(path)) return "gemini";
  return null;
}
function normalizeVcrCassette(r, at) {
  const text = str(r[VCR_CASSETTE_KEY]);
  if (text === null) throw new RecordError(`cassette record has no \`${VCR_CASSETTE_KEY}\` text`);
  let doc;
  try {
    doc = parseVcrYaml(text);
  } catch (err) {
    if (err instanceof YamlSubsetError) throw new RecordError(`VCR cassette: ${err.message}`);
    throw err;
  }
  const interactions = isObject(doc) && Array.isArray(doc.interactions) ? doc.interactions : null;
  if (interactions === null) throw new RecordError("VCR cassette has no `interactions` list");
  const fileId = traceIdentity(r, { prefix: "vcr", perFile: true }, at);
  let traceId = fileId;
  let rootId = `${traceId}:run`;
  let root2 = newSpan(traceId, rootId, "run");
  root2.kind = "agent";
  const spans = [root2];
  let n = 0;
  const make = (name, parent, exchange) => {
    const s = newSpan(traceId, `${traceId}:${n++}`, name);
    s.parentId = parent;
    s.startTime = exchange;
    s.endTime = exchange + 1;
    spans.push(s);
    return s;
  };
  let base = null;
  const openCalls = /* @__PURE__ */ new Map();
  const callsByName = /* @__PURE__ */ new Map();
  const callKey = /* @__PURE__ */ new Map();
  const agentSpans = /* @__PURE__ */ new Map();
  let invalid = 0;
  let first = null;
  let last = null;
  const requests = interactions.map((x) => {
    if (!isObject(x) || !isObject(x.request)) return null;
    const api = apiOf(str(x.request.uri) ?? "", str(x.request.method) ?? "GET");
    if (api === null) return null;
    const text2 = bodyText(x.request.body, x.request.headers);
    const body = isObject(x.request.parsed_body) ? x.request.parsed_body : text2 !== null ? tryParseJson(text2) : null;
    return isObject(body) ? readRequest(api, body) : null;
  });
  const ownNames = namesBySystem(requests.filter((r2) => r2 !== null));
  const runs = [];
  const starts = recordingStarts(interactions, requests);
  const nextRecording = (i) => {
    runs.push({ root: root2, from: runs.length ? runs[runs.length - 1].to : 0, to: i, base, first, last });
    traceId = `${fileId}#${runs.length + 1}`;
    rootId = `${traceId}:run`;
    root2 = newSpan(traceId, rootId, "run");
    root2.kind = "agent";
    spans.push(root2);
    openCalls.clear();
    callsByName.clear();
    callKey.clear();
    agentSpans.clear();
    base = first = last = null;
  };
  for (let i = 0; i < interactions.length; i++) {
    if (starts.has(i)) nextRecording(i);
    const x = interactions[i];
    if (!isObject(x) || !isObject(x.request) || !isObject(x.response)) {
      invalid++;
      continue;
    }
    const req = x.request;
    const res = x.response;
    const method = str(req.method) ?? "GET";
    const uri = str(req.uri) ?? "";
    const status = isObject(res.status) ? num(res.status.code) ?? 0 : 0;
    const reqText = bodyText(req.body, req.headers);
    const resText = bodyText(res.body, res.headers);
    const reqParsed = isObject(req.parsed_body) ? req.parsed_body : null;
    const resParsed = isObject(res.parsed_body) ? res.parsed_body : null;
    const api = apiOf(uri, method);
    const reqBody = api === null ? null : reqParsed ?? (reqText !== null ? tryParseJson(reqText) : null);
    const resBody = resParsed ?? resText;
    if (api === null || !isObject(reqBody)) {
      const s2 = make(`${method} ${uri.replace(/^\w+:\/\//, "").replace(/\?.*$/, "")}`, rootId, i);
      s2.input = reqText ?? reqParsed;
      s2.output = resText ?? resParsed;
      s2.attributes = { "http.method": method, "http.url": uri, "http.status_code": status, "halo.exchange": i };
      if (status >= 400) s2.error = providerError(status, resBody);
      else if (status > 0) s2.status = "ok";
      continue;
    }
    const { messages, system } = requests[i] ?? readRequest(api, reqBody);
    const named = agentOf(system) ?? (system !== null && ownNames.has(system) ? { name: ownNames.get(system), source: "assistant-message-name" } : null);
    const agent = named?.name ?? null;
    const reply = status >= 400 || resBody === null ? null : replyOf(api, resBody);
    pairByPosition(messages, reply?.message ?? null, agent);
    const quotedSeen = /* @__PURE__ */ new Map();
    for (const m of messages) {
      if (m.role !== "tool") continue;
      let open;
      if ("agent" in m) {
        const q = m;
        const key = `${q.agent}\0${q.name ?? ""}`;
        const k = quotedSeen.get(key) ?? 0;
        quotedSeen.set(key, k + 1);
        const span = callsByName.get(key)?.[k];
        const id = span !== void 0 ? callKey.get(span) : void 0;
        if (id !== void 0 && openCalls.has(id)) {
          open = openCalls.get(id);
          openCalls.delete(id);
        }
      } else if (m.toolCallId !== void 0) {
        open = openCalls.get(m.toolCallId);
        if (open === void 0 || open.agent !== agent) continue;
        openCalls.delete(m.toolCallId);
      }
      if (open === void 0) continue;
      const t2 = open.span;
      t2.tool.result = m.content;
      t2.output = m.content;
      t2.endTime = Math.max(t2.endTime, i);
      if (ERROR_RESULT.test(m.content)) {
        const line = m.content.trim().split("\n", 1)[0];
        t2.error = { type: null, message: line };
      } else t2.status = "ok";
    }
    let parent = rootId;
    const others = [...openCalls.values()].filter((o) => o.agent !== agent);
    const nominee = agent !== null ? others.find((o) => isObject(o.span.tool?.arguments) && str(o.span.tool.arguments.coworker)?.trim().toLowerCase() === agent.toLowerCase()) : void 0;
    const via = nominee ?? others[others.length - 1];
    if (via !== void 0) parent = via.span.spanId;
    let owner = parent;
    if (agent !== null) {
      const key = `${parent}\0${agent}`;
      let a = agentSpans.get(key);
      if (a === void 0) {
        a = make(agent, parent, i);
        a.kind = "agent";
        a.agentName = agent;
        a.attributes["agent.name.source"] = named.source;
        agentSpans.set(key, a);
      }
      owner = a.spanId;
    }
    const s = make(agent ?? (str(reqBody.model) ?? geminiModelOf(uri) ?? "model call"), owner, i);
    s.kind = "llm";
    if (agent !== null) {
      s.agentName = agent;
      s.attributes["agent.name.source"] = named.source;
    }
    s.input = reqBody;
    s.model = reply?.model ?? str(reqBody.model) ?? geminiModelOf(uri);
    Object.assign(s.attributes, { "http.url": uri, "http.status_code": status, "halo.exchange": i, "llm.api": api });
    if (reply === null) {
      if (status >= 400) s.error = providerError(status, resBody);
      else s.attributes["halo.unparsed_reply"] = true;
      s.output = resText ?? resParsed;
      s.messages = messages;
    } else {
      if (base === null && reply.created !== null) base = reply.created * 1e3;
      if (reply.error !== null) s.error = reply.error;
      s.output = reply.message.content;
      s.messages = [...messages, reply.message];
      if (reply.usage !== null) {
        const u = reply.usage;
        setTokens(s, num(u.prompt_tokens) ?? num(u.input_tokens), num(u.completion_tokens) ?? num(u.output_tokens), num(u.total_tokens));
      }
      if (reply.error === null) s.status = "ok";
      if (reply.finish) s.attributes["gen_ai.response.finish_reasons"] = [reply.finish];
      first ??= messages.find((m) => m.role === "user")?.content ?? null;
      if (reply.message.content !== "") last = reply.message.content;
      for (const c of reply.message.toolCalls ?? []) {
        const t2 = make(c.name, owner, i);
        t2.kind = "tool";
        t2.tool = { name: c.name, arguments: c.arguments, result: null };
        if (typeof c.arguments === "string" && parseArguments(c.arguments).invalid) t2.tool.argumentsInvalid = true;
        t2.input = c.arguments;
        if (agent !== null) t2.agentName = agent;
        if (c.id !== void 0) {
          if (!c.id.startsWith(POSITIONAL_ID)) t2.attributes["tool_call.id"] = c.id;
          callKey.set(t2, c.id);
          openCalls.set(c.id, { span: t2, agent });
        }
        const byName = `${agent ?? ""}\0${c.name}`;
        callsByName.set(byName, [...callsByName.get(byName) ?? [], t2]);
      }
    }
  }
  runs.push({ root: root2, from: runs.length ? runs[runs.length - 1].to : 0, to: interactions.length, base, first, last });
  if (spans.length === runs.length) throw new RecordError(`VCR cassette has no usable interactions (${interactions.length} entries)`);
  const roots = new Set(runs.map((x) => x.root));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let k = spans.length - 1; k > 0; k--) {
    const s = spans[k];
    const p = s.parentId !== null ? byId.get(s.parentId) : void 0;
    if (p !== void 0 && !roots.has(p)) p.endTime = Math.max(p.endTime, s.endTime);
  }
  const t0 = /* @__PURE__ */ new Map();
  let end = BASE_TIME;
  for (const [k, x] of runs.entries()) {
    const start = x.base ?? end;
    end = start + (x.to - x.from) * STEP_MS3;
    t0.set(x.root.traceId, { t0: start, from: x.from });
    x.root.startTime = start;
    x.root.endTime = end;
    x.root.input = x.first;
    x.root.output = x.last;
    x.root.attributes = { "halo.synthetic_time": true, "vcr.interactions": x.to - x.from };
    if (runs.length > 1) x.root.attributes["vcr.recording"] = k + 1;
    if (invalid > 0 && k === 0) x.root.attributes["halo.invalid_messages"] = invalid;
    if (isObject(doc) && doc.version !== void 0) x.root.attributes["vcr.version"] = doc.version;
  }
  for (const s of spans) {
    if (roots.has(s)) continue;
    const at2 = t0.get(s.traceId);
    s.startTime = at2.t0 + (s.startTime - at2.from) * STEP_MS3;
    s.endTime = at2.t0 + (s.endTime - at2.from) * STEP_MS3;
  }
  for (const s of spans) finishSpan(s);
  return spans;
}
function recordingStarts(interactions, requests) {
  const starts = /* @__PURE__ */ new Set();
  const name = (i) => {
    const x = interactions[i];
    const req = isObject(x) && isObject(x.request) ? x.request : {};
    return `${(str(req.method) ?? "").toUpperCase()} ${(str(req.uri) ?? "").replace(/\?.*$/, "")}`;
  };
  const names = (from2, to) => Array.from({ length: Math.max(0, to - from2) }, (_, k) => name(from2 + k)).join("\n");
  let opening = null;
  let carriedOn = false;
  let from = 0;
  let firstModel = -1;
  let lastModel = -1;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    if (!r) continue;
    const key = r.messages.map((m) => JSON.stringify(m));
    if (opening !== null && carriedOn && key.length === opening.length && key.every((m, k) => m === opening[k])) {
      const setup = names(from, firstModel);
      const at = setup !== "" && names(lastModel + 1, i) === setup ? lastModel + 1 : i;
      starts.add(at);
      from = at;
      firstModel = lastModel = i;
      carriedOn = false;
      continue;
    }
    if (opening === null) {
      opening = key;
      firstModel = i;
    } else if (key.length > opening.length && opening.every((m, k) => m === key[k])) carriedOn = true;
    lastModel = i;
  }
  return starts;
}
function readRequest(api, reqBody) {
  let messages;
  let system;
  if (api === "anthropic-messages") {
    messages = [];
    system = typeof reqBody.system === "string" ? reqBody.system : Array.isArray(reqBody.system) ? contentText(reqBody.system) : null;
    if (system !== null) messages.push({ role: "system", content: system });
    if (Array.isArray(reqBody.messages)) {
      for (const m of reqBody.messages) if (isObject(m)) messages.push(...anthropicMessages(str(m.role) ?? "user", m.content));
    }
  } else if (api === "openai-responses") {
    system = typeof reqBody.instructions === "string" ? reqBody.instructions : null;
    messages = system !== null ? [{ role: "system", content: system }] : [];
    if (typeof reqBody.input === "string") messages.push({ role: "user", content: reqBody.input });
    else if (Array.isArray(reqBody.input)) messages.push(...responsesMessages(reqBody.input));
  } else if (api === "gemini") {
    ({ messages, system } = geminiRequest(reqBody));
  } else {
    messages = toMessages(reqBody.messages) ?? [];
    system = messages.find((m) => m.role === "system")?.content ?? null;
  }
  return { messages, system };
}
function namesBySystem(requests) {
  const seen = /* @__PURE__ */ new Map();
  for (const r of requests) {
    if (r.system === null) continue;
    for (const m of r.messages) if (m.role === "assistant" && m.name !== void 0 && m.name !== "") seen.set(r.system, (seen.get(r.system) ?? /* @__PURE__ */ new Set()).add(m.name));
  }
  const out = /* @__PURE__ */ new Map();
  for (const [system, names] of seen) if (names.size === 1) out.set(system, [...names][0]);
  return out;
}
function replyOf(api, body) {
  if (api === "anthropic-messages") return anthropicReply(body);
  if (api === "openai-responses") return responsesReply(body);
  if (api === "gemini") {
    const g = geminiReply(body);
    return g === null ? null : { ...g, created: null, error: null };
  }
  return openAiReply(body);
}
function anthropicReply(raw) {
  const body = typeof raw === "string" ? tryParseJson(raw) : raw;
  if (!isObject(body)) return null;
  const [message3] = anthropicMessages("assistant", body.content);
  return { model: str(body.model), message: message3, usage: isObject(body.usage) ? body.usage : null, created: null, error: null, finish: str(body.stop_reason) };
}
var vcrCassette = {
  name: "vcr-cassette",
  sniff: (r) => typeof r[VCR_CASSETTE_KEY] === "string",
  normalize: (r, _pool, at) => ({ format: "vcr-cassette", spans: normalizeVcrCassette(r, at), wholeTrace: true })
};

// src/ingest/error-body.ts
var STATUS_KEYS = /* @__PURE__ */ new Set([
  "message",
  "msg",
  "detail",
  "details",
  "error",
  "errors",
  "error_description",
  "error_message",
  "errorMessage",
  "error_code",
  "errorCode",
  "title",
  "status",
  "statusCode",
  "status_code",
  "code",
  "type",
  "reason",
  "traceId",
  "trace_id",
  "requestId",
  "request_id",
  "success",
  "ok",
  "timestamp",
  "path",
  "instance",
  "documentation_url",
  "hint"
]);
var MESSAGE_KEYS = ["message", "msg", "detail", "error_description", "error_message", "errorMessage", "title", "error", "reason"];
var REFUSAL = /\b(?:does ?n[o']t exists?|not exists?|no such|disabled|must (?:be|not|have)|(?:is|are) required|required (?:field|parameter|argument)|missing|invalid|unknown|unrecogni[sz]ed|unsupported|not supported|not allowed|not permitted|denied|forbidden|unauthori[sz]ed|not authori[sz]ed|authentication required|exceed(?:s|ed)?|quota|expired|failed|failure|errors?|cannot|can't|could not|couldn't|unable|bad request|(?:not |un)available|not subscribed|too many requests)\b/i;
var REASON_PHRASE = /^\s*(?:\d{3}\s+)?(?:Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|Request Timeout|Conflict|Gone|Unprocessable Entity|Too Many Requests|Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Timeout)\.?\s*$/i;
function negated(text, at) {
  return /\b(?:no|0|zero|without|not|non)[\s-]+$/i.test(text.slice(Math.max(0, at - 12), at));
}
function refuses(message3) {
  if (REASON_PHRASE.test(message3)) return true;
  const m = REFUSAL.exec(message3);
  return m !== null && !negated(message3, m.index);
}
var isEmpty = (v) => v == null || v === "" || v === false || Array.isArray(v) && v.length === 0 || typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;
function statusSaysError(o) {
  for (const k of ["status", "statusCode", "status_code", "code"]) {
    const c = o[k];
    if (typeof c === "number" && c >= 400 && c < 600) return true;
    if (typeof c === "string" && (/^[45]\d\d$/.test(c.trim()) || /^(?:error|failed|failure|fail)$/i.test(c.trim()))) return true;
  }
  if (o.success === false || o.ok === false) return true;
  return ["error", "errors", "error_message", "errorMessage", "error_code", "errorCode"].some((k) => !isEmpty(o[k]));
}
function messageOf(o, depth = 0) {
  if (depth > 2) return void 0;
  for (const k of MESSAGE_KEYS) {
    const v = o[k];
    if (typeof v === "string" && v.trim()) return v.trim();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const inner = messageOf(v, depth + 1);
      if (inner) return inner;
    }
  }
  return void 0;
}
function mapOf2(text) {
  if (text.length > 1e5) return void 0;
  const v = parseMapText(text);
  return v && typeof v === "object" && !Array.isArray(v) ? v : void 0;
}
function errorOnlyBody(reply) {
  const text = reply.trim();
  if (!text) return void 0;
  const o = mapOf2(text);
  if (o) {
    const keys = Object.keys(o);
    if (keys.length === 0 || keys.some((k) => !STATUS_KEYS.has(k) && !isEmpty(o[k]))) return void 0;
    const message3 = messageOf(o);
    if (statusSaysError(o) || message3 !== void 0 && refuses(message3)) return message3 ?? text.slice(0, 300);
    return void 0;
  }
  if (/^[[{]/.test(text)) return void 0;
  const title = /^(?:<!doctype html>\s*)?<html\b[^]*?<title>([^<]{1,120})<\/title>/i.exec(text)?.[1]?.trim();
  if (title !== void 0) return REASON_PHRASE.test(title) || /^(?:\d{3}\b|error\b)/i.test(title) ? title : void 0;
  return !text.includes("\n") && REASON_PHRASE.test(text) ? text : void 0;
}
function carriesData(reply) {
  const text = reply.trim();
  const v = text.length <= 1e5 ? parseMapText(text) : void 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === "object") return Object.entries(v).some(([k, x]) => !STATUS_KEYS.has(k) && !isEmpty(x));
  const first = /^\{\s*(['"])(\w+)\1\s*:\s*([^\s,}])/.exec(text);
  return first !== null && !STATUS_KEYS.has(first[2]) && !/^[\]}]/.test(first[3]) && !/^(?:None|null|False|false)\b/.test(text.slice(first.index + first[0].length - 1));
}

// src/ingest/formats/toolbench.ts
var FAILURES = /* @__PURE__ */ new Map([
  [1, "NoSuchFunction"],
  [2, "InvalidFinish"],
  [5, "Timeout"],
  [6, "ApiNotWorking"],
  [7, "Unauthorized"],
  [8, "Unsubscribed"],
  [9, "TooManyRequests"],
  [10, "RateLimit"],
  [11, "ApiErrorMessage"],
  [12, "RequestFailed"]
]);
function failureMessage(observation2) {
  const { error, response } = envelope(observation2);
  if (error === null || error === "") return observation2.trim().split("\n", 1)[0];
  const reply = response.trim().split("\n", 1)[0].slice(0, 500);
  return reply === "" ? error : `${error} ${reply}`;
}
function envelope(observation2) {
  const o = tryParseJson(observation2);
  if (isObject(o)) return { error: str(o.error), response: typeof o.response === "string" ? o.response : o.response != null ? JSON.stringify(o.response) : "" };
  const m = CUT_OBSERVATION.exec(observation2);
  if (m === null) return { error: null, response: "" };
  return { error: tryParseJson(`"${m[1]}"`) ?? m[1], response: m[2] ?? "" };
}
function failureOf(code, observation2) {
  const type = FAILURES.get(code);
  const { response } = envelope(observation2);
  if (type !== void 0) return code === 11 && carriesData(response) ? null : { type, message: failureMessage(observation2) };
  if (code !== 0) return null;
  const message3 = errorOnlyBody(response);
  return message3 === void 0 ? null : { type: null, message: message3 };
}
var CUT_OBSERVATION = /^\s*\{\s*"error"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"response"\s*:\s*"?(.*)$/s;
var children = (n) => Array.isArray(n.children) ? n.children.filter(isObject) : [];
var typeOf = (n) => n === void 0 ? null : str(n.node_type);
function callChain(first) {
  let thought = null;
  let node = first;
  if (typeOf(node) === "Thought") {
    thought = node;
    const expanded = (num(node.expand_num) ?? 0) > 0 || children(node).length === 0;
    if (expanded) return { thought, action: null, input: null, end: node };
    node = children(node)[0];
  }
  if (typeOf(node) !== "Action") return { thought, action: null, input: null, end: thought ?? first };
  const action = node;
  const input = children(action).find((c) => typeOf(c) === "Action Input") ?? null;
  return { thought, action, input, end: input ?? action };
}
function treeTurns(root2, offered, opening) {
  const turns = [];
  let lastEnd = root2;
  let n = 0;
  const visit = (state, path) => {
    for (const first of children(state)) {
      const { thought, action, input, end } = callChain(first);
      const id = `call-${n++}`;
      const attributes = { "toolbench.depth": num(first.depth) };
      if (state !== lastEnd) {
        attributes["toolbench.backtrack"] = true;
        attributes["toolbench.resumed_from_depth"] = num(state.depth);
      }
      if (thought !== null && num(thought.observation_code) !== null) attributes["toolbench.error_code"] = num(thought.observation_code);
      if (end.pruned === true) attributes["toolbench.pruned"] = true;
      if (offered !== void 0) attributes.tools = offered;
      const calls = [];
      const raw = [];
      if (action !== null) {
        const args = input !== null ? input.description : void 0;
        calls.push({ id, name: str(action.description) ?? "action", arguments: parseArguments(args).value });
        raw.push(args);
      }
      const reply = { role: "assistant", content: thought !== null ? str(thought.description) ?? "" : "", ...calls.length > 0 ? { toolCalls: calls } : {} };
      turns.push({ message: reply, rawArguments: raw, attributes, context: path });
      const below = [...path, reply];
      if (action !== null && input !== null) {
        const code = num(input.observation_code);
        const turn = { message: { role: "tool", content: str(input.observation) ?? "", toolCallId: id, name: calls[0].name } };
        if (code !== null) {
          turn.attributes = { "toolbench.observation_code": code };
          const failure = failureOf(code, turn.message.content);
          if (failure !== null) {
            turn.failed = true;
            turn.error = failure;
          } else if (FAILURES.has(code)) turn.attributes["halo.flagged_error"] = envelope(turn.message.content).error ?? FAILURES.get(code);
        }
        turns.push(turn);
        below.push(turn.message);
      }
      lastEnd = end;
      visit(end, below);
    }
  };
  visit(root2, opening);
  return turns;
}
function normalizeToolBench(r, at) {
  const answer = r.answer_generation;
  const tree = isObject(r.tree) ? isObject(r.tree.tree) ? r.tree.tree : r.tree : null;
  if (tree === null) throw new RecordError("a ToolBench answer without its search `tree`: the calls are recorded only there");
  const query = str(answer.query);
  const turns = [];
  const opening = query !== null ? [{ role: "user", content: query }] : [];
  turns.push(...opening.map((message3) => ({ message: message3 })));
  turns.push(...treeTurns(tree, Array.isArray(answer.function) ? answer.function : void 0, opening));
  const args = isObject(r.forward_args) ? r.forward_args : {};
  return buildConversation({
    traceId: traceIdentity(r, { prefix: "toolbench", perFile: true }, at),
    turns,
    agentName: "tree_beam_size" in args ? "toolbench DFSDT" : "toolbench",
    model: null,
    outcome: outcomeFrom(r.win, void 0, answer.finish_type),
    attributes: {
      // The tree is the spans; the offered functions are on every model call; the rest is kept as it came.
      ...recordAttributes(r, ["tree", "answer_generation"]),
      ...Object.fromEntries(Object.entries(recordAttributes(answer, ["function", "query"])).map(([k, v]) => [`answer_generation.${k}`, v])),
      "toolbench.tree_size": isObject(r.tree) ? num(r.tree.size) : null
    }
  });
}
var toolBench = {
  name: "toolbench",
  sniff: (r) => isObject(r.answer_generation) && ("tree" in r || "query" in r.answer_generation),
  normalize: (r, _pool, at) => ({ format: "toolbench", spans: normalizeToolBench(r, at), wholeTrace: true })
};

// src/ingest/formats/intercode.ts
var EXECUTE = /^\s*execute\s*\[([\s\S]*)\][\s\S]*$/;
var SUBMIT = /^\s*submit(?:\s*\[([\s\S]*)\]|\s+([\s\S]*?))?\s*$/i;
var FORCED = /^\s*EXCEEDED MAX TURNS\b/;
var isRun = (v) => isObject(v) && isObject(v.turn_history) && ("query" in v || "environment" in v);
function firstEntry(r) {
  for (const k in r) return /^\d+$/.test(k) ? r[k] : void 0;
  return void 0;
}
var list = (v) => Array.isArray(v) ? v : [];
function strategy(history) {
  if (Array.isArray(history.steps)) return "intercode plan-and-solve";
  if (Array.isArray(history.thoughts)) return "intercode react";
  return "intercode";
}
function runTurns(run) {
  const h = run.turn_history;
  const actions = list(h.actions);
  const observations = list(h.observations);
  const rewards = list(h.rewards);
  const valid = list(h.valid_action);
  const thoughts = list(h.thoughts);
  const steps = Array.isArray(h.steps) ? h.steps.map((s) => contentText(s)) : null;
  const turns = [];
  const query = str(run.query);
  if (query !== null) turns.push({ message: { role: "user", content: query } });
  if (steps !== null) turns.push({ message: { role: "assistant", content: steps.map((s, i) => `${i + 1}. ${s}`).join("\n") }, attributes: { "intercode.role": "planner", "intercode.plan": steps } });
  for (let i = 0; i < actions.length; i++) {
    const text = contentText(actions[i]);
    const id = `action-${i}`;
    const wrapped = EXECUTE.exec(text);
    const submit = SUBMIT.exec(text);
    const answer = submit !== null ? submit[1] ?? submit[2] ?? "" : "";
    const call = submit !== null ? { id, name: "submit", arguments: answer !== "" ? { answer } : {} } : { id, name: "execute", arguments: { command: wrapped !== null ? wrapped[1] : text } };
    const attributes = {};
    if (steps !== null && steps[i] !== void 0) attributes["intercode.step"] = steps[i];
    const thought = thoughts[i] !== void 0 ? contentText(thoughts[i]) : "";
    const role = FORCED.test(thought) ? "harness" : "assistant";
    turns.push({ message: { role, content: thought, toolCalls: [call] }, rawArguments: [text], attributes });
    if (i >= observations.length) continue;
    const result = { message: { role: "tool", content: contentText(observations[i]), toolCallId: id } };
    result.attributes = { "halo.harness_parsed": true };
    const reward = num(rewards[i]);
    if (reward !== null) result.attributes["intercode.reward"] = reward;
    if (thoughts.length > 0 && wrapped === null && submit === null) result.attributes["halo.action_unparsed"] = /^\s*execute\s*\[/.test(text) ? "`execute[` with no closing `]`" : "no `execute[\u2026]` around the command";
    if (valid[i] === false) result.failed = true;
    turns.push(result);
  }
  return turns;
}
function runSpans(run, key, at, meta) {
  const summary = isObject(run.summary) ? run.summary : {};
  const taskId = str(run.task_id);
  const attributes = recordAttributes(run, ["turn_history", "query"]);
  if (meta !== null) Object.assign(attributes, recordAttributes({ meta }, []));
  const traceId = key !== null && at !== void 0 ? `intercode:${at.file}#${key}` : traceIdentity(run, { prefix: "intercode", perFile: key === null }, at);
  return buildConversation({
    traceId,
    turns: runTurns(run),
    agentName: strategy(run.turn_history),
    model: null,
    taskId: taskId !== null ? `${str(run.environment) ?? "intercode"}-${taskId}` : null,
    outcome: outcomeFrom(void 0, summary.max_reward, void 0),
    attributes
  });
}
function normalizeInterCode(r, at) {
  if (isRun(r)) return runSpans(r, null, at, null);
  const meta = isObject(r.meta) ? r.meta : null;
  const runs = isObject(r.logs) ? r.logs : r;
  const spans = [];
  for (const key in runs) {
    const run = runs[key];
    if (!isRun(run)) throw new RecordError(`InterCode results: entry ${key} is not a run (no turn_history)`);
    spans.push(...runSpans(run, key, at, meta));
  }
  if (spans.length === 0) throw new RecordError("InterCode results document has no runs");
  return spans;
}
var interCode = {
  name: "intercode",
  sniff: (r) => isRun(r) || isObject(r.logs) && isRun(firstEntry(r.logs)) || isRun(firstEntry(r)),
  normalize: (r, _pool, at) => ({ format: "intercode", spans: normalizeInterCode(r, at), wholeTrace: true })
};

// src/ingest/formats/moatless.ts
var isTrajectory = (r) => Array.isArray(r.transitions) && isObject(r.info) && typeof r.initial_message === "string";
function actionTurns(state, model, actions, n) {
  const turns = [];
  const agents = [];
  for (const a of actions) {
    if (!isObject(a)) continue;
    const reply = isObject(a.action) ? a.action : {};
    const { scratch_pad: thought, ...args } = reply;
    const id = `action-${n.i++}`;
    const call = { id, name: state, arguments: args };
    const input = num(a.input_tokens);
    const output = num(a.output_tokens);
    const turn = { message: { role: "assistant", content: str(thought) ?? "", toolCalls: [call] }, model, attributes: { "moatless.state": state } };
    if (input !== null && output !== null) turn.tokens = { input, output, total: input + output };
    const cost = num(a.completion_cost);
    if (cost !== null) turn.cost = cost;
    turns.push(turn);
    agents.push(state);
    const retry = str(a.retry_message);
    if (retry !== null) {
      turns.push({ message: { role: "tool", content: retry, toolCallId: id }, failed: true, error: { type: "retry", message: retry.trim().split("\n")[0] }, attributes: { "moatless.retry": true } });
    } else if ("output" in a) {
      turns.push({ message: { role: "tool", content: JSON.stringify(a.output ?? null), toolCallId: id } });
    }
  }
  return { turns, agents };
}
function normalizeMoatless(r) {
  const info = r.info;
  const instance = str(info.instance_id);
  const evaluation = str(info.evaluation_name) ?? "moatless";
  const traceId = `moatless:${evaluation}:${instance ?? "run"}`;
  const turns = [{ message: { role: "user", content: r.initial_message } }];
  const agents = [];
  const n = { i: 0 };
  let last = null;
  for (const t2 of r.transitions) {
    if (!isObject(t2)) throw new RecordError("Moatless trajectory: a transition is not an object");
    const state = str(t2.name) ?? "state";
    const props = isObject(t2.state) ? t2.state : {};
    const got = actionTurns(state, str(props.model), Array.isArray(t2.actions) ? t2.actions : [], n);
    turns.push(...got.turns);
    agents.push(...got.agents);
    last = t2;
  }
  const attributes = recordAttributes(r, ["transitions", "initial_message"]);
  if (last !== null) {
    attributes["moatless.final_state"] = str(last.name);
    const props = isObject(last.state) ? last.state : {};
    if (str(props.message) !== null) attributes["moatless.final_message"] = str(props.message);
  }
  const spans = buildConversation({ traceId, turns, agentName: str(r.name) ?? "moatless", model: null, taskId: instance, attributes });
  for (const s of spans) {
    const m = /:(llm|tool)-(\d+)$/.exec(s.spanId);
    const agent = m !== null ? agents[Number(m[2])] : void 0;
    if (agent !== void 0) s.agentName = agent;
  }
  const crash = str(info.error);
  if (crash !== null) {
    const root2 = spans[0];
    const lines = crash.trim().split("\n");
    root2.status = "error";
    root2.error = { type: "traceback", message: lines[lines.length - 1].trim() };
    root2.statusMessage = root2.error.message;
  }
  return spans;
}
var moatless = {
  name: "moatless",
  sniff: isTrajectory,
  normalize: (r) => ({ format: "moatless", spans: normalizeMoatless(r), wholeTrace: true })
};

// src/ingest/formats/mint.ts
var EXECUTE2 = /<execute>([\s\S]*?)(?:<\/execute>|$)/;
var SOLUTION = /<solution>([\s\S]*?)(?:<\/solution>|$)/;
var FEEDBACK = "\nExpert feedback:\n";
var TRACEBACK2 = /Traceback \(most recent call last\)/;
var WRONG = /^Your answer is wrong\./;
var isRun2 = (r) => isObject(r.state) && Array.isArray(r.state.history) && isObject(r.task) && "terminate_reason" in r.state;
function splitObservation(content) {
  const at = content.lastIndexOf(FEEDBACK);
  const head = at >= 0 ? content.slice(0, at) : content;
  return { observation: head.replace(/^Observation:\n/, "").trimEnd(), feedback: at >= 0 ? content.slice(at + FEEDBACK.length).trim() : null };
}
function replyCall(content, id) {
  const exec = EXECUTE2.exec(content);
  const sol = SOLUTION.exec(content);
  if (exec !== null && (sol === null || exec.index < sol.index)) return { id, name: "execute", arguments: { code: exec[1].trim() } };
  if (sol !== null) return { id, name: "propose_solution", arguments: { answer: sol[1].trim() } };
  return null;
}
function runTurns2(history) {
  const turns = [];
  let pending = null;
  let n = 0;
  history.forEach((m, i) => {
    if (!isObject(m)) throw new RecordError(`MINT run: history[${i}] is not a message`);
    const role = str(m.role);
    const content = contentText(m.content);
    if (role === "assistant") {
      const call2 = replyCall(content, `call-${n++}`);
      const turn = { message: { role: "assistant", content, ...call2 !== null ? { toolCalls: [call2] } : {} } };
      if (call2 === null) turn.attributes = { "halo.action_unparsed": "no <execute> or <solution> block" };
      turns.push(turn);
      pending = call2;
      return;
    }
    if (i === 0 || !content.startsWith("Observation:")) {
      turns.push({ message: { role: "user", content } });
      return;
    }
    const { observation: observation2, feedback } = splitObservation(content);
    const call = pending;
    pending = null;
    if (call !== null) {
      const failed = call.name === "execute" ? TRACEBACK2.test(observation2) : WRONG.test(observation2);
      const result = { message: { role: "tool", content: observation2, toolCallId: call.id } };
      if (failed) {
        result.failed = true;
        result.error = { type: call.name === "execute" ? "exception" : "wrong_answer", message: failureLine(observation2) };
      }
      turns.push(result);
    } else turns.push({ message: { role: "user", name: "harness", content: observation2 } });
    if (feedback !== null) turns.push({ message: { role: "user", name: "feedback", content: feedback } });
  });
  return turns;
}
function failureLine(text) {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const exc = [...lines].reverse().find((l) => /^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b/.test(l));
  return exc ?? lines[0] ?? text;
}
function subsetOf(at) {
  if (at === void 0) return null;
  const parts = at.file.split(/[\\/]/);
  const base = parts[parts.length - 1];
  if (/^results\.jsonl(?:\.gz)?$/.test(base)) return parts[parts.length - 2] ?? null;
  const m = /^([^.]+)\./.exec(base);
  return m !== null ? m[1] : null;
}
function normalizeMint(r, at) {
  const state = r.state;
  const { history: _history, ...rest } = state;
  const task = r.task;
  const taskId = `${subsetOf(at) ?? str(task.task_name) ?? "mint"}:${String(task.task_id)}`;
  const spans = buildConversation({
    traceId: `mint:${at?.file ?? "run"}#${taskId}`,
    turns: runTurns2(state.history),
    agentName: "MINT agent",
    model: null,
    taskId,
    outcome: outcomeFrom(state.success, void 0, state.terminate_reason),
    attributes: recordAttributes({ state: rest, task }, [])
  });
  const crash = str(state.error);
  if (crash !== null && crash.trim() !== "") {
    const root2 = spans[0];
    const lines = crash.trim().split("\n");
    root2.status = "error";
    root2.error = { type: lines[0].trim(), message: lines[lines.length - 1].trim() };
    root2.statusMessage = root2.error.message;
  }
  return spans;
}
var mint = {
  name: "mint",
  sniff: isRun2,
  normalize: (r, _pool, at) => ({ format: "mint", spans: normalizeMint(r, at), wholeTrace: true })
};

// src/ingest/formats/react-printout.ts
var QUESTION_OPEN = /^(\d+) ((?:Claim|Question): .*)$/;
var FIELD2 = /^(Thought|Action|Observation) (\d+): ?(.*)$/;
var UNPARSED = /^ohh\.\.\. ?(.*)$/;
var INFO = /^\{'steps': .*\}\s*$/;
var RULE = /^-{5,}\s*$/;
var EPISODE_INDEX = /^(\d+)\s*$/;
var WEBSHOP_FIELD = /^(Action|Observation): ?(.*)$/;
var NUM = String.raw`\d+(?:\.\d+)?(?:e-?\d+)?`;
var RUNNING_TOTALS = new RegExp(`^(\\d+) (${NUM}) ${NUM} ${NUM}\\s*$`);
var SCORE = /^Your score \(min [\d.]+, max [\d.]+\): ([\d.]+)/;
var append = (prev, line) => prev === null ? line : `${prev}
${line}`;
function parsePrintedRuns(text) {
  const runs = [];
  let run = null;
  let open = null;
  let afterRule = false;
  let mean = null;
  const close = () => {
    if (run !== null) runs.push(run);
    run = null;
    open = null;
  };
  for (const line of text.split(/\r?\n/)) {
    let m;
    const wasAfterRule = afterRule;
    afterRule = false;
    if (RULE.test(line)) {
      close();
      afterRule = true;
    } else if (wasAfterRule && (m = EPISODE_INDEX.exec(line)) !== null) {
      run = { layout: "webshop", taskId: `fixed_${m[1]}`, task: "", steps: [], info: null, reward: null, rewardFrom: null };
    } else if ((m = QUESTION_OPEN.exec(line)) !== null && (run === null || run.layout === "question")) {
      close();
      run = { layout: "question", taskId: m[1], task: m[2], steps: [], info: null, reward: null, rewardFrom: null };
    } else if (run === null) {
      continue;
    } else if (run.layout === "question") {
      open = questionLine(run, open, line);
    } else if ((m = RUNNING_TOTALS.exec(line)) !== null && open?.key === "observation") {
      const r = run;
      const n = Number(m[1]);
      const value = Number(m[2]);
      if (r.reward === null && Number.isFinite(value)) {
        const before = mean !== null && mean.n === n - 1 ? mean.n * mean.value : n === 1 ? 0 : null;
        if (before !== null) {
          r.reward = Math.round((n * value - before) * 1e9) / 1e9;
          r.rewardFrom = "running mean";
        }
      }
      mean = { n, value };
      close();
    } else {
      open = webshopLine(run, open, line);
    }
  }
  close();
  return runs.filter((r) => r.steps.length > 0);
}
function questionLine(run, open, line) {
  let m;
  if (open?.key === "unparsed" && !/^Thought \d+: /.test(line)) {
    open.step.unparsed = append(open.step.unparsed, line);
    return open;
  }
  if ((m = UNPARSED.exec(line)) !== null) {
    const step = { thought: null, action: null, observation: null, unparsed: m[1] };
    run.steps.push(step);
    return { step, key: "unparsed" };
  }
  if ((m = FIELD2.exec(line)) !== null) {
    const key = m[1].toLowerCase();
    let step = run.steps[run.steps.length - 1];
    if (step === void 0 || key === "thought" && (step.thought !== null || step.action !== null)) run.steps.push(step = { thought: null, action: null, observation: null, unparsed: null });
    step[key] = m[3];
    return { step, key };
  }
  if (INFO.test(line)) {
    const info = parsePythonLiteral(line.trim());
    if (isObject(info)) {
      run.info = info;
      if (typeof info.reward === "number") {
        run.reward = info.reward;
        run.rewardFrom = "info";
      }
    }
    return null;
  }
  if (open !== null) open.step[open.key] = append(open.step[open.key], line);
  return open;
}
function webshopLine(run, open, line) {
  const m = WEBSHOP_FIELD.exec(line);
  if (m === null) {
    if (open !== null) open.step[open.key] = append(open.step[open.key], line);
    return open;
  }
  if (m[1] === "Action") {
    const step2 = { thought: null, action: m[2], observation: null, unparsed: null };
    run.steps.push(step2);
    return { step: step2, key: "action" };
  }
  const step = run.steps[run.steps.length - 1];
  if (step === void 0) return open;
  step.observation = m[2];
  const score = SCORE.exec(m[2]);
  if (score !== null) {
    run.reward = Number(score[1]);
    run.rewardFrom = "score";
  }
  return { step, key: "observation" };
}

// src/ingest/formats/autogen-printout.ts
var ANSI = /\x1b\[[0-9;]*m/g;
var HEADER = /^(\S[^\n]*?) \(to ([^\n]+?)\):\s*$/;
var END = /^-{80}\s*$/;
var STARS = /^\*{10,}\s*$/;
var CALL = /^\*{5} Suggested (?:tool call \(([^)]*)\)|function call): (\S+) \*{5,}\s*$/i;
var RESPONSE = /^\*{5} Response from calling (?:tool \(([^)]*)\)|function (?:\(([^)]*)\)|"([^"]*)")) \*{5,}\s*$/i;
function parsePrintedChat(text) {
  const out = [];
  let open = null;
  const close = (ended) => {
    if (open !== null) {
      const m = message(open.name, open.recipient, open.lines, out.length, ended);
      if (m !== null) out.push(m);
    }
    open = null;
  };
  for (const raw of text.replace(ANSI, "").split(/\r?\n/)) {
    const h = HEADER.exec(raw);
    if (h !== null) {
      close(false);
      open = { name: h[1], recipient: h[2], lines: [] };
    } else if (END.test(raw)) close(true);
    else if (open !== null) open.lines.push(raw);
  }
  close(false);
  joinFunctionResults(out);
  return out;
}
function joinFunctionResults(messages) {
  const pending = [];
  for (const m of messages) {
    for (const c of m.tool_calls ?? []) pending.push({ id: c.id, name: c.function.name });
    for (const r of m.tool_responses ?? []) {
      const byName = r.tool_call_id.startsWith("function:") ? r.tool_call_id.slice("function:".length) : null;
      const at = pending.findLastIndex((p) => byName !== null ? p.name === byName : p.id === r.tool_call_id);
      if (at < 0) continue;
      r.tool_call_id = pending[at].id;
      pending.splice(at, 1);
    }
  }
}
function message(name, recipient, lines, index, ended) {
  const body = [];
  const calls = [];
  const responses = [];
  for (let i = 0; i < lines.length; i++) {
    const call = CALL.exec(lines[i]);
    const response = call === null ? RESPONSE.exec(lines[i]) : null;
    if (call === null && response === null) {
      body.push(lines[i]);
      continue;
    }
    const block = [];
    for (i++; i < lines.length && !STARS.test(lines[i]); i++) block.push(lines[i]);
    if (call !== null) {
      const args = block.join("\n").replace(/^Arguments:\s*\n?/, "");
      calls.push({ id: call[1] ?? `printed-${index}-${calls.length}`, type: "function", function: { name: call[2], arguments: args.trim() } });
    } else {
      responses.push({ tool_call_id: response[1] ?? response[2] ?? `function:${response[3]}`, role: "tool", content: block.join("\n").trim() });
    }
  }
  const content = body.join("\n").trim();
  if (!ended && content === "" && calls.length === 0 && responses.length === 0) return null;
  const m = { name, recipient, role: responses.length > 0 ? "tool" : "assistant", content };
  if (calls.length > 0) m.tool_calls = calls;
  if (responses.length > 0) m.tool_responses = responses;
  return m;
}

// src/ingest/formats/agentchat-console.ts
var HEADER2 = /^-{10} (?:([A-Za-z]+) \((.+)\)|(.+?)) -{10}\s*$/;
var USAGE2 = /^\[Prompt tokens: (\d+), Completion tokens: (\d+)\]\s*$/;
function parseConsoleRun(text) {
  const messages = [];
  const finishReasons = [];
  let open = null;
  const close = () => {
    if (open === null) return;
    if (open.source === "Summary" && open.type === null) {
      for (const l of open.lines) if (l.startsWith("Finish reason: ")) finishReasons.push(l.slice("Finish reason: ".length).trim());
    } else messages.push(message2(open.type, open.source, open.lines));
    open = null;
  };
  for (const line of text.split(/\r?\n/)) {
    const h = HEADER2.exec(line);
    if (h !== null) {
      close();
      open = { type: h[1] ?? null, source: h[2] ?? h[3], lines: [] };
    } else if (open !== null) open.lines.push(line);
  }
  close();
  return { messages, finishReasons };
}
function message2(type, source, lines) {
  const body = [...lines];
  const m = { name: source, role: "assistant", content: "" };
  if (type !== null) m.type = type;
  while (body.length > 0 && body[body.length - 1].trim() === "") body.pop();
  const usage2 = body.length > 0 ? USAGE2.exec(body[body.length - 1]) : null;
  if (usage2 !== null) {
    body.pop();
    m.prompt_tokens = Number(usage2[1]);
    m.completion_tokens = Number(usage2[2]);
  }
  const content = body.join("\n").trim();
  const calls = content.startsWith("[FunctionCall(") ? reprObjects(content, "FunctionCall") : null;
  const results = calls === null && content.startsWith("[FunctionExecutionResult(") ? reprObjects(content, "FunctionExecutionResult") : null;
  if (calls !== null) {
    m.tool_calls = calls.map((c, i) => ({ id: str2(c.id) ?? `${source}-${i}`, type: "function", function: { name: str2(c.name) ?? "tool", arguments: str2(c.arguments) ?? "" } }));
  } else if (results !== null) {
    m.role = "tool";
    m.tool_responses = results.map((r) => ({ tool_call_id: str2(r.call_id) ?? "", role: "tool", content: str2(r.content) ?? "", ...typeof r.is_error === "boolean" ? { is_error: r.is_error } : {} }));
  } else m.content = content;
  return m;
}
var str2 = (v) => typeof v === "string" ? v : null;
function reprObjects(text, name) {
  const out = [];
  let i = 1;
  for (; ; ) {
    if (!text.startsWith(`${name}(`, i)) return null;
    i += name.length + 1;
    const fields = {};
    while (text[i] !== ")") {
      const key = /^([A-Za-z_]\w*)=/.exec(text.slice(i, i + 64));
      if (key === null) return null;
      i += key[0].length;
      const end = valueEnd(text, i);
      if (end < 0) return null;
      const value = parsePythonLiteral(text.slice(i, end));
      if (value === void 0) return null;
      fields[key[1]] = value;
      i = end;
      if (text.startsWith(", ", i)) i += 2;
      else if (text[i] !== ")") return null;
    }
    out.push(fields);
    i++;
    if (text.startsWith(", ", i)) i += 2;
    else return text.slice(i).trim() === "]" ? out : null;
  }
}
function valueEnd(text, i) {
  const q = text[i];
  if (q === "'" || q === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === "\\") j++;
      else if (text[j] === q) return j + 1;
    }
    return -1;
  }
  const m = /^[^,)]*/.exec(text.slice(i));
  return i + m[0].length;
}

// src/ingest/formats/notebook.ts
var WEBSHOP_ARGUMENTS = { search: "query", click: "target" };
var INVALID = /^\s*Invalid action/;
var isText = (v) => v === void 0 || typeof v === "string" || Array.isArray(v) && v.every((x) => typeof x === "string");
function notebookCells(r) {
  const fail = (where2, what) => new RecordError(`Jupyter notebook: ${where2}: ${what}`);
  if (!Array.isArray(r.cells)) throw fail("cells", "not a list");
  return r.cells.map((cell, i) => {
    if (!isObject(cell) || typeof cell.cell_type !== "string") throw fail(`cells[${i}]`, "not a cell (no cell_type)");
    if (!isText(cell.source)) throw fail(`cells[${i}].source`, "not text or a list of text lines");
    if (cell.outputs !== void 0 && !Array.isArray(cell.outputs)) throw fail(`cells[${i}].outputs`, "not a list");
    const outputs = (cell.outputs ?? []).map((o, j) => {
      if (!isObject(o) || typeof o.output_type !== "string") throw fail(`cells[${i}].outputs[${j}]`, "not an output (no output_type)");
      if (!isText(o.text)) throw fail(`cells[${i}].outputs[${j}].text`, "not text or a list of text lines");
      return { output_type: o.output_type, name: typeof o.name === "string" ? o.name : void 0, text: o.text };
    });
    return { cell_type: cell.cell_type, source: cell.source, outputs };
  });
}
var joined = (t2) => Array.isArray(t2) ? t2.join("") : t2 ?? "";
function printed(cell) {
  if (cell.cell_type !== "code") return "";
  return (cell.outputs ?? []).filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => joined(o.text)).join("");
}
function modelInCode(cells) {
  const names = /* @__PURE__ */ new Set();
  for (const c of cells) if (c.cell_type === "code") for (const m of joined(c.source).matchAll(/\bmodel\s*=\s*["']([^"'\s]+)["']/g)) names.add(m[1]);
  return names.size === 1 ? [...names][0] : null;
}
function toolResult(id, observation2) {
  if (observation2 === null) return null;
  const content = observation2.trimEnd();
  return { message: { role: "tool", content, toolCallId: id }, ...INVALID.test(content) ? { failed: true } : {} };
}
function questionTurns(run, traceId) {
  const turns = [{ message: { role: "user", content: run.task.trim() } }];
  run.steps.forEach((s, i) => {
    if (s.unparsed !== null) turns.push({ message: { role: "assistant", content: s.unparsed.trim() }, attributes: { "react.unparsed_reply": true } });
    const message3 = { role: "assistant", content: s.unparsed !== null ? "" : (s.thought ?? "").trim() };
    if (s.action === null) {
      turns.push({ message: message3 });
      return;
    }
    const id = `${traceId}:step-${i + 1}`;
    const a = parseAction(s.action.trim(), WIKI_ARGUMENTS);
    message3.toolCalls = [{ id, name: a.name, arguments: a.args }];
    turns.push({ message: message3, rawArguments: [s.action.trimEnd()] }, toolResult(id, s.observation));
  });
  return turns.filter((t2) => t2 !== null);
}
function webshopTurns(run, traceId) {
  const turns = [];
  run.steps.forEach((s, i) => {
    const action = (s.action ?? "").trim();
    if (i === 0 && action === "reset") {
      turns.push({ message: { role: "user", content: (s.observation ?? "").trim() } });
      return;
    }
    const think = /^think\[([\s\S]*?)\]?$/.exec(action);
    if (think !== null) {
      turns.push({ message: { role: "assistant", content: think[1] } });
      return;
    }
    const id = `${traceId}:step-${i}`;
    const a = parseAction(action, WEBSHOP_ARGUMENTS);
    turns.push({ message: { role: "assistant", content: "", toolCalls: [{ id, name: a.name, arguments: a.args }] }, rawArguments: [s.action ?? ""] });
    const result = toolResult(id, s.observation);
    if (result !== null) turns.push(result);
  });
  return turns;
}
function runSpans2(run, traceId, model) {
  const info = run.info ?? {};
  const attributes = { "react.layout": run.layout };
  for (const k in info) attributes[`react.${k}`] = info[k];
  if (run.rewardFrom !== null) attributes["react.reward_from"] = run.rewardFrom;
  const success = typeof info.em === "number" ? info.em === 1 : void 0;
  return buildConversation({
    traceId,
    turns: run.layout === "webshop" ? webshopTurns(run, traceId) : questionTurns(run, traceId),
    agentName: "ReAct",
    model,
    taskId: run.taskId,
    outcome: outcomeFrom(success, run.reward, void 0),
    attributes
  });
}
function cellSpans(text, file, c, model) {
  const runs = parsePrintedRuns(text);
  if (runs.length > 0) return runs.flatMap((run, k) => runSpans2(run, `react-notebook:${file}#cell-${c}:${k}`, model));
  const chat = parsePrintedChat(text);
  if (chat.length >= 2) return normalizeMultiAgentChat({ id: `autogen-notebook:${file}#cell-${c}`, history: chat });
  const team = parseConsoleRun(text);
  if (team.messages.length < 2) return [];
  const reasons = team.finishReasons.length > 0 ? { finish_reasons: team.finishReasons } : {};
  return normalizeMultiAgentChat({ id: `agentchat-notebook:${file}#cell-${c}`, history: team.messages, ...reasons });
}
function normalizeNotebook(r, at) {
  const cells = notebookCells(r);
  const model = modelInCode(cells);
  const file = at?.file ?? wideHash(JSON.stringify(r));
  const spans = cells.flatMap((cell, c) => cellSpans(printed(cell), file, c, model));
  if (spans.length === 0) throw new RecordError("Jupyter notebook: no agent run in its printed output (expected ReAct runs: `<index> Claim: \u2026` or `Question: \u2026` then `Thought 1:` / `Action 1:` / `Observation 1:`, or WebShop's `Action: reset` episodes; or an AutoGen conversation: `<sender> (to <recipient>):` messages, or AgentChat's `---------- <source> ----------` console)");
  return spans;
}
var notebook = {
  name: "notebook",
  sniff: (r) => Array.isArray(r.cells) && typeof r.nbformat === "number",
  normalize: (r, _pool, at) => ({ format: "notebook", spans: normalizeNotebook(r, at), wholeTrace: true })
};

// src/ingest/formats/index.ts
var FORMATS = [chatDev, reactTrials, vcrCassette, goStdoutTrace, anyAgentTrace, spanTree, clickhouseRow, phoenix, flatSpan, otlp, openaiAgents, langsmith, langfuse, tau2, agentDojo, sweAgent, miniSweAgent, openHands, toolBench, interCode, moatless, mint, notebook, multiAgentChat, chatTranscript];

// src/ingest/sniff.ts
function sniffInputFormat(record) {
  if (!isObject(record)) return null;
  for (let i = 0; i < FORMATS.length; i++) if (FORMATS[i].sniff(record)) return FORMATS[i];
  return null;
}

// src/ingest/normalize.ts
function normalizeRecord(record, pool, mapped, at) {
  if (mapped !== void 0 && isObject(record) && mapped.sniff(record)) return mapped.normalize(record, pool, at);
  const format = sniffInputFormat(record);
  if (format !== null) return format.normalize(record, pool, at);
  if (isDataWrapper(record)) return unwrapData(record.data, pool, mapped, at);
  throw new RecordError(describeUnrecognized(record));
}
var WRAPPER_KEYS2 = /* @__PURE__ */ new Set(["data", "meta", "object", "has_more", "first_id", "last_id", "next", "cursor", "pagination"]);
function isDataWrapper(r) {
  if (!isObject(r) || !Array.isArray(r.data)) return false;
  for (const k in r) if (!WRAPPER_KEYS2.has(k)) return false;
  return true;
}
function unwrapData(list2, pool, mapped, at) {
  const out = { format: "mapped", spans: [] };
  let format = null;
  for (let i = 0; i < list2.length; i++) {
    let rec;
    try {
      rec = normalizeRecord(list2[i], pool, mapped, at);
    } catch (err) {
      if (err instanceof RecordError) throw new RecordError(`data[${i}]: ${err.message}`);
      throw err;
    }
    format ??= rec.format;
    for (const s of rec.spans) out.spans.push(s);
    if (rec.traceHints !== void 0) (out.traceHints ??= []).push(...rec.traceHints);
  }
  if (format === null) throw new RecordError("an empty {data: []} list");
  out.format = format;
  return out;
}
function describeUnrecognized(record) {
  if (record === null) return "unrecognized record: null";
  if (Array.isArray(record)) return `unrecognized record: an array of ${record.length} items (expected one object per record)`;
  if (!isObject(record)) return `unrecognized record: ${typeof record} (expected a JSON object)`;
  const keys = Object.keys(record);
  if (keys.length === 0) return "unrecognized record: empty object";
  const shown = keys.slice(0, 8).map((k) => k.length > 40 ? k.slice(0, 40) + "\u2026" : k);
  const hint = unrecognizedHint(record);
  return `unrecognized record: object with keys ${shown.join(", ")}${keys.length > 8 ? `, \u2026 (${keys.length} keys)` : ""}${hint ? `; ${hint}` : ""}`;
}

// src/ingest/agent-identity.ts
var FRAMEWORK_AGENT_SPAN = /^([A-Za-z_][\w]*)\.(?:run|arun|invoke|ainvoke|__call__)$/;
function frameworkAgentName(s) {
  if (s.kind !== "agent") return null;
  const m = FRAMEWORK_AGENT_SPAN.exec(s.name);
  return m === null ? null : m[1];
}
function ownAgent(s) {
  return s.agentName ?? s.hints?.agentName ?? frameworkAgentName(s);
}
function traceAgentFromSpans(spans, byId) {
  let best = null;
  let bestDepth = Infinity;
  for (const s of spans) {
    const name = frameworkAgentName(s);
    if (name === null) continue;
    const d = depthOf(s, byId);
    if (d < bestDepth) {
      best = name;
      bestDepth = d;
    }
  }
  return best;
}
function depthOf(s, byId) {
  let d = 0;
  let p = s.parentId === null ? void 0 : byId.get(s.parentId);
  while (p !== void 0 && d < 1e4) {
    d++;
    p = p.parentId === null ? void 0 : byId.get(p.parentId);
  }
  return d;
}
function assignSpanAgents(spans, byId, fallback) {
  const resolved = /* @__PURE__ */ new Map();
  const chain = [];
  for (const s of spans) {
    if (resolved.has(s)) continue;
    chain.length = 0;
    let cur = s;
    let found = null;
    let guard = 0;
    while (cur !== void 0 && guard++ <= spans.length) {
      const known = resolved.get(cur);
      if (known !== void 0) {
        found = known;
        break;
      }
      const own = ownAgent(cur);
      chain.push(cur);
      if (own !== null) {
        found = own;
        break;
      }
      cur = cur.parentId === null ? void 0 : byId.get(cur.parentId);
    }
    let name = found ?? fallback;
    for (let i = chain.length - 1; i >= 0; i--) {
      const own = ownAgent(chain[i]);
      if (own !== null) name = own;
      resolved.set(chain[i], name);
    }
  }
  for (const s of spans) {
    const name = resolved.get(s) ?? null;
    s.agentName = name ?? void 0;
  }
}

// src/ingest/assemble.ts
var CONFLICT_EXAMPLES = 20;
var TraceAssembler = class {
  groups = /* @__PURE__ */ new Map();
  count = 0;
  /** What finish() repaired, counted across all traces. */
  repairs = { identicalDuplicates: 0, duplicateSpanIds: 0, parentCycles: 0, examples: { identical: [], duplicate: [], cycle: [] } };
  /** Whole-run claims by trace id: where the first came from and its spans, to compare a second claim with. */
  claims = /* @__PURE__ */ new Map();
  /** Conflicting claims, counted; the first few kept with their sources. */
  conflicts = { count: 0, examples: [] };
  add(rec, file, at) {
    if (rec.wholeTrace === true) this.claim(rec, at !== void 0 ? formatSource(at) : file);
    const spans = rec.spans;
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i];
      this.group(s.traceId, file, rec.format).spans.push(s);
      this.count++;
    }
    if (rec.traceHints !== void 0) {
      for (const th of rec.traceHints) {
        const g = this.group(th.traceId, file, rec.format);
        (g.traceHints ??= []).push(th.hints);
      }
    }
  }
  /**
   * Registers a whole-run record's traces; a trace id another record already
   * claimed with different spans moves this record's run to `<id>~<n>`.
   */
  claim(rec, where2) {
    const ids = /* @__PURE__ */ new Set();
    for (const s of rec.spans) ids.add(s.traceId);
    for (const id of ids) {
      const mine = rec.spans.filter((s) => s.traceId === id);
      const first = this.claims.get(id);
      if (first === void 0) {
        this.claims.set(id, { where: where2, spans: mine });
        continue;
      }
      if (JSON.stringify(first.spans) === JSON.stringify(mine)) continue;
      let n = 2;
      while (this.claims.has(`${id}~${n}`) || this.groups.has(`${id}~${n}`)) n++;
      const keptAs = `${id}~${n}`;
      for (const s of mine) s.traceId = keptAs;
      if (rec.traceHints !== void 0) {
        for (const th of rec.traceHints) if (th.traceId === id) th.traceId = keptAs;
      }
      this.claims.set(keptAs, { where: where2, spans: mine });
      this.conflicts.count++;
      if (this.conflicts.examples.length < CONFLICT_EXAMPLES) this.conflicts.examples.push({ traceId: id, keptAs, sources: [first.where, where2] });
    }
  }
  /** Spans added so far (before de-duplication). */
  get spanCount() {
    return this.count;
  }
  get traceCount() {
    return this.groups.size;
  }
  finish() {
    const out = [];
    for (const [traceId, g] of this.groups) {
      if (g.spans.length === 0) continue;
      out.push(buildTrace(traceId, g, this.repairs));
    }
    this.groups.clear();
    this.claims.clear();
    this.count = 0;
    out.sort((a, b) => a.startTime - b.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
    return out;
  }
  group(traceId, file, format) {
    let g = this.groups.get(traceId);
    if (g === void 0) {
      g = { spans: [], file, format, traceHints: null };
      this.groups.set(traceId, g);
    }
    return g;
  }
};
var REPAIR_EXAMPLES = 5;
function note(repairs, kind, text) {
  const list2 = repairs.examples[kind];
  if (list2.length < REPAIR_EXAMPLES) list2.push(text);
}
function dedupe(traceId, spans, byId, repairs) {
  const out = [];
  for (const s of spans) {
    const first = byId.get(s.spanId);
    if (first === void 0) {
      byId.set(s.spanId, s);
      out.push(s);
      continue;
    }
    if (JSON.stringify(first) === JSON.stringify(s)) {
      repairs.identicalDuplicates++;
      note(repairs, "identical", `${traceId}/${s.spanId}`);
      continue;
    }
    const original = s.spanId;
    let n = 2;
    while (byId.has(`${original}~dup${n}`)) n++;
    s.spanId = `${original}~dup${n}`;
    s.attributes["halo.duplicate_span_id"] = original;
    byId.set(s.spanId, s);
    out.push(s);
    repairs.duplicateSpanIds++;
    note(repairs, "duplicate", `${traceId}/${original}: another span with this id kept as ${s.spanId}`);
  }
  return out;
}
function breakCycles(traceId, spans, byId, repairs) {
  const state = /* @__PURE__ */ new Map();
  const path = [];
  for (const s of spans) {
    if (state.has(s)) continue;
    path.length = 0;
    let cur = s;
    while (cur !== void 0 && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = cur.parentId === null ? void 0 : byId.get(cur.parentId);
    }
    if (cur !== void 0 && state.get(cur) === 1) {
      const cycle = path.slice(path.indexOf(cur));
      let cut = cycle[0];
      for (const c of cycle) if (c.startTime < cut.startTime || c.startTime === cut.startTime && c.spanId < cut.spanId) cut = c;
      cut.attributes["halo.parent_cycle"] = cut.parentId;
      cut.parentId = null;
      repairs.parentCycles++;
      note(repairs, "cycle", `${traceId}/${cut.spanId}: parent cycle of ${cycle.length} span${cycle.length === 1 ? "" : "s"} broken here`);
    }
    for (const p of path) state.set(p, 2);
  }
}
function buildTrace(traceId, g, repairs) {
  const byId = /* @__PURE__ */ new Map();
  for (const s of g.spans) byId.set(s.spanId, s);
  let spans = g.spans;
  if (byId.size !== g.spans.length) {
    byId.clear();
    spans = dedupe(traceId, g.spans, byId, repairs);
  }
  breakCycles(traceId, spans, byId, repairs);
  spans.sort((a, b) => a.startTime - b.startTime);
  let root2 = null;
  let orphan = null;
  let start = Infinity;
  let end = -Infinity;
  let anyError = false;
  let anyOk = false;
  for (const s of spans) {
    if (s.parentId === null) root2 ??= s;
    else if (!byId.has(s.parentId)) orphan ??= s;
    if (s.startTime < start) start = s.startTime;
    if (s.endTime > end) end = s.endTime;
    if (s.status === "error") anyError = true;
    else if (s.status === "ok") anyOk = true;
  }
  root2 ??= orphan ?? spans[0];
  let status = anyError ? "error" : anyOk ? "ok" : "unset";
  if (root2.status !== "unset") status = root2.status;
  const hints = liftHints(root2, g.traceHints, spans);
  hints.agentName ??= traceAgentFromSpans(spans, byId) ?? void 0;
  assignSpanAgents(spans, byId, hints.agentName ?? null);
  const { tokens, cost } = rollUp(spans, byId);
  return {
    traceId,
    spans,
    rootSpanId: root2.spanId,
    startTime: start,
    endTime: end,
    durationMs: Math.round((end - start) * 1e3) / 1e3,
    status,
    agentId: hints.agentId ?? null,
    agentName: hints.agentName ?? null,
    sessionId: hints.sessionId ?? null,
    userId: hints.userId ?? null,
    taskId: hints.taskId ?? null,
    trial: hints.trial ?? null,
    outcome: hints.outcome ?? null,
    tokens,
    costUsd: cost,
    service: hints.service ?? serviceOf(root2, spans),
    source: { file: g.file, format: g.format }
  };
}
function serviceOf(root2, spans) {
  const own = serviceAttr(root2);
  if (own !== null) return own;
  for (const s of spans) {
    const v = serviceAttr(s);
    if (v !== null) return v;
  }
  return null;
}
function serviceAttr(s) {
  const v = s.attributes["resource.service.name"] ?? s.attributes["service.name"];
  return typeof v === "string" && v !== "" ? v : null;
}
function mergeHints(into, h) {
  if (h === void 0) return;
  if (into.agentId === void 0 && h.agentId !== void 0) into.agentId = h.agentId;
  if (into.agentName === void 0 && h.agentName !== void 0) into.agentName = h.agentName;
  if (into.sessionId === void 0 && h.sessionId !== void 0) into.sessionId = h.sessionId;
  if (into.userId === void 0 && h.userId !== void 0) into.userId = h.userId;
  if (into.taskId === void 0 && h.taskId !== void 0) into.taskId = h.taskId;
  if (into.trial === void 0 && h.trial !== void 0) into.trial = h.trial;
  if (into.service === void 0 && h.service !== void 0) into.service = h.service;
  if (h.outcome !== void 0) {
    const o = into.outcome ??= {};
    if (o.success === void 0 && h.outcome.success !== void 0) o.success = h.outcome.success;
    if (o.reward === void 0 && h.outcome.reward !== void 0) o.reward = h.outcome.reward;
    if (o.label === void 0 && h.outcome.label !== void 0) o.label = h.outcome.label;
  }
}
function liftHints(root2, traceHints2, spans) {
  const h = {};
  mergeHints(h, root2.hints);
  if (traceHints2 !== null) for (const t2 of traceHints2) mergeHints(h, t2);
  for (const s of spans) if (s !== root2 && s.hints !== void 0) mergeHints(h, s.hints);
  return h;
}
function rollUp(spans, byId) {
  const tokAncestor = /* @__PURE__ */ new Set();
  const costAncestor = /* @__PURE__ */ new Set();
  for (const s of spans) {
    if (s.tokens !== null) markAncestors(s, byId, tokAncestor);
    if (s.costUsd !== null) markAncestors(s, byId, costAncestor);
  }
  const tokens = { input: 0, output: 0, total: 0 };
  let cost = 0;
  for (const s of spans) {
    if (s.tokens !== null && !tokAncestor.has(s)) {
      tokens.input += s.tokens.input;
      tokens.output += s.tokens.output;
      tokens.total += s.tokens.total;
    }
    if (s.costUsd !== null && !costAncestor.has(s)) cost += s.costUsd;
  }
  return { tokens, cost };
}
function markAncestors(s, byId, marked) {
  let p = s.parentId === null ? void 0 : byId.get(s.parentId);
  let guard = 0;
  while (p !== void 0 && guard++ < 1e4) {
    if (marked.has(p)) return;
    marked.add(p);
    p = p.parentId === null ? void 0 : byId.get(p.parentId);
  }
}

// src/errors.ts
var MARKER2 = /* @__PURE__ */ Symbol.for("halo.error");
var EXIT_CODES = { usage: 2, input: 2, provider: 1, internal: 3 };
var HaloError = class extends Error {
  constructor(kind, message3, options = {}) {
    super(message3, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.kind = kind;
    this.name = "HaloError";
    this.code = options.code ?? kind;
  }
  kind;
  [MARKER2] = true;
  code;
  /** The process exit code the CLI uses for this error. */
  get exitCode() {
    return EXIT_CODES[this.kind];
  }
  static isInstance(err) {
    return typeof err === "object" && err !== null && err[MARKER2] === true;
  }
};
var UsageError = class extends HaloError {
  constructor(message3, options) {
    super("usage", message3, options);
    this.name = "UsageError";
  }
};
var InputError = class extends HaloError {
  constructor(message3, options) {
    super("input", message3, options);
    this.name = "InputError";
  }
};

// src/duration.ts
var UNIT_MS = {
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 36e5,
  d: 864e5,
  w: 6048e5
};
var DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
var PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
var BARE = /^\d+(?:\.\d+)?$/;
var DURATION_HINT = "a number and a unit (ms, s, m, h, d, w), e.g. 90s, 30m, 24h, 7d, 1d12h";
function tryParseDuration(text, opts = {}) {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : void 0;
  const s = String(text).trim().toLowerCase();
  if (opts.bareUnit && BARE.test(s)) return Math.round(Number(s) * UNIT_MS[opts.bareUnit]);
  if (!DURATION.test(s)) return void 0;
  let ms = 0;
  for (const [, n, unit] of s.matchAll(PART)) ms += Number(n) * UNIT_MS[unit];
  return Math.round(ms);
}
function isDuration(text) {
  return tryParseDuration(text) !== void 0;
}

// src/ingest/window.ts
var WindowError = class extends UsageError {
  constructor(message3) {
    super(message3, { code: "window.invalid" });
    this.name = "WindowError";
  }
};
function parseDuration(text, what = "duration") {
  const ms = tryParseDuration(text);
  if (ms === void 0) throw new WindowError(`invalid ${what} "${text}": expected ${DURATION_HINT}`);
  if (!(ms > 0)) throw new WindowError(`invalid ${what} "${text}": must be longer than zero`);
  return ms;
}
var ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
var ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
function parseInstant(text, what = "time") {
  const s = String(text).trim();
  if (ISO.test(s)) {
    const t2 = Date.parse(ZONELESS.test(s) ? `${s.replace(" ", "T")}Z` : s.replace(" ", "T"));
    if (Number.isFinite(t2)) return t2;
  }
  throw new WindowError(
    `invalid ${what} "${text}": expected an ISO date (2025-01-31, 2025-01-31T12:00:00Z) or a relative duration (3d, 24h)`
  );
}
function resolveWindow(spec, anchors) {
  const { window, since, until } = spec;
  if (window !== void 0 && since !== void 0 && until !== void 0) {
    throw new WindowError("use at most two of --window, --since and --until");
  }
  const latest = until !== void 0 && until.trim().toLowerCase() === "latest";
  if (latest && anchors.latest === null) return { start: null, end: null };
  const base = latest ? anchors.latest + 1 : anchors.now;
  let end = null;
  if (until !== void 0 && !latest) {
    const u = until.trim().toLowerCase();
    end = u === "now" ? anchors.now : isDuration(u) ? anchors.now - parseDuration(u, "--until") : parseInstant(until, "--until");
  } else if (latest) {
    end = base;
  }
  let start = null;
  if (since !== void 0) {
    start = isDuration(since) ? base - parseDuration(since, "--since") : parseInstant(since, "--since");
  }
  if (window !== void 0) {
    const w = parseDuration(window, "--window");
    if (start !== null) end = start + w;
    else {
      if (end === null) end = anchors.now;
      start = end - w;
    }
  }
  if (start !== null && end !== null && start >= end) {
    throw new WindowError(
      `empty window: start ${iso(start)} is not before end ${iso(end)}`
    );
  }
  return { start, end };
}
function iso(ms) {
  return Math.abs(ms) <= 864e13 ? new Date(ms).toISOString() : `${ms} ms`;
}
function checkWindowSpec(spec, now = Date.now()) {
  resolveWindow(spec, { now, latest: now });
}
function inWindow(t2, w) {
  return (w.start === null || t2 >= w.start) && (w.end === null || t2 < w.end);
}

// src/ingest/field-mapping.ts
var MAPPABLE_FIELDS = {
  traceId: "trace id (groups spans into traces)",
  spanId: "span id",
  parentId: "parent span id (empty = root)",
  name: "span name",
  startTime: "start time (ISO, or epoch s/ms/\xB5s/ns)",
  endTime: "end time",
  durationMs: "duration in ms (when there is no end time)",
  status: 'status (ok/error/unset, OTel codes, or a boolean "failed")',
  statusMessage: "status or error message",
  kind: "span kind (llm, tool, agent, chain, ...)",
  model: "model name",
  input: "input",
  output: "output",
  toolName: "tool name",
  attributes: "an object of attributes"
};
var FieldMappingError = class extends UsageError {
  constructor(message3) {
    super(message3, { code: "fields.bad_mapping" });
    this.name = "FieldMappingError";
  }
};
function checkFieldMapping(m, where2 = "fields") {
  for (const [field, key] of Object.entries(m)) {
    checkField(field, `${where2}.${field}`);
    if (typeof key !== "string" || key === "") throw new FieldMappingError(`${where2}.${field}: the source key must be a non-empty string`);
  }
  return m;
}
function checkField(field, where2) {
  if (!Object.prototype.hasOwnProperty.call(MAPPABLE_FIELDS, field)) {
    throw new FieldMappingError(`${where2}: unknown canonical field "${field}"; one of ${Object.keys(MAPPABLE_FIELDS).join(", ")}`);
  }
}
function lookup(r, key) {
  if (key in r) return r[key];
  let cur = r;
  for (const part of key.split(".")) {
    if (!isObject(cur)) return void 0;
    cur = cur[part];
  }
  return cur;
}
function mappedFormat(mapping) {
  const entries = Object.entries(mapping);
  const sources = new Set(entries.map(([, k]) => k.split(".")[0]));
  return {
    name: "mapped",
    // A record is mapped when it holds any key the mapping names.
    sniff: (r) => {
      for (const k of sources) if (k in r) return true;
      return false;
    },
    normalize: (r) => ({ format: "mapped", spans: normalizeFlatSpan(toFlatSpan(r, mapping)) })
  };
}
function pick(r, mapping, field) {
  const k = mapping[field];
  if (k !== void 0) return lookup(r, k);
  if (field === "traceId" || field === "spanId" || field === "startTime") {
    for (const d of DEFAULT_KEYS[field]) if (r[d] !== void 0) return r[d];
  }
  return void 0;
}
function toFlatSpan(r, mapping) {
  const missing = [];
  for (const f of REQUIRED) {
    const v = pick(r, mapping, f);
    if (v === void 0 || v === null || v === "") missing.push(f);
  }
  if (missing.length > 0) throw new RecordError(`mapped record: ${describeMissing(r, missing)}`);
  const attrs = {};
  const own = pick(r, mapping, "attributes");
  if (isObject(own)) flattenInto(attrs, "", own);
  for (const k in r) if (k !== mapping.attributes) flattenInto(attrs, k, r[k]);
  const start = pick(r, mapping, "startTime");
  let end = pick(r, mapping, "endTime");
  if (end === void 0) {
    const d = pick(r, mapping, "durationMs");
    const ms = typeof d === "string" && d.startsWith("P") ? isoDurationMs(d) : num(d);
    const s = toMs(start);
    if (ms !== null && s !== null) end = s + ms;
  }
  const model = str(pick(r, mapping, "model"));
  if (model !== null) setKey(attrs, "llm.model_name", model);
  const input = pick(r, mapping, "input");
  if (input !== void 0) setKey(attrs, "input.value", typeof input === "string" ? input : JSON.stringify(input));
  const output = pick(r, mapping, "output");
  if (output !== void 0) setKey(attrs, "output.value", typeof output === "string" ? output : JSON.stringify(output));
  const tool = str(pick(r, mapping, "toolName"));
  if (tool !== null) setKey(attrs, "tool.name", tool);
  const kind = kindFromWord(pick(r, mapping, "kind"));
  if (kind !== null) setKey(attrs, "openinference.span.kind", kind.toUpperCase());
  const status = pick(r, mapping, "status");
  return {
    trace_id: pick(r, mapping, "traceId"),
    span_id: pick(r, mapping, "spanId"),
    parent_span_id: pick(r, mapping, "parentId") ?? null,
    name: pick(r, mapping, "name"),
    start_time: typeof start === "number" || typeof start === "string" ? start : String(start),
    end_time: end,
    status: { code: status === true ? "ERROR" : status === false ? "OK" : status, message: pick(r, mapping, "statusMessage") },
    attributes: attrs
  };
}

// src/ingest/signature.ts
var RULES = [
  [/https?:\/\/[^\s"'<>)]+/g, "<url>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\b/g, "<time>"],
  [/\b\d{4}-\d{2}-\d{2}\b/g, "<date>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  [/\b[0-9a-f]{12,}\b/gi, "<hex>"],
  // Absolute, or relative with at least two separators (tests/parser/a.ts), so
  // a path collapses whole instead of leaving its first segment behind.
  [/(?:\/|\b[\w.-]+\/)(?:[\w.-]+\/)+[\w.-]*/g, "<path>"],
  [/\b\d+(\.\d+)?\s?(ms|s|sec|seconds|m|min|minutes|h|hours)\b/gi, "<duration>"],
  [/\b[A-Za-z]+[_-]?\d[\w-]*\b/g, "<id>"],
  [/-?\b\d+(\.\d+)?\b/g, "<n>"],
  [/"[^"]{1,80}"/g, '"<s>"'],
  [/'[^']{1,80}'/g, "'<s>'"]
];
var SHELL_PREFIX = /^[^\n:]{1,80}?\s*:\s+((?:-c:\s+)?line \d+:)/;
function normalizeMessage(message3, maxLength = 160) {
  let s = (String(message3).trim().split("\n")[0] ?? "").replace(SHELL_PREFIX, "<shell>: $1");
  for (const [re, rep] of RULES) s = s.replace(re, rep);
  s = s.replace(/\s+/g, " ").trim();
  return s.length > maxLength ? s.slice(0, maxLength) : s;
}

// src/ingest/json-text.ts
var WIDE_ID = /d": ?-?\d{16}/;
function parseRecordText(text) {
  if (WIDE_ID.test(text)) return JSON.parse(rewrite(text, true, /NaN|Infinity/.test(text)), revive);
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    try {
      return JSON.parse(rewrite(text, false, true), revive);
    } catch {
      throw err;
    }
  }
}
var NON_FINITE = { "\0NaN": NaN, "\0Infinity": Infinity, "\0-Infinity": -Infinity };
function revive(_key, v) {
  if (typeof v === "string" && v.length > 3 && v.charCodeAt(0) === 0) {
    const n = NON_FINITE[v];
    if (n !== void 0) return n;
  }
  return v;
}
function rewrite(text, wideIds, nonFinite) {
  let out = "";
  let from = 0;
  let i = 0;
  const n = text.length;
  let lastKeyEndsWithId = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      let j = i;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 58) {
        const k1 = text.charCodeAt(i - 3) | 32;
        const k2 = text.charCodeAt(i - 2) | 32;
        lastKeyEndsWithId = i - start >= 4 && k1 === 105 && k2 === 100;
      }
      continue;
    }
    if (wideIds && (c === 45 || c >= 48 && c <= 57) && lastKeyEndsWithId) {
      let j = i + (c === 45 ? 1 : 0);
      while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const end = j;
      const next = text.charCodeAt(j);
      if (next !== 46 && next !== 101 && next !== 69 && !Number.isSafeInteger(Number(text.slice(i, end)))) {
        out += text.slice(from, i) + '"' + text.slice(i, end) + '"';
        from = end;
      }
      i = end;
      lastKeyEndsWithId = false;
      continue;
    }
    if (nonFinite && (c === 78 || c === 73 || c === 45)) {
      const word = text.startsWith("NaN", i) ? "NaN" : text.startsWith("Infinity", i) ? "Infinity" : text.startsWith("-Infinity", i) ? "-Infinity" : null;
      if (word !== null) {
        out += text.slice(from, i) + '"\\u0000' + word + '"';
        i += word.length;
        from = i;
        continue;
      }
    }
    if (c === 44 || c === 123 || c === 91) lastKeyEndsWithId = false;
    i++;
  }
  return from === 0 ? text : out + text.slice(from);
}
function isSpace(c) {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

// src/ingest/outcomes.ts
function joinOutcomes(traces2, table) {
  const byTrace = /* @__PURE__ */ new Map();
  const byTask = /* @__PURE__ */ new Map();
  for (const e of table.entries) {
    const map = e.kind === "trace" ? byTrace : byTask;
    const key = e.kind === "task" && e.trial !== void 0 ? `${e.key}\0${e.trial}` : e.key;
    if (!map.has(key)) map.set(key, e);
  }
  const used = /* @__PURE__ */ new Set();
  const result = { files: table.files, own: 0, joined: 0, unknown: 0, unmatched: 0 };
  for (const t2 of traces2) {
    const own = t2.outcome;
    if (own !== null && (own.success !== void 0 || own.reward !== void 0)) {
      result.own++;
      continue;
    }
    const e = byTrace.get(t2.traceId) ?? (t2.taskId !== null ? (t2.trial !== null ? byTask.get(`${t2.taskId}\0${t2.trial}`) : void 0) ?? byTask.get(t2.taskId) : void 0);
    if (e === void 0) {
      result.unknown++;
      continue;
    }
    used.add(e);
    t2.outcome = { ...e.outcome, ...own ?? {} };
    result.joined++;
  }
  for (const e of table.entries) if (!used.has(e)) result.unmatched++;
  return result;
}

// src/ingest/ingestor.ts
var REASON_KINDS = 200;
var DEFAULT_KEEP_BAD = 20;
var REASON_MAX = 600;
var EXCERPT_MAX = 200;
var IngestError = class extends InputError {
  constructor(record) {
    super(`${formatBadRecord(record)}`, { code: "ingest.bad_record" });
    this.record = record;
    this.name = "IngestError";
  }
  record;
};
function formatBadRecord(b) {
  const where2 = b.unit === "element" ? `${b.file}[${b.line}]` : b.line > 0 ? `${b.file}:${b.line}` : b.file;
  return `${where2}: ${b.reason}`;
}
function printable(text, max) {
  const cut = text.length > max ? `${text.slice(0, max)}\u2026 (${text.length} chars)` : text;
  return cut.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function createIngestor(opts = {}, sink) {
  const keepBad = opts.keepBad ?? DEFAULT_KEEP_BAD;
  const strict = opts.strict === true;
  const assembler = new TraceAssembler();
  const files = /* @__PURE__ */ new Map();
  const badExamples = [];
  const pool = new StringPool();
  const mapped = opts.fields !== void 0 && Object.keys(opts.fields).length > 0 ? mappedFormat(checkFieldMapping(opts.fields)) : void 0;
  let records = 0;
  let badCount = 0;
  const repairs = { invalidUtf8: 0, identicalDuplicates: 0, duplicateSpanIds: 0, parentCycles: 0, clampedTimes: 0, droppedSpans: 0 };
  function fileStats(file) {
    let f = files.get(file);
    if (!f) {
      f = { file, bytes: 0, records: 0, bad: 0, formats: {} };
      files.set(file, f);
    }
    return f;
  }
  const reasons = /* @__PURE__ */ new Map();
  function countReason(record) {
    let key = reasonKind(record.reason);
    if (!reasons.has(key) && reasons.size >= REASON_KINDS) key = "\0other";
    let r = reasons.get(key);
    if (r === void 0) reasons.set(key, r = { reason: key === "\0other" ? "other reasons" : record.reason, count: 0, where: [] });
    r.count++;
    if (r.where.length < 3) r.where.push(formatBadRecord({ ...record, reason: "" }).replace(/: $/, ""));
  }
  function bad(f, record) {
    if (strict) throw new IngestError(record);
    f.bad++;
    badCount++;
    countReason(record);
    if (badExamples.length < keepBad) badExamples.push(record);
  }
  function badLine(f, line, unit, reason, text) {
    const record = { file: f.file, line, reason: printable(reason, REASON_MAX) };
    if (unit === "element") record.unit = "element";
    if (text !== void 0) record.excerpt = JSON.parse(JSON.stringify(printable(text, EXCERPT_MAX)));
    bad(f, record);
  }
  const looseMessages = /* @__PURE__ */ new Map();
  function accept(f, line, unit, record, text) {
    let normalized;
    try {
      normalized = normalizeRecord(record, pool, mapped, { file: f.file, line, unit });
    } catch (err) {
      if (unit === "element" && err instanceof RecordError && isBareMessage(record)) {
        const loose = looseMessages.get(f);
        if (loose === void 0) looseMessages.set(f, { first: line, messages: [record] });
        else loose.messages.push(record);
        return;
      }
      const reason = err instanceof RecordError ? err.message : `could not normalize: ${err?.message ?? String(err)}`;
      badLine(f, line, unit, reason, text);
      return;
    }
    let dropped = null;
    let droppedN = 0;
    for (let i = 0; i < normalized.spans.length; i++) {
      const s = normalized.spans[i];
      if (!usableTime(s.startTime)) {
        droppedN++;
        dropped ??= `span ${s.spanId}: start time ${Number.isFinite(s.startTime) ? `${s.startTime} ms` : String(s.startTime)} is not a usable date (outside ${MIN_YEAR}\u2013${MAX_YEAR})`;
        normalized.spans.splice(i--, 1);
        continue;
      }
      if (!usableTime(s.endTime) || s.endTime < s.startTime) {
        s.endTime = s.startTime;
        s.durationMs = 0;
        s.attributes["halo.clamped"] = "endTime";
        repairs.clampedTimes++;
      }
      for (const e of s.events) if (e.time !== null && !usableTime(e.time)) e.time = null;
    }
    if (dropped !== null) {
      repairs.droppedSpans += droppedN;
      const rest = normalized.spans.length;
      badLine(f, line, unit, rest > 0 ? `${dropped}; ${droppedN} span${droppedN === 1 ? "" : "s"} dropped, the record's other ${rest} kept` : dropped, text);
      if (rest === 0 && (normalized.traceHints?.length ?? 0) === 0) return;
    }
    if (sink !== void 0) sink(normalized, f.file, { file: f.file, line, unit });
    else {
      if (normalized.format !== "otlp") for (const span of normalized.spans) shareStrings(span, pool);
      assembler.add(normalized, f.file, { file: f.file, line, unit });
    }
    f.records++;
    records++;
    f.formats[normalized.format] = (f.formats[normalized.format] ?? 0) + 1;
  }
  return {
    pushBatch(batch) {
      const f = fileStats(batch.file);
      const unit = batch.unit ?? "line";
      if (batch.bytes) f.bytes += batch.bytes;
      if (batch.warnings?.length) (f.warnings ??= []).push(...batch.warnings);
      if (batch.replacedUtf8) repairs.invalidUtf8 += batch.replacedUtf8;
      const early = batch.bad ? [...batch.bad].sort((a, b) => a.line - b.line) : [];
      let next = 0;
      forEachLine(batch.text, batch.firstLine, (line, lineNo) => {
        while (next < early.length && early[next].line <= lineNo) bad(f, early[next++]);
        if (isBlank(line)) return;
        let record;
        try {
          record = parseRecordText(line.charCodeAt(0) === 65279 ? line.slice(1) : line);
        } catch (err) {
          badLine(f, lineNo, unit, `invalid JSON: ${err.message}`, line);
          return;
        }
        accept(f, lineNo, unit, record, line);
      });
      while (next < early.length) bad(f, early[next++]);
    },
    pushRecord(file, line, record, unit = "line") {
      accept(fileStats(file), line, unit, record);
    },
    pushStored(record, file, at) {
      for (const span of record.spans) shareStrings(span, pool);
      assembler.add(record, file, at);
    },
    finish(spec = {}, now = Date.now(), stored) {
      for (const [f, loose] of looseMessages) {
        (f.warnings ??= []).push(`its ${loose.messages.length} elements are the chat messages of one conversation: read as one run`);
        accept(f, loose.first, "element", { messages: loose.messages });
      }
      looseMessages.clear();
      const all = assembler.finish();
      pool.clear();
      if (stored !== void 0 && "files" in stored) {
        for (const f of stored.files) files.set(f.file, { ...f });
        records = stored.records;
        badCount = stored.badRecords;
        badExamples.push(...stored.badExamples);
        for (const r of stored.badReasons) reasons.set(r.reason === "other reasons" ? "\0other" : reasonKind(r.reason), { ...r });
        Object.assign(repairs, stored.repairs);
      }
      const undated = new Set(all.filter(isUndated));
      const dated = undated.size === 0 ? all : all.filter((t2) => !undated.has(t2));
      const own = stored === void 0 || stored.complete === true;
      const outliers = own ? findTimeOutliers(dated) : /* @__PURE__ */ new Set();
      let latest = own ? null : stored.latest;
      if (own) {
        for (const t2 of dated) if (Number.isFinite(t2.startTime) && !outliers.has(t2) && (latest === null || t2.startTime > latest)) latest = t2.startTime;
      }
      const window = resolveWindow(spec, { now, latest });
      const open = window.start === null && window.end === null;
      const traces2 = open ? all : all.filter((t2) => undated.has(t2) || inWindow(t2.startTime, window));
      let spans = 0;
      for (const t2 of traces2) spans += t2.spans.length;
      const joined2 = opts.outcomes !== void 0 ? joinOutcomes(traces2, opts.outcomes) : void 0;
      for (const f of files.values()) {
        if (f.records === 0 && f.bad > 0) (f.warnings ??= []).push(unusableFileWarning(f.bad));
      }
      const a = assembler.repairs;
      repairs.identicalDuplicates = a.identicalDuplicates;
      repairs.duplicateSpanIds = a.duplicateSpanIds;
      repairs.parentCycles = a.parentCycles;
      const conflicts = assembler.conflicts;
      const notices = assemblyNotices(repairs, assembler);
      if (joined2 !== void 0) notices.push(outcomeNotice(joined2));
      if (undated.size > 0) {
        const ex = undated.values().next().value;
        notices.push(
          `${undated.size} run${undated.size === 1 ? " carries" : "s carry"} no timestamps (e.g. ${ex.traceId} in ${ex.source.file}): their times are placeholders (one second per message), ` + (open ? "so durations and dates say nothing about them" : "so the time window keeps them all")
        );
      }
      const described = describeTimeOutliers(
        !own ? stored.outliers : [...outliers].map((t2) => ({ traceId: t2.traceId, startTime: t2.startTime, file: t2.source.file })),
        !own ? stored.outlierCount : outliers.size,
        spec.until === "latest"
      );
      const timeOutliers = described?.timeOutliers;
      if (described) notices.push(described.notice);
      const stats = {
        files: [...files.values()],
        records,
        spans,
        badRecords: badCount,
        badExamples,
        badReasons: [...reasons.values()].sort((a2, b) => b.count - a2.count),
        repairs,
        ...timeOutliers ? { timeOutliers } : {},
        ...conflicts.count > 0 ? { identityConflicts: { count: conflicts.count, examples: conflicts.examples } } : {},
        ...joined2 !== void 0 ? { outcomes: joined2 } : {},
        ...undated.size > 0 ? { undated: { count: undated.size, examples: [...undated].slice(0, 5).map((t2) => ({ traceId: t2.traceId, file: t2.source.file })) } } : {},
        notices,
        outsideWindow: all.length - traces2.length + (own ? 0 : stored.outsideWindow),
        window
      };
      return { traces: traces2, stats };
    }
  };
}
function isBareMessage(r) {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return false;
  const m = r;
  return typeof m.role === "string" && "content" in m;
}
function isUndated(t2) {
  const root2 = t2.spans.find((s) => s.spanId === t2.rootSpanId);
  return root2 !== void 0 && root2.attributes["halo.synthetic_time"] === true;
}
function outcomeNotice(j) {
  const files = j.files.length === 1 ? j.files[0] : `${j.files.length} files`;
  let text = `outcomes: ${j.own} from the runs themselves, ${j.joined} joined from ${files}, ${j.unknown} unknown`;
  if (j.unmatched > 0) text += `; ${j.unmatched} ${j.unmatched === 1 ? "entry" : "entries"} of the outcomes matched no run in the window`;
  return text;
}
var MIN_YEAR = 1970;
var MAX_YEAR = 9999;
var MIN_TIME = Date.UTC(MIN_YEAR, 0, 1);
var MAX_TIME = Date.UTC(MAX_YEAR, 11, 31, 23, 59, 59, 999);
function usableTime(ms) {
  return ms >= MIN_TIME && ms <= MAX_TIME;
}
function reasonKind(reason) {
  return reason.startsWith("invalid JSON") ? "invalid JSON" : normalizeMessage(reason, 200);
}
function unusableFileWarning(bad) {
  return `none of its ${bad} record${bad === 1 ? "" : "s"} could be used; is it a supported trace format?`;
}
function describeTimeOutliers(list2, count, ignoredByLatest) {
  if (count === 0 || list2.length === 0) return null;
  const sorted = [...list2].sort((x, y) => y.startTime - x.startTime);
  const timeOutliers = {
    count,
    examples: sorted.slice(0, 5).map((t2) => ({ traceId: t2.traceId, startTime: new Date(t2.startTime).toISOString(), file: t2.file })),
    ignoredByLatest
  };
  const ex = timeOutliers.examples[0];
  const notice = `${count} trace${count === 1 ? "" : "s"} dated far outside the rest of the data (e.g. ${ex.traceId} at ${ex.startTime} in ${ex.file})` + (ignoredByLatest ? "; --until latest ignored them and anchors at the newest trace among the rest" : "");
  return { timeOutliers, notice };
}
function assemblyNotices(repairs, assembler) {
  const notices = repairNotices(repairs, assembler.repairs.examples);
  const conflicts = assembler.conflicts;
  if (conflicts.count > 0) {
    const ex = conflicts.examples[0];
    notices.push(
      `${conflicts.count} record${conflicts.count === 1 ? "" : "s"} claimed a trace id another record holds, with different content: each kept as its own trace (e.g. ${ex.traceId} in ${ex.sources[0]} and ${ex.sources[1]}; the later is ${ex.keptAs})`
    );
  }
  return notices;
}
function repairNotices(r, examples) {
  const out = [];
  const eg = (list2) => list2.length > 0 ? ` (e.g. ${list2[0]})` : "";
  if (r.invalidUtf8 > 0) out.push(`invalid UTF-8 replaced with U+FFFD in ${r.invalidUtf8} place${r.invalidUtf8 === 1 ? "" : "s"}; the records were kept`);
  if (r.identicalDuplicates > 0) out.push(`${r.identicalDuplicates} span${r.identicalDuplicates === 1 ? "" : "s"} repeated verbatim under one id, kept once${eg(examples.identical)}`);
  if (r.duplicateSpanIds > 0) out.push(`${r.duplicateSpanIds} span${r.duplicateSpanIds === 1 ? "" : "s"} shared an id with a different span and ${r.duplicateSpanIds === 1 ? "was" : "were"} kept as <id>~dup<n>${eg(examples.duplicate)}`);
  if (r.parentCycles > 0) out.push(`${r.parentCycles} parent cycle${r.parentCycles === 1 ? "" : "s"} broken (the earliest span of each made a root, attribute halo.parent_cycle)${eg(examples.cycle)}`);
  if (r.clampedTimes > 0) out.push(`${r.clampedTimes} unusable end time${r.clampedTimes === 1 ? "" : "s"} set to the span's start (attribute halo.clamped)`);
  return out;
}
function share(v, pool) {
  return typeof v === "string" ? pool.share(v) : v;
}
function shareStrings(span, pool) {
  const attrs = span.attributes;
  for (const k in attrs) {
    const v = attrs[k];
    if (typeof v === "string" && v.length >= SHARE_MIN) attrs[k] = pool.share(v);
  }
  span.input = share(span.input, pool);
  span.output = share(span.output, pool);
  if (span.messages) for (const m of span.messages) m.content = share(m.content, pool);
  if (span.tool) span.tool.result = share(span.tool.result, pool);
}
function isBlank(line) {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  if (c !== 32 && c !== 9 && c !== 13 && c !== 65279) return false;
  return line.trim().length === 0;
}

// src/ingest/elements.ts
var isSpace2 = (c) => c === 32 /* Space */ || c === 10 /* LF */ || c === 13 /* CR */ || c === 9 /* Tab */ || c === 65279;
var ElementSplitter = class {
  constructor(mode, sink) {
    this.mode = mode;
    this.sink = sink;
  }
  mode;
  sink;
  /** Nesting depth inside the current element (0 = between elements). */
  depth = 0;
  inString = false;
  escape = false;
  /** Inside the top-level array (array mode), between or within elements. */
  inArray = false;
  parts = [];
  inElement = false;
  newlines = false;
  brokenString = false;
  index = 0;
  trailing = false;
  /** Elements emitted (or reported bad) so far. */
  get count() {
    return this.index;
  }
  push(text) {
    const len = text.length;
    let start = this.inElement ? 0 : -1;
    let lf = -2;
    let cr = -2;
    for (let i = 0; i < len; i++) {
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          continue;
        }
        const q = text.indexOf('"', i);
        const end = q === -1 ? len : q;
        if (!this.brokenString) {
          if (lf !== -1 && lf < i) lf = text.indexOf("\n", i);
          if (cr !== -1 && cr < i) cr = text.indexOf("\r", i);
          if (lf !== -1 && lf < end || cr !== -1 && cr < end) this.brokenString = true;
        }
        let backslashes = 0;
        for (let k = end - 1; k >= i && text.charCodeAt(k) === 92 /* Backslash */; k--) backslashes++;
        if (q === -1) {
          this.escape = backslashes % 2 === 1;
          break;
        }
        if (backslashes % 2 === 0) this.inString = false;
        i = q;
        continue;
      }
      const c = text.charCodeAt(i);
      if (!this.inElement) {
        if (isSpace2(c)) continue;
        if (this.mode === "array" && !this.inArray) {
          if (c === 91 /* OpenBracket */) {
            this.inArray = true;
            continue;
          }
          if (!this.trailing) this.sink.warn(`unexpected text after the JSON array (after element ${this.index - 1}); ignored`);
          this.trailing = true;
          return;
        }
        if (this.mode === "array" && c === 93 /* CloseBracket */) {
          this.inArray = false;
          continue;
        }
        if (this.mode === "array" && c === 44 /* Comma */) {
          this.sink.bad(this.index++, "invalid JSON: empty array element");
          continue;
        }
        this.inElement = true;
        start = i;
      }
      switch (c) {
        case 34 /* Quote */:
          this.inString = true;
          break;
        case 123 /* OpenBrace */:
        case 91 /* OpenBracket */:
          this.depth++;
          break;
        case 125 /* CloseBrace */:
        case 93 /* CloseBracket */:
          if (this.depth > 0) {
            this.depth--;
            if (this.depth === 0 && this.mode === "values") {
              this.end(text, start, i + 1);
              start = -1;
            }
            break;
          }
          if (this.mode === "array" && c === 93 /* CloseBracket */) {
            this.end(text, start, i);
            start = -1;
            this.inArray = false;
          }
          break;
        case 44 /* Comma */:
          if (this.depth === 0 && this.mode === "array") {
            this.end(text, start, i);
            start = -1;
          }
          break;
        case 10 /* LF */:
        case 13 /* CR */:
          this.newlines = true;
          break;
        default:
          if (this.mode === "values" && this.depth === 0 && isSpace2(text.charCodeAt(i + 1))) {
            this.end(text, start, i + 1);
            start = -1;
          }
      }
    }
    if (this.inElement && start >= 0) this.parts.push(text.slice(start));
  }
  /** Call at the end of input: reports an element or array cut short. */
  finish() {
    if (this.inElement) {
      if (this.depth > 0 || this.inString) {
        this.sink.bad(this.index++, "invalid JSON: the document ends inside this element (truncated file?)");
        this.reset();
      } else {
        this.end("", 0, 0);
      }
    }
    if (this.mode === "array" && this.inArray) this.sink.warn("the JSON array is not closed (truncated file?)");
  }
  end(text, start, stop) {
    this.parts.push(text.slice(start, stop));
    let element = this.parts.length === 1 ? this.parts[0] : this.parts.join("");
    if (this.brokenString) this.sink.bad(this.index++, "invalid JSON: a line break inside a string");
    else {
      if (this.newlines) element = element.replace(/[\r\n]+/g, " ");
      element = element.trimEnd();
      if (element.length === 0) this.sink.bad(this.index++, "invalid JSON: empty array element");
      else this.sink.element(element, this.index++);
    }
    this.reset();
  }
  reset() {
    this.parts = [];
    this.inElement = false;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.newlines = false;
    this.brokenString = false;
  }
};

// src/ingest/utf16.ts
function detectUtf16(head) {
  if (head.length >= 2 && head[0] === 255 && head[1] === 254) return { encoding: "utf-16le", bom: 2 };
  if (head.length >= 2 && head[0] === 254 && head[1] === 255) return { encoding: "utf-16be", bom: 2 };
  if (head.length >= 4) {
    const json = (c) => c === 123 || c === 91 || c === 32 || c === 10 || c === 13 || c === 9;
    if (json(head[0]) && head[1] === 0 && head[3] === 0 && head[2] !== 0) return { encoding: "utf-16le", bom: 0 };
    if (head[0] === 0 && json(head[1]) && head[2] === 0 && head[3] !== 0) return { encoding: "utf-16be", bom: 0 };
  }
  return null;
}
async function* utf8Chunks(chunks, onDetected) {
  const r = await chunks.next();
  if (r.done) return;
  let first = r.value;
  while (first.length < 4) {
    const more = await chunks.next();
    if (more.done) break;
    first = Buffer.concat([first, more.value]);
  }
  const found = detectUtf16(first);
  if (found === null) {
    yield first;
    yield* chunks;
    return;
  }
  onDetected(found.encoding);
  const decoder = new TextDecoder(found.encoding);
  yield Buffer.from(decoder.decode(first.subarray(found.bom), { stream: true }), "utf8");
  for await (const chunk of chunks) yield Buffer.from(decoder.decode(chunk, { stream: true }), "utf8");
  const tail = decoder.decode();
  if (tail !== "") yield Buffer.from(tail, "utf8");
}

// src/ingest/reader.ts
var STDIN_NAME = "<stdin>";
var DEFAULT_BATCH = 8 * 1024 * 1024;
var DEFAULT_MAX_LINE = 256 * 1024 * 1024;
var TRACE_EXTENSIONS = ["jsonl", "ndjson", "json", "traj", "gz"];
var TEXT_LOG_EXTENSIONS = ["yaml", "yml", "log", "txt"];
var DOCUMENT_EXTENSIONS = /* @__PURE__ */ new Set([".json", ".traj"]);
var SNIFF_BYTES = 8192;
var NL = 10;
async function resolveInputs(inputs) {
  if (inputs.length === 0) throw new InputError("no input files given");
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  const add = (name, size) => {
    const key = realPath(name);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, path: name, size });
  };
  const addSkipped = (name, reason) => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, path: name, size: 0, skip: reason });
  };
  const addFound = (name) => {
    const st = statOrCode(name);
    if (typeof st === "string") addSkipped(name, unreadable(st));
    else add(name, st.size);
  };
  for (const input of inputs) {
    if (input === "-") {
      if (!seen.has(STDIN_NAME)) out.push({ name: STDIN_NAME, path: null, size: 0 });
      seen.add(STDIN_NAME);
      continue;
    }
    const st = statOrCode(input);
    if (typeof st !== "string" && st.isDirectory()) {
      const pattern = `**/*.{${TRACE_EXTENSIONS.join(",")}}`;
      const found = await glob(pattern, { cwd: input, onlyFiles: true, dot: false });
      const texts = await glob(`**/*.{${TEXT_LOG_EXTENSIONS.join(",")}}`, { cwd: input, onlyFiles: true, dot: false });
      const logs = texts.filter((rel) => startsAsRunLog(join(input, rel)));
      found.push(...logs);
      const listed = new Set(found);
      const hidden = unstatableEntries(input).filter((rel) => !listed.has(rel));
      if (found.length === 0 && hidden.length === 0) {
        const others = texts.length > 0 ? ` (its ${texts.length} .yaml, .yml, .log or .txt file${texts.length === 1 ? " is" : "s are"} no VCR cassette, ChatDev log or ReAct trial log)` : "";
        throw new InputError(`${input}: directory has no .jsonl, .ndjson, .json, .traj or .gz files, and no run logs${others}`);
      }
      for (const rel of [...found, ...hidden].sort()) addFound(join(input, rel));
    } else if (typeof st !== "string") {
      add(input, st.size);
    } else if (st !== "ENOENT" && st !== "ENOTDIR") {
      addSkipped(input, unreadable(st));
    } else if (isDynamicPattern(input)) {
      const found = await glob(input, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(input) });
      if (found.length === 0) throw new InputError(`${input}: no files match this pattern`);
      for (const name of found.sort()) addFound(name);
    } else {
      throw new InputError(`${input}: no such file or directory`);
    }
  }
  return out;
}
function startsAsRunLog(path) {
  let fd;
  try {
    fd = openSync(path, "r");
    const head = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, head, 0, SNIFF_BYTES, 0);
    return textLogKey(head.toString("utf8", 0, n)) !== null;
  } catch {
    return true;
  } finally {
    if (fd !== void 0) closeSync(fd);
  }
}
function statOrCode(path) {
  try {
    return statSync(path);
  } catch (err) {
    return err.code ?? "EIO";
  }
}
function unstatableEntries(dir) {
  const ext = new RegExp(`\\.(?:${TRACE_EXTENSIONS.join("|")})$`, "i");
  const out = [];
  const stack = [""];
  while (stack.length > 0) {
    const rel = stack.pop();
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const path = rel === "" ? e.name : join(rel, e.name);
      if (e.isDirectory()) stack.push(path);
      else if (e.isSymbolicLink() && ext.test(e.name) && typeof statOrCode(join(dir, path)) === "string") out.push(path);
    }
  }
  return out;
}
function realPath(path) {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
function unreadable(code) {
  switch (code) {
    case "ELOOP":
      return "symlink loop; skipped";
    case "EACCES":
    case "EPERM":
      return "permission denied; skipped";
    case "ENOENT":
      return "dangling symlink (its target does not exist); skipped";
    default:
      return `cannot be read (${code}); skipped`;
  }
}
async function* readInputs(inputs, opts = {}) {
  const files = await resolveInputs(inputs);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  let bytesRead = 0;
  for (const file of files) {
    const onBytes = (n) => {
      bytesRead += n;
      opts.onProgress?.({ bytesRead, bytesTotal, file: file.name });
    };
    if (file.skip !== void 0) {
      yield { file: file.name, firstLine: 1, text: "", bytes: 0, warnings: [file.skip] };
      continue;
    }
    try {
      yield* readFile(file, opts, onBytes);
    } catch (err) {
      if (!(err instanceof UnreadableFile)) throw err;
      yield { file: file.name, firstLine: 1, text: "", bytes: 0, warnings: [`cannot read: ${err.message}; skipped${err.afterBytes > 0 ? ` after ${err.afterBytes} bytes` : ""}`] };
    }
  }
}
var UnreadableFile = class extends Error {
  constructor(message3, afterBytes) {
    super(message3);
    this.afterBytes = afterBytes;
  }
  afterBytes;
};
async function* rawChunks(file, opts, onBytes) {
  const highWaterMark = Math.min(1 << 20, Math.max(1024, opts.batchBytes ?? DEFAULT_BATCH));
  const stream = file.path === null ? opts.stdin ?? process.stdin : createReadStream(file.path, { highWaterMark });
  let read = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      read += buf.length;
      onBytes(buf.length);
      yield buf;
    }
  } catch (err) {
    const e = err;
    throw new UnreadableFile(e.code === "EACCES" || e.code === "EPERM" ? "permission denied" : e.code === "EISDIR" ? "is a directory" : e.message, read);
  }
}
function isGzip(first) {
  return first.length >= 2 && first[0] === 31 && first[1] === 139;
}
var GzipBreak = class extends Error {
  constructor(what) {
    super(what);
    this.what = what;
  }
  what;
};
async function* contentChunks(file, opts, onBytes) {
  const rest = rawChunks(file, opts, onBytes);
  const r = await rest.next();
  if (r.done) return;
  const first = r.value;
  const raw = (async function* () {
    yield first;
    yield* rest;
  })();
  if (!isGzip(first)) {
    yield* raw;
    return;
  }
  const gunzip = createGunzip();
  const source = Readable.from(raw);
  source.on("error", (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const e = err;
    if (e.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(e.message)) throw new GzipBreak("truncated gzip: the file ends mid-stream");
    throw new GzipBreak("corrupt gzip data");
  }
}
function sniff2(name, head) {
  let i = head.length >= 3 && head[0] === 239 && head[1] === 187 && head[2] === 191 ? 3 : 0;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (i >= head.length) return { mode: "empty" };
  const c = head[i];
  if (c === 91 && textLogKey(head.toString("utf8", i, Math.min(head.length, i + SNIFF_BYTES))) !== null) return { mode: "text-log" };
  if (c === 91) return { mode: "array" };
  if (c === 123) return { mode: DOCUMENT_EXTENSIONS.has(extname(stripGz(name)).toLowerCase()) || prettyPrinted(head, i + 1) ? "values" : "lines" };
  const window = head.subarray(0, SNIFF_BYTES);
  const nul = window.indexOf(0);
  if (nul !== -1) return { mode: "binary", reason: `binary data (NUL byte at offset ${nul}), not JSON or JSONL; file skipped` };
  if (!isUtf8(window, true)) return { mode: "binary", reason: "binary data (not UTF-8 text), not JSON or JSONL; file skipped" };
  if (textLogKey(head.toString("utf8", i, Math.min(head.length, i + SNIFF_BYTES))) !== null) return { mode: "text-log" };
  return { mode: "lines" };
}
function prettyPrinted(head, at) {
  let i = at;
  while (i < head.length && (head[i] === 32 || head[i] === 9)) i++;
  return head[i] === 10 || head[i] === 13;
}
function stripGz(name) {
  return name.toLowerCase().endsWith(".gz") ? name.slice(0, -3) : name;
}
var fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
var lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: false });
function isUtf8(buf, partialEnd = false) {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf, { stream: partialEnd });
    return true;
  } catch {
    return false;
  }
}
async function* readFile(file, opts, onBytes) {
  let decodedFrom = null;
  const content = utf8Chunks(contentChunks(file, opts, onBytes), (encoding) => decodedFrom = encoding.toUpperCase());
  const head = [];
  let headBytes = 0;
  let ended = false;
  let truncated = null;
  try {
    while (headBytes < SNIFF_BYTES) {
      const r = await content.next();
      if (r.done) {
        ended = true;
        break;
      }
      head.push(r.value);
      headBytes += r.value.length;
      if (sniffable(r.value)) break;
    }
  } catch (err) {
    if (!(err instanceof GzipBreak)) throw err;
    truncated = err;
    ended = true;
  }
  const headBuf = Buffer.concat(head);
  const { mode, reason } = sniff2(file.name, headBuf);
  if (decodedFrom !== null) yield { file: file.name, firstLine: 1, text: "", bytes: 0, warnings: [`read as ${decodedFrom} text (decoded to UTF-8)`] };
  if (mode === "empty" && ended) {
    const batch = { file: file.name, firstLine: 1, text: "", bytes: headBuf.length, warnings: [headBuf.length === 0 ? "empty file" : "file holds only whitespace"] };
    if (truncated) batch.bad = [gzipRecord(truncated, file.name, 1, 0)];
    yield batch;
    return;
  }
  if (mode === "binary") {
    await content.return(void 0);
    yield { file: file.name, firstLine: 1, text: "", bytes: 0, bad: [{ file: file.name, line: 0, reason }] };
    return;
  }
  const all = (async function* () {
    yield headBuf;
    if (truncated) throw truncated;
    if (!ended) yield* content;
  })();
  if (mode === "array" || mode === "values") yield* readDocument(file.name, all, mode, opts);
  else if (mode === "text-log") yield* readTextLog(file.name, headBuf, all);
  else yield* readLines(file.name, all, opts);
}
async function* readTextLog(name, head, chunks) {
  const parts = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    bytes += chunk.length;
  }
  let text;
  try {
    text = fatalDecoder.decode(Buffer.concat(parts, bytes));
  } catch {
    yield { file: name, firstLine: 0, text: "", bytes, unit: "element", bad: [{ file: name, line: 0, unit: "element", reason: "run log is not valid UTF-8 text; file skipped" }] };
    return;
  }
  const key = textLogKey(head.toString("utf8"));
  yield { file: name, firstLine: 0, text: JSON.stringify({ [key]: text.replace(/^\ufeff/, "") }), bytes, unit: "element" };
}
function sniffable(chunk) {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 239 && c !== 187 && c !== 191) return true;
  }
  return false;
}
function gzipRecord(err, file, line, partialBytes) {
  const lost = partialBytes > 0 ? `the partial last line (${partialBytes} bytes) was dropped` : "no partial line was lost";
  return { file, line, reason: `${err.what}; every complete line before was read, ${lost}` };
}
async function* readLines(name, chunks, opts, firstLine = 1) {
  const batchBytes = opts.batchBytes ?? DEFAULT_BATCH;
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  let pending = [];
  let pendingBytes = 0;
  let pendingHasNewline = false;
  let lineNo = firstLine;
  let atStart = firstLine === 1;
  let skipping = -1;
  let skipLine = 0;
  const cut = (buf, final) => {
    if (buf.length === 0) return null;
    if (atStart) {
      atStart = false;
      if (buf.length >= 3 && buf[0] === 239 && buf[1] === 187 && buf[2] === 191) buf = buf.subarray(3);
    }
    const lines = countNewlines(buf) + (final && buf[buf.length - 1] !== NL ? 1 : 0);
    const batch2 = decodeLines(name, buf, lineNo);
    lineNo += lines;
    return batch2;
  };
  try {
    for await (let chunk of chunks) {
      if (skipping >= 0) {
        const nl = chunk.indexOf(NL);
        if (nl === -1) {
          skipping += chunk.length;
          continue;
        }
        skipping += nl;
        yield { file: name, firstLine: skipLine, text: "", bytes: skipping + 1, bad: [{ file: name, line: skipLine, reason: `line too long (${skipping} bytes, limit ${maxLine}); skipped` }] };
        lineNo = skipLine + 1;
        skipping = -1;
        chunk = chunk.subarray(nl + 1);
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!pendingHasNewline && chunk.lastIndexOf(NL) !== -1) pendingHasNewline = true;
      if (pendingBytes < batchBytes) continue;
      if (pendingHasNewline) {
        const buf = Buffer.concat(pending, pendingBytes);
        const last = buf.lastIndexOf(NL);
        const batch2 = cut(buf.subarray(0, last + 1), false);
        const rest = buf.subarray(last + 1);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        pendingHasNewline = false;
        if (batch2) yield batch2;
      } else if (pendingBytes > maxLine) {
        skipping = pendingBytes;
        skipLine = lineNo;
        pending = [];
        pendingBytes = 0;
      }
    }
  } catch (err) {
    if (!(err instanceof GzipBreak)) throw err;
    const buf = Buffer.concat(pending, pendingBytes);
    const last = buf.lastIndexOf(NL);
    const batch2 = cut(buf.subarray(0, last + 1), false);
    const partial = buf.length - (last + 1);
    const rec = gzipRecord(err, name, lineNo, partial);
    const warning = `${err.what} at line ${lineNo}; the rest of the file could not be read`;
    if (batch2) {
      batch2.bad = [...batch2.bad ?? [], rec];
      batch2.warnings = [...batch2.warnings ?? [], warning];
      yield batch2;
    } else yield { file: name, firstLine: lineNo, text: "", bytes: partial, bad: [rec], warnings: [warning] };
    return;
  }
  if (skipping >= 0) {
    yield { file: name, firstLine: skipLine, text: "", bytes: skipping, bad: [{ file: name, line: skipLine, reason: `line too long (${skipping} bytes, limit ${maxLine}); skipped` }] };
    return;
  }
  const batch = cut(Buffer.concat(pending, pendingBytes), true);
  if (batch) yield batch;
}
function countNewlines(buf) {
  let n = 0;
  let i = buf.indexOf(NL);
  while (i !== -1) {
    n++;
    i = buf.indexOf(NL, i + 1);
  }
  return n;
}
function decodeLines(name, buf, firstLine) {
  try {
    return { file: name, firstLine, text: fatalDecoder.decode(buf), bytes: buf.length };
  } catch {
    const parts = [];
    let start = 0;
    let lineNo = firstLine;
    let replaced = 0;
    let first = "";
    while (start < buf.length) {
      let end = buf.indexOf(NL, start);
      if (end === -1) end = buf.length;
      const line = buf.subarray(start, end);
      try {
        parts.push(fatalDecoder.decode(line));
      } catch {
        parts.push(lenientDecoder.decode(line));
        if (replaced++ === 0) first = `line ${lineNo}, byte ${firstInvalidUtf8(line)}`;
      }
      lineNo++;
      start = end + 1;
    }
    return {
      file: name,
      firstLine,
      text: parts.join("\n"),
      bytes: buf.length,
      replacedUtf8: replaced,
      warnings: [`invalid UTF-8 replaced with U+FFFD on ${replaced} line${replaced === 1 ? "" : "s"} (first: ${first}); the records were kept`]
    };
  }
}
function firstInvalidUtf8(buf) {
  let lo = 0;
  let hi = buf.length;
  while (hi - lo > 1) {
    const mid = lo + hi >>> 1;
    if (isUtf8(buf.subarray(0, mid), true)) lo = mid;
    else hi = mid;
  }
  return lo;
}
async function* readDocument(name, chunks, mode, opts) {
  const batchBytes = opts.batchBytes ?? DEFAULT_BATCH;
  let decoder = new TextDecoder("utf-8", { fatal: true });
  let lenient = false;
  let replaced = 0;
  let lines = [];
  let textBytes = 0;
  let firstIndex = 0;
  let bytes = 0;
  let bad = [];
  let warnings = [];
  const splitter = new ElementSplitter(mode, {
    element(text, index) {
      if (lines.length === 0) firstIndex = index;
      else if (index !== firstIndex + lines.length) lines.push(...Array(index - firstIndex - lines.length).fill(""));
      lines.push(text);
      textBytes += text.length;
    },
    bad(index, reason) {
      bad.push({ file: name, line: index, unit: "element", reason });
    },
    warn(message3) {
      warnings.push(message3);
    }
  });
  const full = () => textBytes >= batchBytes;
  const flush = () => {
    if (lines.length === 0 && bad.length === 0 && warnings.length === 0 && bytes === 0 && replaced === 0) return [];
    const out = [];
    let from = 0;
    while (from < lines.length || out.length === 0) {
      let to = from;
      let size = 0;
      while (to < lines.length && (to === from || size + lines[to].length <= batchBytes)) size += lines[to++].length;
      out.push({ file: name, firstLine: lines.length ? firstIndex + from : splitter.count, text: lines.slice(from, to).join("\n"), unit: "element" });
      from = to;
    }
    out[0].bytes = bytes;
    if (bad.length) out[0].bad = bad;
    if (warnings.length) out[0].warnings = warnings;
    if (replaced > 0) out[0].replacedUtf8 = replaced;
    replaced = 0;
    lines = [];
    textBytes = 0;
    bytes = 0;
    bad = [];
    warnings = [];
    return out;
  };
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      let text;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        if (!lenient) {
          lenient = true;
          decoder = new TextDecoder("utf-8");
          warnings.push(`invalid UTF-8 near element ${splitter.count} replaced with U+FFFD; the elements were kept`);
        }
        text = decoder.decode(chunk, { stream: true });
        for (let i = text.indexOf("\uFFFD"); i !== -1; i = text.indexOf("\uFFFD", i + 1)) replaced++;
      }
      splitter.push(text);
      if (full()) yield* flush();
    }
  } catch (err) {
    if (!(err instanceof GzipBreak)) throw err;
    const at = splitter.count;
    bad.push({ file: name, line: at, unit: "element", reason: `${err.what}; ${at} elements were read, the partial element after them was dropped` });
    warnings.push(`${err.what} after element ${at - 1}; the rest of the file could not be read`);
    yield* flush();
    return;
  }
  splitter.finish();
  yield* flush();
}
async function loadTraces(inputs, opts = {}) {
  checkWindowSpec(opts.window ?? {}, opts.now);
  const ingestor = createIngestor({ strict: opts.strict, keepBad: opts.keepBad, ...opts.fields ? { fields: opts.fields } : {}, ...opts.outcomes ? { outcomes: opts.outcomes } : {} });
  for await (const batch of readInputs(inputs, opts)) ingestor.pushBatch(batch);
  return ingestor.finish(opts.window ?? {}, opts.now ?? Date.now());
}

// .dbg/root.ts
var { traces } = await loadTraces(["tests/fixtures/real/moatless-swe-bench-lite/trajs"]);
var t = traces.find((x) => x.traceId.includes("14087"));
var root = t.spans.find((s) => s.parentId == null);
console.log(JSON.stringify({ status: root.status, error: root.error, statusMessage: root.statusMessage, outcome: t.outcome }, null, 1).slice(0, 1500));
