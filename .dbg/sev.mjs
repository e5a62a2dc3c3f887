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
function findTimeOutliers(traces) {
  const out = /* @__PURE__ */ new Set();
  if (traces.length < MIN_TRACES) return out;
  const starts = traces.map((t) => t.startTime).filter(Number.isFinite).sort((a, b) => a - b);
  if (starts.length < MIN_TRACES) return out;
  const q1 = starts[Math.floor((starts.length - 1) * 0.25)];
  const q3 = starts[Math.floor((starts.length - 1) * 0.75)];
  const fence = Math.max(IQR_FACTOR * (q3 - q1), MIN_FENCE);
  for (const t of traces) if (t.startTime < q1 - fence || t.startTime > q3 + fence) out.add(t);
  return out;
}

// src/ingest/lines.ts
var CR = 13;
function forEachLine(text, firstLine2, onLine) {
  const len = text.length;
  let lineNo = firstLine2;
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
  let t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  if (!TZ.test(v) && v.length > 10) {
    t = Date.parse(v + "Z");
    if (Number.isNaN(t)) return null;
  }
  return t;
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
  const t = Date.UTC(y, mo - 1, d, h, mi, se) + frac - offset;
  return Number.isFinite(t) ? t : null;
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
      const t = typeof part === "string" ? part : isObject(part) ? str(part.text) ?? str(part.content) ?? "" : "";
      if (t !== "") out = out === "" ? t : out + "\n" + t;
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
    const t = span.tool;
    if (t.arguments === null || t.arguments === void 0) {
      if (span.input !== null) {
        const p = parseArguments(span.input);
        t.arguments = p.value;
        if (p.invalid) t.argumentsInvalid = true;
      } else t.arguments = null;
    }
    if (t.result === null || t.result === void 0) t.result = span.output;
    unwrapFrameworkArguments(span, t);
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
  const toolName2 = str(v[12 /* ToolName */]);
  if (span.tool === null && (toolName2 !== null || v[13 /* ToolArgs */] !== void 0) && (span.kind === "tool" || span.kind === "other")) {
    const p = v[13 /* ToolArgs */] !== void 0 ? parseArguments(v[13 /* ToolArgs */]) : null;
    span.tool = { name: toolName2 ?? span.name, arguments: p === null ? null : p.value, result: v[14 /* ToolResult */] ?? null };
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
    const t = typeof value === "string" ? value : "";
    m.content = m.content === "" ? t : m.content + "\n" + t;
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
  const t = s.trim();
  const c = t.charCodeAt(0);
  if (c !== 123 && c !== 91) return void 0;
  try {
    return JSON.parse(t);
  } catch {
    return parsePythonLiteral(t);
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
    const t = v.trim();
    if (t === "" || t === "None" || t === "null" || t === "undefined") return null;
    return normalizeId(t);
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
  return ids.map((t, i) => ({
    traceId: t,
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
  const t = v.trimStart();
  if (!t.startsWith("{") && !t.startsWith("[") && !t.startsWith('"')) return v;
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
function traceHints(t) {
  const probe = newSpan("", "", "");
  if (isObject(t.metadata)) {
    const flat = {};
    flattenInto(flat, "", t.metadata);
    applyConventions(probe, flat, true);
  }
  setHint(probe, "sessionId", str(t.sessionId));
  setHint(probe, "userId", str(t.userId));
  return probe.hints ?? {};
}
function normalizeLangfuse(r) {
  if (isObject(r.trace) && Array.isArray(r.observations)) {
    const t = r.trace;
    return normalizeLangfuse({ ...t, metadata: decoded(t.metadata), observations: r.observations.map((o) => isObject(o) ? decodedObservation(o) : o) });
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
  const usable = turns.filter((t) => t !== null);
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
  const root = newSpan(traceId, rootId, spec.agentName ?? "agent");
  root.kind = "agent";
  root.status = "ok";
  root.startTime = Math.min(base, times[0]);
  root.endTime = Math.max(spec.end ?? -Infinity, times[turns.length - 1] + (synthetic ? STEP_MS : 0));
  const messages = [];
  const spans = [root];
  const results = /* @__PURE__ */ new Map();
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t === null || t === void 0) continue;
    messages.push(t.message);
    const id = t.message.role === "tool" ? t.message.toolCallId : void 0;
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
    const t = turns[i];
    if (t === null || t === void 0) continue;
    const m = t.message;
    const isAssistant = m.role === "assistant";
    if (isAssistant) {
      const llm = newSpan(traceId, `${traceId}:llm-${llmN++}`, "assistant turn");
      llm.parentId = rootId;
      llm.kind = "llm";
      llm.status = "ok";
      llm.model = t.model ?? spec.model;
      llm.startTime = synthetic || i === 0 ? times[i] : times[i - 1];
      llm.endTime = synthetic ? times[i] + LLM_MS : times[i];
      llm.output = m.content;
      llm.messages = t.context ? [...t.context, m] : [m];
      if (t.tokens) llm.tokens = t.tokens;
      if (t.cost !== void 0 && t.cost !== null) llm.costUsd = t.cost;
      if (t.attributes) Object.assign(llm.attributes, t.attributes);
      spans.push(finishSpan(llm));
    }
    const calls = m.toolCalls ?? [];
    for (let j = 0; j < calls.length; j++) {
      const c = calls[j];
      const at = c.id !== void 0 ? nextResult(results.get(c.id), i, joined2) : -1;
      const start = times[i] + (synthetic ? LLM_MS + j : 0);
      const result = at >= 0 ? turns[at] : null;
      const s = toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, c.name, c.arguments, t.rawArguments?.[j], result, start, at >= 0 ? times[at] : start, c.id);
      if (!isAssistant) s.attributes["tool.requestor"] = m.role;
      spans.push(s);
    }
  }
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t === null || t === void 0 || t.message.role !== "tool" || joined2.has(i)) continue;
    spans.push(toolSpan(traceId, rootId, `${traceId}:tool-${toolN++}`, t.message.name ?? "tool", null, void 0, t, times[i], times[i], t.message.toolCallId));
  }
  root.messages = messages;
  const firstUser = messages.find((m) => m.role === "user");
  let lastAssistant;
  for (let i = messages.length - 1; i >= 0 && lastAssistant === void 0; i--) if (messages[i].role === "assistant" && messages[i].content !== "") lastAssistant = messages[i];
  root.input = firstUser?.content ?? null;
  root.output = lastAssistant?.content ?? null;
  root.model = spec.model;
  const attrs = { "halo.synthetic_time": synthetic };
  if ((spec.invalid ?? 0) > 0) attrs["halo.invalid_messages"] = spec.invalid;
  Object.assign(attrs, spec.attributes);
  root.attributes = attrs;
  setHint(root, "taskId", spec.taskId ?? null);
  setHint(root, "trial", spec.trial ?? null);
  if (spec.outcome) setHint(root, "outcome", spec.outcome);
  setHint(root, "agentName", spec.agentName);
  if (spec.metadata !== void 0) applyConventions(root, spec.metadata, true);
  finishSpan(root);
  return spans;
}
function firstTime(turns) {
  for (const t of turns) if (t?.time !== void 0 && t.time !== null) return t.time;
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
function toolSpan(traceId, parentId, spanId, name, args, rawArgs, result, start, end, callId2) {
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
  if (callId2 !== void 0) s.attributes["tool_call.id"] = callId2;
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
  const t = (i) => base + i * STEP_MS2;
  const rootId = `${traceId}:run`;
  const root = newSpan(traceId, rootId, str(r.agent_name) ?? "group chat");
  root.kind = "agent";
  root.startTime = base;
  root.endTime = t(turns.length);
  const spans = [root];
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
    if (answerCalls(m, calls, t(i + 1))) continue;
    const content = contentText(m.content);
    const speaker = speakerOf(m) ?? str(m.role) ?? "unknown";
    const agent = agentOfSpeaker(speaker);
    const exit = EXIT_CODE.exec(content);
    const s = newSpan(traceId, `${traceId}:step-${i}`, speaker);
    s.parentId = rootId;
    s.startTime = t(i);
    s.endTime = t(i + 1);
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
        const firstLine2 = content.split("\n").find((l) => /error|exception|failed/i.test(l) && !EXIT_CODE.test(l)) ?? content.split("\n")[0];
        s.error = { type: code !== 0 ? `exit code ${code}` : null, message: firstLine2.trim().slice(0, 500) };
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
  root.input = question ?? spans[1].output;
  root.output = spans[spans.length - 1].output;
  const attrs = { "halo.synthetic_time": !(r.timestamp ?? r.created_at ?? r.start_time) };
  if (invalid > 0) attrs["halo.invalid_messages"] = invalid;
  for (const k in r) {
    if (k === "history" || k === "messages" || LABEL_KEYS.has(k)) continue;
    flattenInto(attrs, k, r[k]);
  }
  root.attributes = attrs;
  setHint(root, "taskId", taskId);
  setHint(root, "trial", num(r.trial));
  const outcome = outcomeFrom(r.is_correct ?? r.success, r.reward ?? r.score, r.label, r.outcome);
  if (outcome !== null) setHint(root, "outcome", outcome);
  setHint(root, "agentName", str(r.agent_name));
  if (turnErrors > 0) attrs["halo.failed_executions"] = turnErrors;
  finishSpan(root);
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
    invalid: turns.filter((t) => t === null).length,
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
  const tasks2 = /* @__PURE__ */ new Map();
  if (doc !== null && Array.isArray(doc.tasks)) {
    for (const t of doc.tasks) if (isObject(t) && str(t.id) !== null) tasks2.set(str(t.id), t);
  }
  return { domain: str(env.domain_name), agent: str(agent.implementation), model: str(agent.llm), userModel: str(user.llm), tasks: tasks2 };
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
    invalid: turns.filter((t) => t === null).length,
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
    invalid: turns.filter((t) => t === null).length,
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
    invalid: run.turns.filter((t) => t === null).length,
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
  const steps2 = r.trajectory;
  for (let i = 0; i < steps2.length; i++) {
    const s = steps2[i];
    if (!isObject(s)) {
      turns.push(null);
      continue;
    }
    const action2 = str(s.action)?.trim() ?? "";
    const call = { id: `step-${i}`, name: action2.split(/\s/, 1)[0] || "action", arguments: { command: action2 } };
    turns.push({ message: { role: "assistant", content: str(s.thought) ?? str(s.response) ?? "", ...action2 !== "" ? { toolCalls: [call] } : {} } });
    if (action2 !== "") {
      const t = num(s.execution_time);
      turns.push({ message: { role: "tool", content: str(s.observation) ?? "", toolCallId: call.id }, ...t !== null ? { attributes: { "tool.execution_time_s": t } } : {} });
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
    const action2 = str(e.action);
    const observation3 = str(e.observation);
    if (action2 !== null) {
      if (SKIP.has(action2)) continue;
      const args = isObject(e.args) ? e.args : {};
      const source = str(e.source) ?? (seenAgent ? "agent" : "user");
      if (action2 === "system") {
        if (Array.isArray(args.tools)) offered = { tools: args.tools };
        turns.push({ message: { role: "system", content: textOf(e, args) }, time });
        continue;
      }
      if (action2 === "message" && meta === null) {
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
      const call = { id, name: str(meta?.function_name) ?? action2, arguments: modelArguments(meta, id) ?? rest };
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
    if (observation3 === null || SKIP.has(observation3)) continue;
    let callId2 = str(meta?.tool_call_id) ?? (e.cause !== void 0 && e.cause !== null ? `event-${String(e.cause)}` : null);
    const at = callId2 !== null ? pending.indexOf(callId2) : -1;
    if (at >= 0) pending.splice(at, 1);
    else callId2 = pending.shift() ?? null;
    if (callId2 === null) continue;
    const extras = isObject(e.extras) ? e.extras : {};
    const exit = num(isObject(extras.metadata) ? extras.metadata.exit_code : void 0) ?? num(extras.exit_code);
    const turn = { message: { role: "tool", content: str(e.content) ?? str(e.message) ?? "", toolCallId: callId2 }, time };
    if (observation3 === "error" || exit !== null && exit !== 0 && exit !== -1) turn.failed = true;
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
    invalid: turns.filter((t) => t === null).length,
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
      const t = chatTurn(history[i]);
      const id = t?.message.toolCallId;
      if (t === null || t.message.role !== "tool" || id === void 0) continue;
      const c = calls.get(id);
      const s = newSpan(traceId, `${traceId}:tool-${id}`, c?.name ?? t.message.name ?? "tool");
      s.kind = "tool";
      s.startTime = s.endTime = llm.startTime;
      s.tool = { name: s.name, arguments: c !== void 0 ? parseArguments(c.arguments).value : null, result: t.message.content };
      s.output = t.message.content;
      s.status = /^\s*(error|exception|traceback)\b/i.test(t.message.content) ? "error" : "ok";
      if (s.status === "error") s.error = { type: null, message: t.message.content.trim().split("\n", 1)[0] };
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
    let root = spans[0];
    for (const s of spans) if (s.parentId === null && s.startTime < root.startTime) root = s;
    root.attributes["any_agent.final_output"] = r.final_output;
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
  const root = newSpan(traceId, rootId, "ChatDev");
  root.kind = "agent";
  root.agentName = "ChatDev";
  root.startTime = entries[0].time;
  root.endTime = entries[entries.length - 1].time;
  root.input = str(pre.task_prompt);
  const rootAttrs = { "chatdev.preprocessing": entries[0].body };
  for (const k in pre) rootAttrs[`chatdev.${k}`] = pre[k];
  if (preamble !== "") rootAttrs["chatdev.preamble"] = preamble;
  root.attributes = rootAttrs;
  setHint(root, "taskId", project);
  setHint(root, "agentName", "ChatDev");
  const spans = [root];
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
    const parent = phase ?? root;
    if (body === VISUALIZER_NOTICE) {
      notices++;
      continue;
    }
    let m;
    if (body.startsWith("System: **[chatting]**")) {
      const table = tableOf(body);
      const name2 = str(table.phase_name) ?? "phase";
      if (name2 !== "Reflection") while (open.length > 0) closePhase(e.time);
      const p = span(name2, e, open.length > 0 ? open[open.length - 1].span : root);
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
  while (open.length > 0) closePhase(root.endTime);
  for (const s of spans) finishSpan(s);
  if (notices > 0) rootAttrs["chatdev.visualizer_notices"] = notices;
  const post = spans.filter((s) => s.name === "Post Info").pop();
  root.output = post?.output ?? null;
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
      const count2 = h.counts[len];
      if (code - first < count2) return h.symbols[index + code - first];
      index += count2;
      first = first + count2 << 1;
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
    let lit2 = FIXED_LIT;
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
      lit2 = huffman(lengths.subarray(0, hlit));
      dist = huffman(lengths.subarray(hlit));
    }
    for (; ; ) {
      const sym = bits.decode(lit2);
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
  const t = s.replace(/=+$/, "");
  if (t.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor(t.length * 3 / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
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
      const t = l.trim();
      if (t.startsWith("#")) break;
      parts.push((blanks > 0 ? "\n".repeat(blanks) : " ") + t);
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
  return content.map((p) => isObject(p) ? str(p.text) ?? str(p.refusal) ?? "" : "").filter((t) => t !== "").join("\n");
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
  const message3 = { role: "assistant", content: msgs.map((m) => m.content).filter((t) => t !== "").join("\n") };
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
  let root = newSpan(traceId, rootId, "run");
  root.kind = "agent";
  const spans = [root];
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
  const callKey2 = /* @__PURE__ */ new Map();
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
    runs.push({ root, from: runs.length ? runs[runs.length - 1].to : 0, to: i, base, first, last });
    traceId = `${fileId}#${runs.length + 1}`;
    rootId = `${traceId}:run`;
    root = newSpan(traceId, rootId, "run");
    root.kind = "agent";
    spans.push(root);
    openCalls.clear();
    callsByName.clear();
    callKey2.clear();
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
        const id = span !== void 0 ? callKey2.get(span) : void 0;
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
      const t = open.span;
      t.tool.result = m.content;
      t.output = m.content;
      t.endTime = Math.max(t.endTime, i);
      if (ERROR_RESULT.test(m.content)) {
        const line = m.content.trim().split("\n", 1)[0];
        t.error = { type: null, message: line };
      } else t.status = "ok";
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
        const t = make(c.name, owner, i);
        t.kind = "tool";
        t.tool = { name: c.name, arguments: c.arguments, result: null };
        if (typeof c.arguments === "string" && parseArguments(c.arguments).invalid) t.tool.argumentsInvalid = true;
        t.input = c.arguments;
        if (agent !== null) t.agentName = agent;
        if (c.id !== void 0) {
          if (!c.id.startsWith(POSITIONAL_ID)) t.attributes["tool_call.id"] = c.id;
          callKey2.set(t, c.id);
          openCalls.set(c.id, { span: t, agent });
        }
        const byName = `${agent ?? ""}\0${c.name}`;
        callsByName.set(byName, [...callsByName.get(byName) ?? [], t]);
      }
    }
  }
  runs.push({ root, from: runs.length ? runs[runs.length - 1].to : 0, to: interactions.length, base, first, last });
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
function failureMessage(observation3) {
  const { error, response } = envelope(observation3);
  if (error === null || error === "") return observation3.trim().split("\n", 1)[0];
  const reply = response.trim().split("\n", 1)[0].slice(0, 500);
  return reply === "" ? error : `${error} ${reply}`;
}
function envelope(observation3) {
  const o = tryParseJson(observation3);
  if (isObject(o)) return { error: str(o.error), response: typeof o.response === "string" ? o.response : o.response != null ? JSON.stringify(o.response) : "" };
  const m = CUT_OBSERVATION.exec(observation3);
  if (m === null) return { error: null, response: "" };
  return { error: tryParseJson(`"${m[1]}"`) ?? m[1], response: m[2] ?? "" };
}
function failureOf(code, observation3) {
  const type = FAILURES.get(code);
  const { response } = envelope(observation3);
  if (type !== void 0) return code === 11 && carriesData(response) ? null : { type, message: failureMessage(observation3) };
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
  const action2 = node;
  const input = children(action2).find((c) => typeOf(c) === "Action Input") ?? null;
  return { thought, action: action2, input, end: input ?? action2 };
}
function treeTurns(root, offered, opening) {
  const turns = [];
  let lastEnd = root;
  let n = 0;
  const visit = (state, path) => {
    for (const first of children(state)) {
      const { thought, action: action2, input, end } = callChain(first);
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
      if (action2 !== null) {
        const args = input !== null ? input.description : void 0;
        calls.push({ id, name: str(action2.description) ?? "action", arguments: parseArguments(args).value });
        raw.push(args);
      }
      const reply = { role: "assistant", content: thought !== null ? str(thought.description) ?? "" : "", ...calls.length > 0 ? { toolCalls: calls } : {} };
      turns.push({ message: reply, rawArguments: raw, attributes, context: path });
      const below = [...path, reply];
      if (action2 !== null && input !== null) {
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
  visit(root, opening);
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
  const actions2 = list(h.actions);
  const observations = list(h.observations);
  const rewards = list(h.rewards);
  const valid = list(h.valid_action);
  const thoughts = list(h.thoughts);
  const steps2 = Array.isArray(h.steps) ? h.steps.map((s) => contentText(s)) : null;
  const turns = [];
  const query = str(run.query);
  if (query !== null) turns.push({ message: { role: "user", content: query } });
  if (steps2 !== null) turns.push({ message: { role: "assistant", content: steps2.map((s, i) => `${i + 1}. ${s}`).join("\n") }, attributes: { "intercode.role": "planner", "intercode.plan": steps2 } });
  for (let i = 0; i < actions2.length; i++) {
    const text = contentText(actions2[i]);
    const id = `action-${i}`;
    const wrapped = EXECUTE.exec(text);
    const submit = SUBMIT.exec(text);
    const answer = submit !== null ? submit[1] ?? submit[2] ?? "" : "";
    const call = submit !== null ? { id, name: "submit", arguments: answer !== "" ? { answer } : {} } : { id, name: "execute", arguments: { command: wrapped !== null ? wrapped[1] : text } };
    const attributes = {};
    if (steps2 !== null && steps2[i] !== void 0) attributes["intercode.step"] = steps2[i];
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
  const finishReasons2 = [];
  let open = null;
  const close = () => {
    if (open === null) return;
    if (open.source === "Summary" && open.type === null) {
      for (const l of open.lines) if (l.startsWith("Finish reason: ")) finishReasons2.push(l.slice("Finish reason: ".length).trim());
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
  return { messages, finishReasons: finishReasons2 };
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
var joined = (t) => Array.isArray(t) ? t.join("") : t ?? "";
function printed(cell) {
  if (cell.cell_type !== "code") return "";
  return (cell.outputs ?? []).filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => joined(o.text)).join("");
}
function modelInCode(cells) {
  const names = /* @__PURE__ */ new Set();
  for (const c of cells) if (c.cell_type === "code") for (const m of joined(c.source).matchAll(/\bmodel\s*=\s*["']([^"'\s]+)["']/g)) names.add(m[1]);
  return names.size === 1 ? [...names][0] : null;
}
function toolResult(id, observation3) {
  if (observation3 === null) return null;
  const content = observation3.trimEnd();
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
  return turns.filter((t) => t !== null);
}
function webshopTurns(run, traceId) {
  const turns = [];
  run.steps.forEach((s, i) => {
    const action2 = (s.action ?? "").trim();
    if (i === 0 && action2 === "reset") {
      turns.push({ message: { role: "user", content: (s.observation ?? "").trim() } });
      return;
    }
    const think = /^think\[([\s\S]*?)\]?$/.exec(action2);
    if (think !== null) {
      turns.push({ message: { role: "assistant", content: think[1] } });
      return;
    }
    const id = `${traceId}:step-${i}`;
    const a = parseAction(action2, WEBSHOP_ARGUMENTS);
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
var FORMATS = [chatDev, reactTrials, vcrCassette, goStdoutTrace, anyAgentTrace, spanTree, clickhouseRow, phoenix, flatSpan, otlp, openaiAgents, langsmith, langfuse, tau2, agentDojo, sweAgent, miniSweAgent, openHands, toolBench, interCode, notebook, multiAgentChat, chatTranscript];

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
function agentOf2(t) {
  for (const v of [t.agentName, t.agentId, t.service]) if (typeof v === "string" && v !== "") return v;
  return "unknown";
}
var AGENT_EXPR = '([t.agentName, t.agentId, t.service].find((v) => typeof v === "string" && v !== "") ?? "unknown")';

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
  let root = null;
  let orphan = null;
  let start = Infinity;
  let end = -Infinity;
  let anyError = false;
  let anyOk = false;
  for (const s of spans) {
    if (s.parentId === null) root ??= s;
    else if (!byId.has(s.parentId)) orphan ??= s;
    if (s.startTime < start) start = s.startTime;
    if (s.endTime > end) end = s.endTime;
    if (s.status === "error") anyError = true;
    else if (s.status === "ok") anyOk = true;
  }
  root ??= orphan ?? spans[0];
  let status = anyError ? "error" : anyOk ? "ok" : "unset";
  if (root.status !== "unset") status = root.status;
  const hints = liftHints(root, g.traceHints, spans);
  hints.agentName ??= traceAgentFromSpans(spans, byId) ?? void 0;
  assignSpanAgents(spans, byId, hints.agentName ?? null);
  const { tokens, cost } = rollUp(spans, byId);
  return {
    traceId,
    spans,
    rootSpanId: root.spanId,
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
    service: hints.service ?? serviceOf(root, spans),
    source: { file: g.file, format: g.format }
  };
}
function serviceOf(root, spans) {
  const own = serviceAttr(root);
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
function liftHints(root, traceHints2, spans) {
  const h = {};
  mergeHints(h, root.hints);
  if (traceHints2 !== null) for (const t of traceHints2) mergeHints(h, t);
  for (const s of spans) if (s !== root && s.hints !== void 0) mergeHints(h, s.hints);
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
    const t = Date.parse(ZONELESS.test(s) ? `${s.replace(" ", "T")}Z` : s.replace(" ", "T"));
    if (Number.isFinite(t)) return t;
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
function inWindow(t, w) {
  return (w.start === null || t >= w.start) && (w.end === null || t < w.end);
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
function joinOutcomes(traces, table) {
  const byTrace = /* @__PURE__ */ new Map();
  const byTask = /* @__PURE__ */ new Map();
  for (const e of table.entries) {
    const map = e.kind === "trace" ? byTrace : byTask;
    const key = e.kind === "task" && e.trial !== void 0 ? `${e.key}\0${e.trial}` : e.key;
    if (!map.has(key)) map.set(key, e);
  }
  const used = /* @__PURE__ */ new Set();
  const result = { files: table.files, own: 0, joined: 0, unknown: 0, unmatched: 0 };
  for (const t of traces) {
    const own = t.outcome;
    if (own !== null && (own.success !== void 0 || own.reward !== void 0)) {
      result.own++;
      continue;
    }
    const e = byTrace.get(t.traceId) ?? (t.taskId !== null ? (t.trial !== null ? byTask.get(`${t.taskId}\0${t.trial}`) : void 0) ?? byTask.get(t.taskId) : void 0);
    if (e === void 0) {
      result.unknown++;
      continue;
    }
    used.add(e);
    t.outcome = { ...e.outcome, ...own ?? {} };
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
      const dated = undated.size === 0 ? all : all.filter((t) => !undated.has(t));
      const own = stored === void 0 || stored.complete === true;
      const outliers2 = own ? findTimeOutliers(dated) : /* @__PURE__ */ new Set();
      let latest = own ? null : stored.latest;
      if (own) {
        for (const t of dated) if (Number.isFinite(t.startTime) && !outliers2.has(t) && (latest === null || t.startTime > latest)) latest = t.startTime;
      }
      const window = resolveWindow(spec, { now, latest });
      const open = window.start === null && window.end === null;
      const traces = open ? all : all.filter((t) => undated.has(t) || inWindow(t.startTime, window));
      let spans = 0;
      for (const t of traces) spans += t.spans.length;
      const joined2 = opts.outcomes !== void 0 ? joinOutcomes(traces, opts.outcomes) : void 0;
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
        !own ? stored.outliers : [...outliers2].map((t) => ({ traceId: t.traceId, startTime: t.startTime, file: t.source.file })),
        !own ? stored.outlierCount : outliers2.size,
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
        ...undated.size > 0 ? { undated: { count: undated.size, examples: [...undated].slice(0, 5).map((t) => ({ traceId: t.traceId, file: t.source.file })) } } : {},
        notices,
        outsideWindow: all.length - traces.length + (own ? 0 : stored.outsideWindow),
        window
      };
      return { traces, stats };
    }
  };
}
function isBareMessage(r) {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return false;
  const m = r;
  return typeof m.role === "string" && "content" in m;
}
function isUndated(t) {
  const root = t.spans.find((s) => s.spanId === t.rootSpanId);
  return root !== void 0 && root.attributes["halo.synthetic_time"] === true;
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
function describeTimeOutliers(list2, count2, ignoredByLatest) {
  if (count2 === 0 || list2.length === 0) return null;
  const sorted = [...list2].sort((x, y) => y.startTime - x.startTime);
  const timeOutliers = {
    count: count2,
    examples: sorted.slice(0, 5).map((t) => ({ traceId: t.traceId, startTime: new Date(t.startTime).toISOString(), file: t.file })),
    ignoredByLatest
  };
  const ex = timeOutliers.examples[0];
  const notice = `${count2} trace${count2 === 1 ? "" : "s"} dated far outside the rest of the data (e.g. ${ex.traceId} at ${ex.startTime} in ${ex.file})` + (ignoredByLatest ? "; --until latest ignored them and anchors at the newest trace among the rest" : "");
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
async function* readLines(name, chunks, opts, firstLine2 = 1) {
  const batchBytes = opts.batchBytes ?? DEFAULT_BATCH;
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  let pending = [];
  let pendingBytes = 0;
  let pendingHasNewline = false;
  let lineNo = firstLine2;
  let atStart = firstLine2 === 1;
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
function decodeLines(name, buf, firstLine2) {
  try {
    return { file: name, firstLine: firstLine2, text: fatalDecoder.decode(buf), bytes: buf.length };
  } catch {
    const parts = [];
    let start = 0;
    let lineNo = firstLine2;
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
      firstLine: firstLine2,
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

// sandbox/detectors/finding.ts
var MAX_EVIDENCE = 20;
var ANECDOTE_TOTAL = 10;
function minPatternTraces(total, least = 2) {
  return Math.min(3, Math.max(total > 1 ? least : 1, Math.ceil(total / 100)));
}
var MAX_PREDICATE = 4e3;
function buildFinding(d) {
  const traceIds = [...new Set(d.traceIds)];
  const severity = d.severity === "high" && traceIds.length === 1 && d.total >= ANECDOTE_TOTAL ? "medium" : d.severity;
  const finding2 = {
    title: clamp(d.title, 200),
    category: d.category,
    severity,
    summary: clamp(d.summary, 4e3),
    rootCause: { statement: clamp(d.rootCause, 2e3), confidence: d.confirmed ? "confirmed" : "hypothesis" },
    fix: { summary: clamp(d.fix, 2e3), kind: d.fixKind },
    evidence: pickEvidence(d.citations, d.maxEvidence ?? MAX_EVIDENCE).map(clean),
    prevalence: { traces: traceIds.length, total: d.total, share: d.total ? Math.min(1, traceIds.length / d.total) : 0 },
    key: { component: clamp(d.component, 200), signature: clamp(d.signature, 300) },
    monitor: clamp(d.monitor, 1e3),
    source: `detector:${d.detector}`,
    data: { ...d.data, traceIds }
  };
  if (d.predicate && d.predicate.length <= MAX_PREDICATE) finding2.predicate = d.predicate;
  return finding2;
}
function pickEvidence(citations, max) {
  const seen = /* @__PURE__ */ new Set();
  const first = [];
  const rest = [];
  for (const c of citations) {
    if (seen.has(c.traceId)) rest.push(c);
    else {
      seen.add(c.traceId);
      first.push(c);
    }
    if (first.length >= max) break;
  }
  return first.concat(rest).slice(0, max);
}
function clean(c) {
  const out = { traceId: c.traceId };
  if (c.spanId) out.spanId = c.spanId;
  if (c.excerpt) out.excerpt = c.excerpt.slice(0, 2e3);
  if (c.note) out.note = clamp(c.note, 500);
  return out;
}
function clamp(s, max) {
  return s.length > max ? `${s.slice(0, max - 1)}\u2026` : s;
}
function shareText(n, total) {
  const pct2 = total ? 100 * n / total : 0;
  return `${thousands(n)} of ${thousands(total)} traces (${pct2 < 1 && pct2 > 0 ? pct2.toFixed(2) : pct2.toFixed(1)}%)`;
}
function lit(value) {
  return JSON.stringify(value);
}
function thousands(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
function count(n, singular, plural = `${singular}s`) {
  return `${n} ${n === 1 ? singular : plural}`;
}

// sandbox/detectors/tool-declarations.ts
var LIST_KEYS = /* @__PURE__ */ new Set(["gen_ai.request.tools", "gen_ai.tool.definitions", "tools", "llm.tools", "request.tools", "ai.prompt.tools"]);
var FLAT = /^(gen_ai\.request\.tools|gen_ai\.tool\.definitions|tools|llm\.tools|request\.tools)\.(\d+)\.(.+)$/;
function declaredTools(span) {
  const out = [];
  const attrs = span.attributes ?? {};
  for (let i = 0; ; i++) {
    const v = attrs[oiToolKey(i)];
    if (v === void 0) break;
    if (typeof v === "string") collectString(v, out);
    else collect(v, out);
  }
  for (const key of LIST_KEYS) {
    const v = attrs[key];
    if (typeof v === "string") collectString(v, out);
    else if (v !== void 0) collect(v, out);
  }
  const params = attrs["llm.invocation_parameters"];
  if (params !== void 0) {
    const p = parseMaybe(params);
    if (p && typeof p === "object") collect(p.tools, out);
  }
  const input = span.input;
  if (input && typeof input === "object" && !Array.isArray(input)) collect(input.tools, out);
  if (out.length === 0) collectFlattened(attrs, out);
  return out;
}
var OI_TOOL_KEYS = [];
function oiToolKey(i) {
  return OI_TOOL_KEYS[i] ??= `llm.tools.${i}.tool.json_schema`;
}
var fromString = /* @__PURE__ */ new Map();
var MAX_CACHED = 1e4;
function collectString(value, out) {
  let decls = fromString.get(value);
  if (!decls) {
    decls = [];
    collect(value, decls);
    if (fromString.size >= MAX_CACHED) fromString.clear();
    fromString.set(value, decls);
  }
  for (const d of decls) out.push(d);
}
function collectFlattened(attrs, out) {
  let flat = null;
  for (const key in attrs) {
    const c = key.charCodeAt(0);
    if (c !== 108 && c !== 103 && c !== 116 && c !== 114) continue;
    const m = FLAT.exec(key);
    if (!m) continue;
    const id = `${m[1]}.${m[2]}`;
    flat ??= /* @__PURE__ */ new Map();
    let obj = flat.get(id);
    if (!obj) flat.set(id, obj = {});
    setPath(obj, m[3].split("."), attrs[key]);
  }
  if (flat) for (const obj of flat.values()) collect(obj, out);
}
function collect(value, out) {
  const v = parseMaybe(value);
  if (Array.isArray(v)) {
    for (const item of v) collect(item, out);
    return;
  }
  if (!v || typeof v !== "object") return;
  const d = v;
  if (d.tool && typeof d.tool === "object" && "json_schema" in d.tool) return collect(d.tool.json_schema, out);
  if ("json_schema" in d && !("name" in d)) return collect(d.json_schema, out);
  const fn = d.function && typeof d.function === "object" ? d.function : d;
  const name = typeof fn.name === "string" ? fn.name : typeof d.type === "string" && d.type !== "function" && Object.keys(d).length <= 3 ? d.type : null;
  if (name) {
    const schema = parseMaybe(fn.parameters ?? fn.input_schema ?? fn.inputSchema ?? d.parameters ?? null);
    out.push({ name, schema: schema && typeof schema === "object" && !Array.isArray(schema) ? schema : null });
    return;
  }
  const keys = Object.keys(d);
  if (keys.length && keys.every((k) => /^\d+$/.test(k))) for (const k of keys) collect(d[k], out);
}
function parseMaybe(value) {
  if (typeof value !== "string") return value;
  const s = value.trim();
  if (!(s.startsWith("{") || s.startsWith("["))) return value;
  try {
    return JSON.parse(s);
  } catch {
    return value;
  }
}
function setPath(obj, path, value) {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const next = cur[k];
    if (next && typeof next === "object") cur = next;
    else cur = cur[k] = {};
  }
  cur[path[path.length - 1]] = value;
}

// sandbox/detectors/trace-index.ts
var cache = /* @__PURE__ */ new WeakMap();
var declaredCache = /* @__PURE__ */ new WeakMap();
function declaredInTrace(trace) {
  let declared = declaredCache.get(trace);
  if (declared) return declared;
  declared = /* @__PURE__ */ new Map();
  for (const s of trace.spans) {
    if (s.kind === "llm" || s.kind === "agent" || s.kind === "chain") {
      for (const d of declaredTools(s)) if (!declared.has(d.name)) declared.set(d.name, d);
    }
  }
  declaredCache.set(trace, declared);
  return declared;
}
function indexTrace(trace) {
  let ix = cache.get(trace);
  if (ix) return ix;
  const steps2 = [];
  let root;
  for (const s of trace.spans) {
    if (s.spanId === trace.rootSpanId) root = s;
    if (isToolSpan(s) && !othersCall(s) || s.kind === "llm") steps2.push(s);
  }
  steps2.sort((a, b) => a.startTime - b.startTime);
  ix = { steps: steps2, tools: steps2.filter(isToolSpan), root: root ?? trace.spans.find((s) => s.parentId == null) };
  cache.set(trace, ix);
  return ix;
}
function isToolSpan(s) {
  return s.kind === "tool" || s.tool != null;
}
function othersCall(s) {
  const r = s.attributes?.["tool.requestor"];
  return typeof r === "string" && r !== "assistant";
}
function othersCallsBetween(trace, from, to) {
  return trace.spans.filter((s) => isToolSpan(s) && othersCall(s) && s.startTime > from && s.startTime <= to);
}
var OTHERS_CALL_EXPR = `(s.attributes != null && typeof s.attributes["tool.requestor"] === "string" && s.attributes["tool.requestor"] !== "assistant")`;
function toolName(s) {
  const n = s.tool?.name;
  return typeof n === "string" && n || (typeof s.name === "string" ? s.name : "");
}
var STATUS_FORMATS = /* @__PURE__ */ new Set(["otlp", "flat-span", "clickhouse-row", "span-tree", "phoenix", "langfuse", "langsmith", "openai-agents"]);
function recordsStatus(t) {
  const f = t.source?.format;
  return typeof f !== "string" || STATUS_FORMATS.has(f);
}
function isErrorSpan(s) {
  return s.status === "error" || s.error != null;
}
function errorMessage(s) {
  const m = s.error?.message;
  return typeof m === "string" && m || (typeof s.statusMessage === "string" ? s.statusMessage : "");
}
function callKey(s) {
  const args = s.tool?.arguments;
  let a;
  try {
    a = typeof args === "string" ? args : JSON.stringify(args) ?? "";
  } catch {
    a = "";
  }
  return `${toolName(s)}\0${a}`;
}
function groupBy(items, key) {
  const m = /* @__PURE__ */ new Map();
  for (const it of items) {
    const k = key(it);
    const list2 = m.get(k);
    if (list2) list2.push(it);
    else m.set(k, [it]);
  }
  return m;
}
function agentLabel(agent) {
  return agent === "unknown" ? "Agent" : agent;
}
function agentPhrase(agent) {
  return agent === "unknown" ? "the agent" : `agent ${agent}`;
}

// sandbox/detectors/two-step.ts
function summaryOf(t) {
  const rest = {};
  for (const k of Object.keys(t)) if (k !== "spans") rest[k] = t[k];
  return { ...rest, agent: agentOf2(t) };
}
function oneShot(steps2) {
  return (traces, opts = {}) => steps2.global(traces.map((t) => ({ run: summaryOf(t), obs: steps2.perRun(t, opts) })), opts);
}
function runsByAgent(runs) {
  const m = /* @__PURE__ */ new Map();
  for (const r of runs) {
    const list2 = m.get(r.run.agent);
    if (list2) list2.push(r);
    else m.set(r.run.agent, [r]);
  }
  return m;
}

// sandbox/detectors/owner.ts
var cache2 = /* @__PURE__ */ new WeakMap();
function emittersOf(t) {
  let e = cache2.get(t);
  if (e) return e;
  const byAgent = /* @__PURE__ */ new Map();
  for (const s of indexTrace(t).steps) {
    if (s.kind !== "llm") continue;
    const a = spanAgent(s);
    (byAgent.get(a) ?? byAgent.set(a, []).get(a)).push(s);
  }
  cache2.set(t, e = { byAgent });
  return e;
}
function emittingCall(t, s) {
  if (othersCall(s)) return void 0;
  const calls = emittersOf(t).byAgent.get(spanAgent(s));
  if (!calls) return void 0;
  let best;
  for (const c of calls) {
    if (c.startTime > s.startTime) break;
    if (c.spanId !== s.spanId) best = c;
  }
  return best;
}
function callOwner(t, s) {
  const own = spanAgent(s);
  if (s.kind !== "tool" && s.tool == null) return own;
  const asked = requestingTurn(t, s);
  return asked ? spanAgent(asked) : own;
}
function declarationFor(t, s) {
  const name = toolName(s);
  const emitter = emittingCall(t, s);
  if (emitter) {
    const own = declaredTools(emitter).filter((d) => d.name === name);
    if (own.length === 1) return own[0];
    if (own.length > 1) return agree(own);
  }
  const calls = emittersOf(t).byAgent.get(spanAgent(s)) ?? [];
  const found = [];
  for (const c of calls) for (const d of declaredTools(c)) if (d.name === name) found.push(d);
  return found.length ? agree(found) : void 0;
}
function agree(decls) {
  const first = JSON.stringify(decls[0].schema);
  return decls.every((d) => JSON.stringify(d.schema) === first) ? decls[0] : "conflict";
}

// sandbox/detectors/text.ts
function textOf2(value) {
  if (value == null) return "";
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}
function stringsIn(v, maxDepth = 8) {
  const out = [];
  const walk = (x, depth) => {
    if (typeof x === "string") out.push(x);
    else if (x && typeof x === "object" && depth < maxDepth) for (const y of Object.values(x)) walk(y, depth + 1);
  };
  walk(v, 0);
  return out;
}
function excerpt(text, at = 0, max = 200) {
  if (typeof text !== "string") return "";
  let start = Math.max(0, Math.min(at, text.length));
  let end = Math.min(text.length, start + max);
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start++;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end--;
  return text.slice(start, end).trim();
}
function isLowSurrogate(code) {
  return code >= 56320 && code <= 57343;
}
function firstLine(text, max = 80) {
  const line = (text.split("\n")[0] ?? "").trim();
  return line.length > max ? `${line.slice(0, max - 1)}\u2026` : line;
}

// sandbox/detectors/nothing-back.ts
function outputBody(result) {
  return result.replace(/^\s*exitcode:[^\n]*\n?/i, "").replace(/^\s*Code output:\s*/i, "").replace(/^\s*<returncode>\s*\d+\s*<\/returncode>\s*/, "").replace(/<\/?output>/g, "").trim();
}
function emptyResult(body) {
  if (body === "" || body.length > 200) return false;
  return body.split("\n").every((l) => NOTHING_LINE.test(l));
}
var NOTHING_LINE = /^\s*(?:[^:\n]{1,60}:\s*)?(\[\s*\]|\{\s*\}|None|null|0|nan|NaN|N\/A|)\s*$|\b(not found|no results?|no data|nothing found|could not (?:find|retrieve|fetch|get|load|locate)|couldn't (?:find|retrieve|fetch|get)|unable to (?:find|retrieve|fetch|get|load|locate))\b|^\s*(?:error|failed to|failure)\b/i;
var NOTHING_OPENING = /^(?:could not|couldn't|unable to) (?:find|locate|retrieve)\b|^no (?:results?|matches|pages?|documents?|records?|data)(?: (?:found|for|were|was|matching)\b|\s*[.!:]|$)|^(?:not found|nothing found)\b/i;
function nothingBack(result) {
  const body = outputBody(result);
  if (body === "") return null;
  const first = body.split("\n", 1)[0].trim();
  if (emptyResult(body) || NOTHING_OPENING.test(first)) return first.slice(0, 300);
  const reply = replyObject(body);
  return reply && emptyFields(reply.value) ? reply.text.slice(0, 300) : null;
}
function replyObject(text) {
  const o = literalObject(text);
  if (o && Object.keys(o).every((k) => k === "error" || k === "response") && (o.error == null || o.error === "") && typeof o.response === "string") {
    const inner = literalObject(o.response);
    return inner ? { value: inner, text: o.response.trim() } : void 0;
  }
  return o ? { value: o, text: text.trim() } : void 0;
}
function literalObject(text) {
  const t = text.trim();
  if (!t.startsWith("{") || t.length > 1e5) return void 0;
  let v;
  try {
    v = JSON.parse(t);
  } catch {
    v = parsePythonLiteral(t);
  }
  return v && typeof v === "object" && !Array.isArray(v) ? v : void 0;
}
function emptyFields(o) {
  const values = Object.values(o);
  return values.length > 0 && values.every((v) => v == null || v === "" || v === false || v === 0 || Array.isArray(v) && v.length === 0 || typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0);
}

// sandbox/detectors/error-text.ts
var HEAD = 200;
var EXCEPTION_LINE = /^\s*(?:[\w.]+\.)?[A-Z][A-Za-z]*(?:Error|Exception)(?::\s|$)/;
var HEAD_PATTERNS = [
  ["traceback", /^\s*Traceback \(most recent call last\)/],
  ["provider_error", /^\s*(?:[\w.]+: )?Error code: [45]\d\d\b/],
  ["exception", EXCEPTION_LINE],
  ["http_error", /^\s*(HTTP\/\d(\.\d)? [45]\d\d\b|[45]\d\d (Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\b)/i],
  ["error_prefix", /^\s*(\[?error\]?|exception|fatal|failed|failure)\b\s*[:\-!]/i]
];
var ERROR_KEYS = ["error", "errors", "error_message", "errorMessage", "exception"];
var MESSAGE_KEYS2 = ["message", "detail", "error_description", "title", "error"];
function jsonErrorText(text) {
  return messageIn(jsonObject(text, 1e5), 0);
}
function jsonObject(text, max) {
  const t = text.trim();
  if (!t.startsWith("{") || t.length > max) return void 0;
  try {
    const v = JSON.parse(t);
    return v && typeof v === "object" && !Array.isArray(v) ? v : void 0;
  } catch {
    return void 0;
  }
}
function messageIn(v, depth) {
  if (!v || typeof v !== "object" || Array.isArray(v) || depth > 2) return void 0;
  const o = v;
  for (const k of MESSAGE_KEYS2) {
    const e = o[k];
    if (typeof e === "string" && e.trim()) return e.trim();
    const inner = messageIn(e, depth + 1);
    if (inner) return inner;
  }
  return void 0;
}
function messageOnlyReply(text) {
  const o = replyObject(text)?.value;
  if (!o) return void 0;
  const keys = Object.keys(o);
  if (keys.length !== 1 || !MESSAGE_ONLY_KEYS.has(keys[0])) return void 0;
  const m = o[keys[0]];
  if (typeof m !== "string" || !m.trim() || SUCCESS.test(m)) return void 0;
  return m.trim().slice(0, 500);
}
var MESSAGE_ONLY_KEYS = /* @__PURE__ */ new Set(["message", "detail", "error", "error_message", "errorMessage"]);
var SUCCESS = /\b(success(ful(ly)?)?|succeeded|sent|created|updated|deleted|saved|added|completed|done|ok)\b/i;
function jsonError(text) {
  const o = jsonObject(text, 1e6);
  if (!o) return false;
  for (const k of ERROR_KEYS) {
    const e = o[k];
    if (e == null || e === false || e === "" || e === 0) continue;
    if (Array.isArray(e) && e.length === 0) continue;
    if (typeof e === "object" && !Array.isArray(e) && Object.keys(e).length === 0) continue;
    return true;
  }
  for (const k of ["status", "status_code", "statusCode", "code"]) {
    const c = o[k];
    if (typeof c === "number" && c >= 400 && c < 600) return true;
    if (typeof c === "string" && (/^[45]\d\d$/.test(c) || /^(error|failed|failure)$/i.test(c))) return true;
  }
  for (const k of ["message", "detail", "status_message", "statusMessage"]) {
    const m = o[k];
    if (typeof m === "string" && (EXCEPTION_LINE.test(m) || /^\s*(error|exception|fatal)\b\s*:/i.test(m))) return true;
  }
  return o.success === false || o.ok === false;
}
var ERROR_PHRASE = /\b(error|exception|failure)\s*[:!]|\b(error|exception) (occurred|while|during|was raised|happened)\b|\b(failed|unable|could not|couldn't) to\b|\bfailed (with|because|due)\b|\bpermission denied\b|\bno such (file|directory|host)\b|\bconnection (refused|reset|timed out)\b|\btimed out\b|\b(ENOENT|EACCES|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/gi;
function findErrorText(text) {
  if (!text) return null;
  const head = text.slice(0, HEAD);
  for (const [pattern, re] of HEAD_PATTERNS) {
    const m = re.exec(head);
    if (m) return { pattern, index: m.index + (m[0].length - m[0].trimStart().length) };
  }
  if (jsonError(text)) return { pattern: "error_field", index: 0 };
  if (errorOnlyBody(text) !== void 0) return { pattern: "error_body", index: 0 };
  const trimmed = text.trimEnd();
  const lastNl = trimmed.lastIndexOf("\n");
  const last = trimmed.slice(lastNl + 1);
  if (lastNl >= 0 && EXCEPTION_LINE.test(last) && /Traceback \(most recent call last\)/.test(text)) {
    return { pattern: "traceback", index: lastNl + 1 + (last.length - last.trimStart().length) };
  }
  if (/^\s*[[{]/.test(text)) return null;
  const firstLine2 = head.split("\n")[0];
  if (/^\s*warn(ing)?\b/i.test(firstLine2)) return null;
  for (const m of firstLine2.matchAll(ERROR_PHRASE)) {
    const isKey = firstLine2[m.index - 1] === '"' && /^"\s*:/.test(firstLine2.slice(m.index + m[0].length));
    if (!isKey && !negated2(firstLine2, m.index)) return { pattern: "error_text", index: m.index };
  }
  return null;
}
function negated2(text, at) {
  const before = text.slice(Math.max(0, at - 12), at).toLowerCase();
  return /\b(no|0|zero|without|not|non)[\s-]+$/.test(before);
}
function resultText(s) {
  const r = s.tool?.result;
  return r != null ? textOf2(r) : textOf2(s.output);
}
function exitedZero(result) {
  const head = result.slice(0, 200);
  const tail = result.slice(-200);
  return /^\s*<returncode>\s*0\s*<\/returncode>/.test(head) || /\b(?:exit(?:ed)? (?:with )?(?:code|status)|exitcode:?|exit_code"?:) ?0\b[^\n]{0,20}$/i.test(tail.trimEnd());
}
var BARE_ERROR = /^\W*(error|exception|fatal|failed|failure)\W*$/i;
function unwrapped(text) {
  return text.replace(/^(?:\s*<([\w-]+)>[^<\n]*<\/\1>|\s*<[\w-]+>)+\s*/, "").replace(/(?:\s*<\/[\w-]+>)+\s*$/, "");
}
var PROVIDER_ERROR = /\bError code: ([45]\d\d)\b(?:[^\n]{0,2000}?['"]code['"]:\s*['"]([\w.-]+)['"])?/;
function failureLine(raw) {
  const text = unwrapped(raw);
  const provider = PROVIDER_ERROR.exec(text.slice(0, 4e3));
  if (provider) return `Error code: ${provider[1]}${provider[2] ? ` - ${provider[2]}` : ""}`;
  if (/Traceback \(most recent call last\)/.test(text)) {
    const lines2 = text.trimEnd().split("\n");
    for (let i = lines2.length - 1; i >= 0; i--) if (EXCEPTION_LINE.test(lines2[i])) return lines2[i].replace(/\s*\[[A-Z][\w ]{2,40}: [^\]\n]*\]\s*$/, "").trim().slice(0, 500);
  }
  const hit = findErrorText(text);
  if (!hit) return null;
  if (hit.pattern === "traceback") {
    const lines2 = text.trimEnd().split("\n");
    for (let i = lines2.length - 1; i >= 0; i--) if (EXCEPTION_LINE.test(lines2[i])) return lines2[i].trim().slice(0, 500);
  }
  if (hit.pattern === "error_field") return text.trim().slice(0, 300);
  if (hit.pattern === "error_body") return errorOnlyBody(text).slice(0, 500);
  const lines = text.slice(hit.index).split("\n");
  let line = lines[0].trim();
  if (BARE_ERROR.test(line)) {
    const next = lines.slice(1).find((l) => l.trim() !== "");
    if (next) line = `${line} ${next.trim()}`;
  }
  return line.slice(0, 500) || null;
}

// sandbox/detectors/provenance.ts
var NOT_FOUND = /\b(not found|no such (file|directory|user|order|item|record)|does ?n[o']t exist|cannot find|can't find|could not find|unknown (user|id|order|file)|ENOENT|FileNotFoundError|404)\b/i;
var MISSING_PATH = /(?:No such file or directory|FileNotFoundError|ENOENT)[^'"\n]*['"]([^'"\n]{3,300})['"]/;
var USER_ROLES = /* @__PURE__ */ new Set(["user", "human"]);
var SYSTEM_ROLES = /* @__PURE__ */ new Set(["system", "developer"]);
function valueOrigin(t, failed) {
  const msg = `${errorMessage(failed)}
${textOf2(failed.tool?.result).slice(0, 2e3)}`;
  if (!NOT_FOUND.test(msg)) return null;
  const path = MISSING_PATH.exec(msg)?.[1];
  const value = path ?? valueNamedBy(msg, leaves(failed.tool?.arguments));
  if (!value) return null;
  const said = conversation(t);
  if (!said.user.length) return null;
  if (said.user.some((u) => u.includes(value))) return { value, source: path ? "environment" : "user" };
  const opening = openingMessage(t);
  if (opening && textOf2(opening.output).includes(value)) return { value, source: path ? "environment" : "user" };
  if (said.system.some((s) => s.includes(value))) return null;
  for (const s of indexTrace(t).tools) {
    if (s === failed || s.endTime > failed.startTime) continue;
    const out = textOf2(s.tool?.result ?? s.output);
    if (out.includes(value)) return { value, source: "tool", spanId: s.spanId };
  }
  return { value, source: "model" };
}
function valueNamedBy(msg, values) {
  const named = values.filter((v) => msg.includes(v)).sort((a, b) => b.length - a.length);
  if (named.length) return named[0];
  const quoted = [...msg.split("\n", 1)[0].matchAll(/(['"`])([^'"`\n]{2,200})\1/g)].map((m) => m[2]);
  if (quoted.length && !quoted.some((q) => values.some((v) => v.includes(q) || v.includes(q.split(".").pop())))) return null;
  return values.length === 1 ? values[0] : null;
}
function leaves(args, out = [], depth = 0) {
  if (out.length >= 50 || depth > 6) return out;
  if (typeof args === "string") {
    const s = args.trim();
    if (s.length >= 3 && s.length <= 300) out.push(s);
  } else if (typeof args === "number" && Number.isFinite(args) && Math.abs(args) >= 100) out.push(String(args));
  else if (Array.isArray(args)) for (const a of args) leaves(a, out, depth + 1);
  else if (args && typeof args === "object") for (const v of Object.values(args)) leaves(v, out, depth + 1);
  return out;
}
var conversations = /* @__PURE__ */ new WeakMap();
function conversation(t) {
  let c = conversations.get(t);
  if (c) return c;
  const user = /* @__PURE__ */ new Set();
  const system = /* @__PURE__ */ new Set();
  const root = indexTrace(t).root;
  if (root && typeof root.input === "string" && root.input.trim()) user.add(root.input);
  const agents = /* @__PURE__ */ new Set();
  for (const s of t.spans) if (typeof s.agentName === "string") agents.add(s.agentName);
  for (const s of t.spans) {
    if (!Array.isArray(s.messages)) continue;
    for (const m of s.messages) {
      const text = typeof m.content === "string" ? m.content : textOf2(m.content);
      if (!text) continue;
      const role = String(m.role ?? "").toLowerCase();
      const name = m.name;
      if (USER_ROLES.has(role) && !(typeof name === "string" && (agents.has(name) || agents.has(name.replace(/\s*\([^)]*\)\s*$/, ""))))) user.add(text);
      else if (SYSTEM_ROLES.has(role)) system.add(text);
    }
  }
  conversations.set(t, c = { user: [...user], system: [...system] });
  return c;
}
function taskStatement(t) {
  const root = indexTrace(t).root;
  if (root && typeof root.input === "string" && root.input.trim()) return root.input;
  const calls = t.spans.filter((s) => s.kind === "llm" && Array.isArray(s.messages)).sort((a, b) => a.startTime - b.startTime);
  for (const s of calls) {
    const first = s.messages.find((m) => USER_ROLES.has(String(m.role ?? "").toLowerCase()));
    if (first) return typeof first.content === "string" ? first.content : textOf2(first.content);
  }
  return "";
}
function reportedByTask(t, message3) {
  const lines = message3.split("\n").map((l) => l.trim()).filter((l) => /^(?:[\w.]+\.)?[A-Z][A-Za-z]*(?:Error|Exception): \S/.test(l));
  const line = lines[lines.length - 1];
  if (!line || line.length < 20) return false;
  const squash2 = (x) => x.replace(/\s+/g, " ");
  return squash2(taskStatement(t)).includes(squash2(line));
}
function taskText(t) {
  let text = tasks.get(t);
  if (text) return text;
  const c = conversation(t);
  const handed = t.spans.filter((s) => s.kind === "agent" || s.spanId === t.rootSpanId).map((s) => unjson(textOf2(s.input))).filter((x) => x.length > 0);
  const opening = openingMessage(t);
  tasks.set(t, text = [...c.user, ...c.system, ...handed, ...opening ? [textOf2(opening.output)] : []]);
  return text;
}
function openingMessage(t) {
  let o = openings.get(t);
  if (o !== void 0) return o ?? void 0;
  const agents = new Set(t.spans.map((s) => s.agentName).filter((a) => typeof a === "string" && a !== ""));
  const root = t.spans.find((s) => s.spanId === t.rootSpanId);
  const question = textOf2(root?.input).replace(/\s+/g, " ").trim().slice(0, 80);
  const first = agents.size > 1 && question.length >= 20 ? t.spans.find((s) => s.parentId === t.rootSpanId && s.kind === "agent" && s.attributes?.["halo.step"] === 0 && textOf2(s.input).trim() === "" && textOf2(s.output).replace(/\s+/g, " ").includes(question)) : void 0;
  openings.set(t, first ?? null);
  return first;
}
var openings = /* @__PURE__ */ new WeakMap();
var tasks = /* @__PURE__ */ new WeakMap();
function unjson(text) {
  const x = text.trim();
  if (!/^[[{]/.test(x)) return text;
  try {
    return stringsIn(JSON.parse(x), 6).join("\n");
  } catch {
    return text;
  }
}
function recoveredLater(t, failed) {
  const name = toolName(failed);
  const args = textOf2(failed.tool?.arguments);
  return indexTrace(t).tools.some((s) => s !== failed && s.startTime >= failed.endTime && isToolSpan(s) && toolName(s) === name && !isErrorSpan(s) && textOf2(s.tool?.arguments) !== args);
}

// sandbox/detectors/origin.ts
var trees = /* @__PURE__ */ new WeakMap();
function treeOf(t) {
  let tree = trees.get(t);
  if (tree) return tree;
  const children2 = /* @__PURE__ */ new Map();
  const byId = /* @__PURE__ */ new Map();
  const agents = /* @__PURE__ */ new Set();
  for (const s of t.spans) {
    byId.set(s.spanId, s);
    if (s.parentId) (children2.get(s.parentId) ?? children2.set(s.parentId, []).get(s.parentId)).push(s);
    const a = spanAgent(s);
    if (a) agents.add(a);
  }
  const ordered = [...t.spans].sort((a, b) => a.startTime - b.startTime);
  tree = { children: children2, byId, agents, ordered };
  trees.set(t, tree);
  return tree;
}
function spanAgent(s) {
  const a = s.agentName;
  return typeof a === "string" && a !== "" ? a : void 0;
}
function spanById(t, id) {
  return treeOf(t).byId.get(id);
}
function isMultiAgent(t) {
  return treeOf(t).agents.size > 1;
}
function core(msg) {
  return msg.replace(/\s+/g, " ").trim().slice(0, 300);
}
function isReRaise(t, s) {
  const { children: children2 } = treeOf(t);
  const mine = core(errorMessage(s));
  const stack = [...children2.get(s.spanId) ?? []];
  let guard = 0;
  while (stack.length && guard++ < 1e5) {
    const c = stack.pop();
    if (isErrorSpan(c)) {
      const theirs = core(errorMessage(c));
      if (!mine || !theirs || mine.includes(theirs.slice(0, 120)) || theirs.includes(mine.slice(0, 120))) return true;
      if (s.error?.type && s.error.type === c.error?.type) return true;
    }
    stack.push(...children2.get(c.spanId) ?? []);
  }
  return false;
}
function failureOf2(t, s) {
  let f = failures.get(s);
  if (f === void 0) failures.set(s, f = readFailure(t, s));
  return f;
}
var failures = /* @__PURE__ */ new WeakMap();
function readFailure(t, s) {
  if (isErrorSpan(s)) {
    const msg = errorMessage(s);
    if (isGeneric(msg.trim()) && isToolSpan(s)) {
      const result2 = resultText(s);
      const sdkCause = /\bError: ([^\n]{3,500})/.exec(result2)?.[1];
      if (sdkCause) return `${msg.trim()}: ${sdkCause}`;
      const line = failureLine(result2);
      if (line) return line;
      if (EXIT_ONLY.test(msg.trim())) return null;
    }
    if (isToolSpan(s) && !msg.split("\n").some((l) => EXCEPTION_LINE.test(l))) {
      const result2 = resultText(s);
      if (/Traceback \(most recent call last\)/.test(result2)) {
        const line = failureLine(result2);
        if (line && EXCEPTION_LINE.test(line)) return line;
      }
    }
    return msg;
  }
  if (isToolSpan(s) && /\|(?!\|)/.test(textOf2(s.tool?.arguments))) {
    const result2 = resultText(s);
    if (exitedZero(result2)) {
      const body = result2.replace(/(?:\s*<\/[\w-]+>)+\s*$/, "").trimEnd();
      const last = body.slice(body.lastIndexOf("\n") + 1);
      if (/Traceback \(most recent call last\)|^\s*File "[^"\n]+", line \d+/m.test(body) && /^[\w.]*(Error|Exception|Exit|Interrupt)\b[^\n]*$/.test(last.trim())) return last.trim().slice(0, 500);
      if (/^(FAILED \((errors|failures)=\d+|=+ .*\b\d+ (failed|errors?)\b.*=+$)/.test(last.trim())) {
        const exc = [...body.matchAll(/^([\w.]*(?:Error|Exception)\b:?[^\n]*)$/gm)].at(-1)?.[1];
        if (exc) return exc.trim().slice(0, 500);
      }
    }
  }
  if (recordsStatus(t) || s.kind === "llm") return null;
  const turn = s.kind === "agent" && s.parentId != null && !treeOf(t).children.has(s.spanId);
  if (!turn && !isToolSpan(s)) return null;
  if (!isToolSpan(s)) return failureLine(textOf2(s.output));
  const result = resultText(s);
  return exitedZero(result) && !/\|(?!\|)/.test(textOf2(s.tool?.arguments)) ? null : failureLine(result);
}
var EXIT_ONLY = /^\W*(<returncode>\s*-?\d+\s*<\/returncode>|(exit(ed)?|return) ?(with )?(code|status)?:? ?-?\d+|exitcode: ?-?\d+[^\n]*|non-zero (exit|return) (code|status))\W*$/i;
function isGeneric(msg) {
  return BARE_ERROR.test(msg) || /^Error running tool\b/i.test(msg) || EXIT_ONLY.test(msg);
}
function originErrors(t) {
  const out = [];
  for (const s of t.spans) {
    if (isToolSpan(s) && othersCall(s)) continue;
    if (isErrorSpan(s)) {
      if (!isReRaise(t, s)) out.push(s);
    } else if (failureOf2(t, s) !== null) out.push(s);
  }
  return out;
}
function originAgent(t, s) {
  if (!isMultiAgent(t)) return void 0;
  if (isToolSpan(s) && !emittingCall(t, s) && !requestingTurn(t, s)) return void 0;
  return callOwner(t, s);
}
function requestingTurn(t, s) {
  if (!isMultiAgent(t) || !isToolSpan(s) || emittingCall(t, s)) return void 0;
  const own = spanAgent(s);
  const { ordered } = treeOf(t);
  const i = ordered.indexOf(s);
  const line = firstCodeLine(s.tool?.arguments);
  if (line === null) return void 0;
  for (let j = i - 1; j >= 0; j--) {
    const prev = ordered[j];
    const a = spanAgent(prev);
    if (a && a !== own && !isToolSpan(prev) && prev.parentId != null) return prev !== openingMessage(t) && squash(textOf2(prev.output)).includes(line) ? prev : void 0;
  }
  return void 0;
}
var squash = (x) => x.replace(/\s+/g, " ").trim();
function firstCodeLine(args) {
  const longest = stringsIn(args, 6).sort((a, b) => b.length - a.length)[0];
  const line = longest?.split("\n").map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
  return line ? squash(line) : null;
}

// sandbox/detectors/call-failure.ts
function callFailure(t, s) {
  const failure = failureOf2(t, s);
  if (failure !== null) return { kind: "error", text: failure };
  if (isErrorSpan(s)) return { kind: "error", text: errorMessage(s) || "error status" };
  const result = resultText(s);
  if (recordsStatus(t) && findErrorText(result)) return { kind: "error", text: failureLine(result) ?? result.trim().split("\n", 1)[0] };
  const message3 = messageOnlyReply(result);
  if (message3 !== void 0) return { kind: "message", text: message3 };
  const nothing = nothingBack(result);
  return nothing !== null ? { kind: "nothing", text: nothing } : null;
}

// sandbox/detectors/fisher.ts
var logFactorials = [0];
function logFactorial(n) {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1] + Math.log(i));
  return logFactorials[n];
}
function logChoose(n, k) {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
function fisherGreater(a, b, c, d) {
  for (const x of [a, b, c, d]) if (!Number.isInteger(x) || x < 0) throw new RangeError(`fisherGreater: counts must be non-negative integers, got ${a}, ${b}, ${c}, ${d}`);
  const n = a + b + c + d;
  const featured = a + b;
  const failed = a + c;
  const top = Math.min(featured, failed);
  const denom = logChoose(n, featured);
  let p = 0;
  for (let x = a; x <= top; x++) p += Math.exp(logChoose(failed, x) + logChoose(n - failed, featured - x) - denom);
  return Math.min(1, p);
}
function hypergeometric(featured, failed, n) {
  const lo = Math.max(0, featured - (n - failed));
  const hi = Math.min(featured, failed);
  const denom = logChoose(n, featured);
  const probs = [];
  for (let x = lo; x <= hi; x++) probs.push(Math.exp(logChoose(failed, x) + logChoose(n - failed, featured - x) - denom));
  return { lo, probs };
}
function stratifiedGreater(tables) {
  let lo = 0;
  let dist = [1];
  let observed = 0;
  for (const [a, b, c, d] of tables) {
    for (const x of [a, b, c, d]) if (!Number.isInteger(x) || x < 0) throw new RangeError(`stratifiedGreater: counts must be non-negative integers, got ${a}, ${b}, ${c}, ${d}`);
    observed += a;
    const h = hypergeometric(a + b, a + c, a + b + c + d);
    const next = new Array(dist.length + h.probs.length - 1).fill(0);
    for (let i = 0; i < dist.length; i++) for (let j = 0; j < h.probs.length; j++) next[i + j] += dist[i] * h.probs[j];
    dist = next;
    lo += h.lo;
  }
  let p = 0;
  for (let i = Math.max(0, observed - lo); i < dist.length; i++) p += dist[i];
  return Math.min(1, p);
}

// sandbox/detectors/schema-check.ts
function checkSchema(value, schema, path = "", out = [], depth = 0) {
  if (!schema || typeof schema !== "object" || depth > 12) return out;
  const s = schema;
  const field = path.split(".").pop().replace(/\[\]$/, "");
  const types = asList(s.type).filter((x) => typeof x === "string");
  if (value === null && s.nullable === true) return out;
  if (types.length && !types.some((ty) => hasType(value, ty))) {
    out.push({ kind: "type", path, field, expected: types.join("|"), actual: typeName(value) });
    return out;
  }
  const allowed = asList(s.enum);
  if (s.enum !== void 0 && !allowed.some((a) => same(a, value))) {
    out.push({ kind: "enum", path, field, expected: allowed.map((a) => JSON.stringify(a)).join(", "), actual: value });
    return out;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value;
    const props = s.properties && typeof s.properties === "object" ? s.properties : {};
    for (const r of asList(s.required)) {
      if (typeof r === "string" && obj[r] === void 0) out.push({ kind: "missing", path: join2(path, r), field: r });
    }
    for (const k of Object.keys(obj)) {
      if (k in props) checkSchema(obj[k], props[k], join2(path, k), out, depth + 1);
      else if (s.additionalProperties === false) out.push({ kind: "unexpected", path: join2(path, k), field: k });
    }
  } else if (Array.isArray(value) && s.items && typeof s.items === "object") {
    for (const item of value) checkSchema(item, s.items, `${path}[]`, out, depth + 1);
  }
  return out;
}
function asList(v) {
  if (Array.isArray(v)) return v;
  if (v === void 0 || v === null) return [];
  if (typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length && keys.every((k) => /^\d+$/.test(k))) return keys.map((k) => v[k]);
    return [];
  }
  return [v];
}
function hasType(v, type) {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    case "array":
      return Array.isArray(v);
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
    default:
      return true;
  }
}
function typeName(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}
function same(a, b) {
  if (a === b) return true;
  if (a && b && typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
function join2(path, key) {
  return path ? `${path}.${key}` : key;
}

// sandbox/detectors/output-limit.ts
var LIMIT_REASONS = /^(length|max_tokens|max_output_tokens|model_length)$/i;
function finishReasons(s) {
  let v = s.attributes?.["gen_ai.response.finish_reasons"] ?? s.attributes?.["llm.finish_reason"];
  if (typeof v === "string" && v.trim().startsWith("[")) {
    try {
      v = JSON.parse(v);
    } catch {
    }
  }
  return (Array.isArray(v) ? v : [v]).filter((x) => typeof x === "string");
}
function requestMax(s) {
  const req = s.input;
  if (!req || typeof req !== "object" || Array.isArray(req)) return void 0;
  const r = req;
  const cfg = r.generationConfig && typeof r.generationConfig === "object" ? r.generationConfig.maxOutputTokens : void 0;
  return [r.max_tokens, r.max_completion_tokens, r.max_output_tokens, cfg].find((x) => typeof x === "number" && x > 0);
}
function outputLimit(s) {
  if (!s) return null;
  const reason = finishReasons(s).find((r) => LIMIT_REASONS.test(r));
  const max = requestMax(s);
  const output = s.tokens?.output;
  const byTokens = max !== void 0 && typeof output === "number" && output >= max - 1;
  if (!reason && !byTokens) return null;
  const out = {};
  if (reason) out.reason = reason;
  if (max !== void 0 && typeof output === "number") Object.assign(out, { output, max });
  return out;
}
function describeLimit(l) {
  const parts = [];
  if (l.reason) parts.push(`stop reason \`${l.reason}\``);
  if (l.max !== void 0) parts.push(`${l.output} of ${l.max} output tokens`);
  return parts.join("; ");
}

// sandbox/detectors/received.ts
var MIN_PROBE = 12;
var MAX_PROBE = 80;
var inputCache = /* @__PURE__ */ new WeakMap();
function modelInputText(s) {
  const cached = inputCache.get(s);
  if (cached !== void 0) return cached;
  let text = "";
  const msgs = Array.isArray(s.messages) ? s.messages : [];
  if (msgs.length) {
    const end = msgs[msgs.length - 1]?.role === "assistant" ? msgs.length - 1 : msgs.length;
    let start = 0;
    for (let i = end - 1; i >= 0; i--) {
      if (msgs[i].role === "assistant") {
        start = i + 1;
        break;
      }
    }
    text = msgs.slice(start, end).map((m) => typeof m.content === "string" ? m.content : textOf2(m.content)).join("\n");
  }
  if (!text) text = textOf2(s.input);
  inputCache.set(s, text);
  return text;
}
function probeOf(text) {
  const line = (text.trim().split("\n")[0] ?? "").trim().slice(0, MAX_PROBE);
  return line.length >= MIN_PROBE ? line : null;
}
function isWithin(t, s, ancestor) {
  let cur = s;
  for (let guard = 0; cur && guard < 1e3; guard++) {
    if (cur.spanId === ancestor.spanId) return true;
    cur = cur.parentId ? spanById(t, cur.parentId) : void 0;
  }
  return false;
}
function receivingCall(t, span, probe) {
  if (!probe || probe.length < MIN_PROBE) return null;
  const next = indexTrace(t).steps.find((s) => s.kind === "llm" && s.spanId !== span.spanId && s.startTime >= span.endTime && !isWithin(t, s, span));
  if (!next) return null;
  return modelInputText(next).includes(probe) ? next : null;
}

// sandbox/detectors/validation-retry.ts
var VALIDATION = /\bvalidation errors?\b|ValidationError|ZodError|\binvalid (?:arguments?|input|parameters?)\b|\bis a required property\b|\bfield required\b/i;
function failureReport(t, x, fields) {
  const failed = failureOf2(t, x) !== null;
  for (const text of [isErrorSpan(x) ? errorMessage(x) : "", resultText(x)]) {
    if (!text.trim()) continue;
    if (!failed && !VALIDATION.test(text.slice(0, 2e3))) continue;
    if (fields.length && !fields.some((f) => new RegExp(`(?<![\\w])${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w])`).test(text))) continue;
    return text;
  }
  return null;
}
function probeOf2(text) {
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (l.length >= MIN_PROBE) return l.slice(0, 80);
  }
  return null;
}
function receiver(t, x, probe) {
  for (const s of indexTrace(t).steps) {
    if (s.kind !== "llm" || s.startTime < x.endTime || isWithin(t, s, x)) continue;
    if (modelInputText(s).includes(probe)) return s;
  }
  return null;
}
function afterViolation(t, s, fields, passes2) {
  const tools = indexTrace(t).tools;
  let cur = s;
  let first = null;
  let retries2 = 0;
  for (let guard = 0; guard < 10; guard++) {
    const report = failureReport(t, cur, cur === s ? fields : []);
    const probe = report === null ? null : probeOf2(report);
    const got = probe === null ? null : receiver(t, cur, probe);
    if (got === null || probe === null) break;
    first ??= got;
    const next = tools.slice(tools.indexOf(cur) + 1).find((x) => toolName(x) === toolName(s));
    const by = next && emittingCall(t, next);
    if (!next || !by || !modelInputText(by).includes(probe)) break;
    retries2++;
    if (passes2(next)) return { kind: "retried", receivedBy: first, retries: retries2, passed: true };
    cur = next;
  }
  if (first === null) return { kind: "not_returned" };
  return retries2 ? { kind: "retried", receivedBy: first, retries: retries2, passed: false } : { kind: "no_retry", receivedBy: first };
}
function reportsNoFailure(t, x) {
  return failureReport(t, x, []) === null;
}

// sandbox/detectors/tool-arguments.ts
var toolArgumentSteps = {
  perRun(t) {
    const added = [];
    const add = (agent, tool, signature, v, c, s, schema) => {
      const a = { agent, tool, signature, violation: v, citation: c };
      if (s && v && schema !== void 0) {
        const o = afterViolation(t, s, fieldNames(v), (x) => passes(t, x, schema));
        a.outcome = o.kind === "retried" ? { kind: o.kind, retries: o.retries, passed: o.passed } : { kind: o.kind };
      }
      added.push(a);
      return a;
    };
    for (const s of indexTrace(t).tools) {
      const name = toolName(s);
      const agent = callOwner(t, s) ?? agentOf2(t);
      const raw = s.tool?.arguments;
      const parsed = parseArguments2(s);
      if (parsed.invalid) {
        const limit2 = outputLimit(emittingCall(t, s));
        if (limit2) {
          const text = parsed.text;
          add(agent, name, "arguments_cut_off", null, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, text.length - 160)), note: `cut off at the output limit (${describeLimit(limit2)}); the arguments do not parse as JSON` }).cut = {
            ...limit2.reason ? { reason: limit2.reason } : {},
            atMax: limit2.max !== void 0 && limit2.output >= limit2.max - 1,
            lacking: [],
            besides: [],
            unparsed: true
          };
          continue;
        }
        const a = add(agent, name, "invalid_json_arguments", null, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(parsed.text) });
        const ran = (x) => !parseArguments2(x).invalid && !isErrorSpan(x) && reportsNoFailure(t, x);
        const o = afterViolation(t, s, [], ran);
        a.outcome = o.kind === "retried" ? { kind: o.kind, retries: o.retries, passed: o.passed } : { kind: o.kind };
        if (o.kind === "not_returned") {
          const tools = indexTrace(t).tools;
          a.laterRan = tools.slice(tools.indexOf(s) + 1).some((x) => toolName(x) === name && (callOwner(t, x) ?? agentOf2(t)) === agent && ran(x));
        }
        continue;
      }
      if (parsed.value === void 0) continue;
      if (s.tool?.positionalArguments !== void 0) continue;
      const decl = declarationFor(t, s);
      if (decl === void 0 || decl === "conflict" || !decl.schema) continue;
      const seen = /* @__PURE__ */ new Set();
      const violations = checkSchema(parsed.value, decl.schema);
      const limit = violations.length ? outputLimit(emittingCall(t, s)) : null;
      if (limit) {
        const text = typeof raw === "string" ? raw : textOf2(raw);
        const lacking = violations.filter((v) => v.kind === "missing");
        const other = violations.filter((v) => v.kind !== "missing");
        const note2 = `cut off at the output limit (${describeLimit(limit)})${lacking.length ? `; lacks ${lacking.slice(0, 6).map((v) => `\`${v.path}\``).join(", ")}` : ""}${other.length ? `; besides, ${other.slice(0, 3).map(describe).join("; ")}` : ""}`;
        add(agent, name, "arguments_cut_off", violations[0], { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, text.length - 160)), note: note2 }).cut = {
          ...limit.reason ? { reason: limit.reason } : {},
          atMax: limit.max !== void 0 && limit.output >= limit.max - 1,
          lacking: lacking.map((v) => v.path),
          besides: other.map((v) => [v.path, describe(v)])
        };
        continue;
      }
      for (const v of violations) {
        const signature = `schema_violation:${v.kind}:${v.path}`;
        if (seen.has(signature)) continue;
        seen.add(signature);
        const text = typeof raw === "string" ? raw : textOf2(raw);
        add(agent, name, signature, v, { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, locate(text, v)), note: describe(v) }, s, decl.schema);
      }
    }
    let brokenJsonAgents;
    try {
      brokenJsonAgents = brokenJsonOwners(t).filter((a) => typeof a === "string");
    } catch {
      brokenJsonAgents = null;
    }
    return { agents: [...agentsOfRun(t)], added, brokenJsonAgents };
  },
  global: toolArgumentFindings
};
var toolArguments = oneShot(toolArgumentSteps);
function toolArgumentFindings(observed, opts) {
  const minTraces = opts.minTraces ?? 1;
  const out = [];
  const runs = /* @__PURE__ */ new Map();
  const byAgent = /* @__PURE__ */ new Map();
  for (const { run, obs } of observed) {
    for (const agent of obs.agents) (runs.get(agent) ?? runs.set(agent, /* @__PURE__ */ new Set()).get(agent)).add(run.traceId);
    for (const a of obs.added) {
      const v = a.violation;
      let groups = byAgent.get(a.agent);
      if (!groups) byAgent.set(a.agent, groups = /* @__PURE__ */ new Map());
      const id = v || a.cut ? `${a.tool}\0${a.signature}` : a.signature;
      let g = groups.get(id);
      if (!g) groups.set(id, g = { tool: a.tool, signature: a.signature, violation: v, traces: /* @__PURE__ */ new Set(), citations: [], calls: 0, values: /* @__PURE__ */ new Map(), tools: /* @__PURE__ */ new Map(), stopReasons: /* @__PURE__ */ new Map(), atMax: 0, besides: /* @__PURE__ */ new Map(), unparsed: 0, returned: 0, passedFirst: 0, passedLater: 0, retryFailed: 0, noRetry: 0, laterRan: 0 });
      g.calls++;
      const o = a.outcome;
      if (o && o.kind !== "not_returned") g.returned++;
      if (a.laterRan) g.laterRan++;
      if (o?.kind === "no_retry") g.noRetry++;
      else if (o?.kind === "retried") {
        if (!o.passed) g.retryFailed++;
        else if (o.retries === 1) g.passedFirst++;
        else g.passedLater++;
      }
      if (a.cut) {
        for (const p of a.cut.lacking) g.values.set(p, (g.values.get(p) ?? 0) + 1);
        for (const [p, d] of a.cut.besides) g.besides.set(p, d);
        if (a.cut.reason) g.stopReasons.set(a.cut.reason, (g.stopReasons.get(a.cut.reason) ?? 0) + 1);
        if (a.cut.atMax) g.atMax++;
        if (a.cut.unparsed) g.unparsed++;
      }
      g.tools.set(a.tool, (g.tools.get(a.tool) ?? 0) + 1);
      g.traces.add(run.traceId);
      g.citations.push(a.citation);
      if (v?.kind === "enum" || v?.kind === "type") {
        const key = JSON.stringify(v.actual) ?? String(v.actual);
        g.values.set(key, (g.values.get(key) ?? 0) + 1);
      }
    }
  }
  for (const [agent, groups] of byAgent) {
    const total = runs.get(agent)?.size ?? observed.length;
    for (const g of groups.values()) {
      if (g.traces.size < minTraces) continue;
      out.push(g.signature === "arguments_cut_off" ? cutOffFinding(agent, total, g) : g.violation ? schemaFinding(agent, total, g) : invalidJsonFinding(agent, total, g, observed));
    }
  }
  return out;
}
function agentsOfRun(t) {
  const out = /* @__PURE__ */ new Set();
  for (const s of t.spans) if (typeof s.agentName === "string" && s.agentName !== "") out.add(s.agentName);
  if (!out.size) out.add(agentOf2(t));
  return out;
}
function parseArguments2(s) {
  const raw = s.tool?.arguments;
  if (typeof raw !== "string") return { invalid: false, value: raw ?? void 0, text: "" };
  if (brokenJson(raw, isErrorSpan(s) ? errorMessage(s) : void 0)) return { invalid: true, text: raw };
  const trimmed = raw.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return { invalid: false, value: void 0, text: raw };
  try {
    return { invalid: false, value: JSON.parse(trimmed), text: raw };
  } catch {
    return { invalid: false, value: parsePythonLiteral(trimmed), text: raw };
  }
}
function brokenJson(a, failure) {
  if (typeof a !== "string") return false;
  const s = a.trim();
  if (!/^[[{]/.test(s)) return false;
  try {
    JSON.parse(s);
    return false;
  } catch {
  }
  if (typeof failure === "string" && /\bJSON\b|\bpars(?:e|ing)\b/i.test(failure)) return true;
  const asJson = s.replace(/"(?:[^"\\]|\\.)*"|'((?:[^'\\]|\\.)*)'|\bTrue\b|\bFalse\b|\bNone\b|[()]|,\s*(?=[\]}])/g, (m, sq) => {
    if (sq !== void 0) return `"${sq.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`;
    if (m.startsWith('"')) return m;
    return m === "True" ? "true" : m === "False" ? "false" : m === "None" ? "null" : m === "(" ? "[" : m === ")" ? "]" : "";
  });
  try {
    JSON.parse(asJson);
    return false;
  } catch {
    return true;
  }
}
function locate(text, v) {
  if (v.kind === "missing") return 0;
  const at = text.indexOf(`"${v.field}"`);
  return at >= 0 ? at : 0;
}
function describe(v) {
  switch (v.kind) {
    case "missing":
      return `required field \`${v.path}\` is missing`;
    case "type":
      return `\`${v.path}\` is ${String(v.actual)}, expected ${v.expected}`;
    case "enum":
      return `\`${v.path}\` = ${JSON.stringify(v.actual)} is not one of ${v.expected}`;
    case "unexpected":
      return `\`${v.path}\` is not a declared property`;
  }
}
var BROKEN_JSON_SPAN = `(s.kind === "tool" || s.tool != null) && !!s.tool && !${OTHERS_CALL_EXPR} && (${brokenJson.toString()})(s.tool.arguments, (s.status === "error" || s.error != null) ? ((s.error && typeof s.error.message === "string" && s.error.message) || (typeof s.statusMessage === "string" ? s.statusMessage : "")) : undefined)`;
var SPAN_AGENT = `(s.agentName || ${AGENT_EXPR})`;
function brokenJsonOwners(t) {
  ownersFn ??= new Function(`return (t) => t.spans.filter((s) => ${BROKEN_JSON_SPAN}).map((s) => ${SPAN_AGENT})`)();
  return ownersFn(t);
}
var ownersFn;
function exactFromRuns(predicate, agent, runs, affected) {
  let matched = 0;
  for (const { run, obs } of runs) {
    if (obs.brokenJsonAgents === null) return void 0;
    if (!obs.brokenJsonAgents.includes(agent)) continue;
    if (!affected.has(run.traceId)) return void 0;
    matched++;
  }
  return matched === affected.size ? predicate : void 0;
}
function invalidJsonFinding(agent, total, g, runs) {
  const tools = [...g.tools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const one = tools.length === 1 ? tools[0][0] : null;
  const listed = tools.slice(0, 8).map(([n, c]) => `\`${n}\` \xD7${c}`).join(", ") + (tools.length > 8 ? `, and ${tools.length - 8} more` : "");
  const recovered = g.passedFirst + g.passedLater;
  const went = g.laterRan ? ` ${g.laterRan === g.calls ? g.calls === 1 ? "After it" : "After each" : `After ${g.laterRan} of them`}, a later ${one ? `\`${one}\` call` : "call of the same tool"} by the same agent in the run parsed and ran without error (no later model call's recorded input holds the parse error, so whether it reached the model is not shown).` : "";
  const strict = `Turn on structured outputs / strict function calling for ${agentPhrase(agent)} so arguments are constrained to each tool's schema`;
  return buildFinding({
    title: one ? `${one}: tool arguments are not valid JSON` : `${agentLabel(agent)}: tool arguments are not valid JSON`,
    category: "tool_arguments",
    // Recovered each time by a retry the model made after reading the parse error: what it costs is the extra calls.
    severity: recovered === g.calls ? "low" : recovered + g.laterRan === g.calls ? "low" : recovered + g.laterRan > 0 ? "medium" : "high",
    summary: `${shareText(g.traces.size, total)} of ${agentPhrase(agent)} send tool arguments that do not parse as JSON (${count(g.calls, "call")}: ${listed}); a call whose arguments do not parse cannot run as sent.${recoveryText(g, "parse error", "parsed and ran without error")}${went}`,
    rootCause: `The arguments the model sent do not parse as JSON (the cited excerpts show them as sent).`,
    confirmed: true,
    fix: recovered === g.calls ? `The run already sends the parse error back and the model's retry parses: ${strict.charAt(0).toLowerCase()}${strict.slice(1)} to save the extra ${g.passedLater ? "calls" : "call"}.` : recovered + g.laterRan === g.calls ? `The run went on to call the tool with arguments that parse: ${strict.charAt(0).toLowerCase()}${strict.slice(1)} to save the failed ${g.calls === 1 ? "call" : "calls"}.` : `${strict}; on a parse failure, return the parse error to the model and let it retry once instead of executing.`,
    fixKind: "config",
    component: `agent:${agent}`,
    signature: "invalid_json_arguments",
    monitor: `Share of tool calls of ${agentLabel(agent)} whose arguments fail JSON.parse, per day (should be 0).`,
    detector: "tool-arguments",
    traceIds: g.traces,
    citations: g.citations,
    total,
    predicate: exactFromRuns(`(t) => t.spans.some((s) => ${BROKEN_JSON_SPAN} && ${SPAN_AGENT} === ${lit(agent)})`, agent, runs, g.traces),
    data: { agent, calls: g.calls, tools: Object.fromEntries(tools), recovery: { returned: g.returned, passedFirst: g.passedFirst, passedLater: g.passedLater, retryFailed: g.retryFailed, noRetry: g.noRetry, laterRan: g.laterRan } }
  });
}
function fieldNames(v) {
  const parts = v.path.split(/[.[\]]+/).filter(Boolean);
  return [...new Set([parts[0] ?? v.path, v.field].filter((x) => typeof x === "string" && x !== ""))];
}
function passes(t, x, schema) {
  const parsed = parseArguments2(x);
  if (parsed.invalid || parsed.value === void 0 || x.tool?.positionalArguments !== void 0) return false;
  if (checkSchema(parsed.value, schema).length) return false;
  return !isErrorSpan(x) && reportsNoFailure(t, x);
}
function cutOffFinding(agent, total, g) {
  const fields = [...g.values].sort((a, b) => b[1] - a[1]).map(([p]) => `\`${p}\``);
  const reasons = [...g.stopReasons];
  const stopped = reasons.reduce((n, [, c]) => n + c, 0);
  const how = [
    stopped ? `the provider recorded stop reason ${reasons.map(([r]) => `\`${r}\``).join(" or ")} for ${stopped === g.calls ? g.calls === 1 ? "it" : "each" : `${stopped} of them`}` : "",
    g.atMax ? `output tokens at the request's max tokens, or one short of it, for ${g.atMax === g.calls ? g.calls === 1 ? "it" : "each" : `${g.atMax} of them`}` : ""
  ].filter(Boolean).join("; ");
  const besides = [...g.besides.values()];
  return buildFinding({
    title: `${g.tool}: arguments cut off at the model's output limit`,
    category: "tool_arguments",
    severity: "medium",
    summary: `${shareText(g.traces.size, total)} of ${agentPhrase(agent)} call \`${g.tool}\` with arguments that stop part-way (${count(g.calls, "call")}): each was emitted by a model reply that stopped at its output limit (${how}).${g.unparsed ? ` ${g.unparsed === g.calls ? g.calls === 1 ? "Its arguments do" : "Their arguments do" : `The arguments of ${g.unparsed} of them do`} not parse as JSON.` : ""}${fields.length ? ` The arguments as cut lack required ${fields.length === 1 ? "field" : "fields"} ${fields.slice(0, 8).join(", ")}${fields.length > 8 ? ", \u2026" : ""}.` : ""}${besides.length ? ` Besides the cut, ${besides.slice(0, 3).join("; ")}.` : ""}`,
    rootCause: `The model reply that emitted these arguments stopped at its output limit: the arguments were cut off part-way, so what they lack was never sent.`,
    confirmed: true,
    fix: `Raise the output limit (max tokens) for the calls that emit \`${g.tool}\`, or treat a reply stopped for length (finish_reason "length", stop_reason "max_tokens") as failed and retry it with more room; schema wording cannot fix arguments that were cut off.`,
    fixKind: "config",
    component: `tool:${g.tool}`,
    signature: "arguments_cut_off",
    monitor: `Count of model calls that stop at their output limit while emitting \`${g.tool}\`, per day.`,
    detector: "tool-arguments",
    traceIds: g.traces,
    citations: g.citations,
    total,
    data: { agent, tool: g.tool, calls: g.calls, fields: Object.fromEntries(g.values), stopReasons: Object.fromEntries(g.stopReasons), atMax: g.atMax }
  });
}
function recoveryText(g, error = "validation error", check = "passed the check") {
  if (!g.returned) return "";
  const all = g.returned === g.calls;
  const who = all ? g.calls === 1 ? "The" : "Each time the" : `For ${g.returned} of them the`;
  const head = `${who} ${error} went back to the model (a later model call's input holds it verbatim)`;
  const one = g.returned === 1;
  const n = (k) => k === g.returned ? one ? "" : "each time " : `${k} ${k === 1 ? "time" : "times"}: `;
  const parts = [
    g.passedFirst ? `${n(g.passedFirst)}the next \`${g.tool}\` call, which the model made after reading it, ${check}` : "",
    g.passedLater ? `${n(g.passedLater)}the model's retry failed again, and a later retry, made after reading that error too, ${check.replace(/^passed the check$/, "passed")}` : "",
    g.retryFailed ? `${n(g.retryFailed)}the model retried after reading it, and no retry passed` : "",
    g.noRetry ? `${n(g.noRetry)}the model that read it made no further \`${g.tool}\` call` : ""
  ].filter(Boolean);
  return ` ${head}; ${parts.join("; ")}.`;
}
function schemaFinding(agent, total, g) {
  const v = g.violation;
  const recovered = g.passedFirst + g.passedLater;
  const values = [...g.values].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const what = v.kind === "missing" ? `omit the required field \`${v.path}\`` : v.kind === "enum" ? `set \`${v.path}\` to values outside its enum (${values.map(([x, n]) => `${x} \xD7${n}`).join(", ")}; allowed: ${v.expected})` : v.kind === "type" ? `pass \`${v.path}\` with the wrong type (expected ${v.expected}; got ${values.map(([x]) => x).join(", ")})` : `pass \`${v.path}\`, which the schema does not declare`;
  const fix = v.kind === "missing" ? `Make \`${v.path}\` impossible to forget: keep it in \`required\`, describe in the \`${g.tool}\` tool description where its value comes from, enable strict function calling, and validate arguments against the schema before calling (returning the validation error to the model).` : v.kind === "enum" ? `List the allowed values of \`${v.path}\` (${v.expected}) in the \`${g.tool}\` description, enable strict function calling so the enum is enforced, and reject other values before execution with the allowed list.` : v.kind === "type" ? `State the type of \`${v.path}\` (${v.expected}) in the \`${g.tool}\` description with an example, enable strict function calling, and validate before execution.` : `Remove \`${v.path}\` from what the prompt suggests, or declare it in the \`${g.tool}\` schema if the tool accepts it.`;
  return buildFinding({
    title: `${g.tool}: arguments ${v.kind === "missing" ? `miss required \`${v.path}\`` : v.kind === "enum" ? `use invalid \`${v.path}\` values` : v.kind === "type" ? `have wrong type for \`${v.path}\`` : `include undeclared \`${v.path}\``}`,
    category: "tool_arguments",
    // Recovered each time by a retry the model made after being told: what it costs is the extra calls.
    severity: recovered === g.calls ? "low" : v.kind === "unexpected" || recovered > 0 ? "medium" : "high",
    summary: `${shareText(g.traces.size, total)} of ${agentPhrase(agent)} call \`${g.tool}\` with arguments that ${what}: ${count(g.calls, "call breaks", "calls break")} the tool's declared JSON schema.${recoveryText(g)}`,
    rootCause: `The arguments the model sends to \`${g.tool}\` violate its declared schema (${describe(v)}); the schema is in the trace, so this is confirmed, not inferred.`,
    confirmed: true,
    fix: recovered === g.calls ? `The run already sends the validation error back and the model's retry passes: ${fix.charAt(0).toLowerCase()}${fix.slice(1)} Only the extra ${g.passedLater ? "calls are" : "call is"} saved.` : fix,
    fixKind: "tool_schema",
    component: `tool:${g.tool}`,
    signature: g.signature,
    monitor: `Validate \`${g.tool}\` arguments against its schema in production and count \`${g.signature}\` per day (should be 0).`,
    detector: "tool-arguments",
    traceIds: g.traces,
    citations: g.citations,
    total,
    data: { agent, tool: g.tool, calls: g.calls, violation: { kind: v.kind, path: v.path, expected: v.expected }, values: Object.fromEntries(values), recovery: { returned: g.returned, passedFirst: g.passedFirst, passedLater: g.passedLater, retryFailed: g.retryFailed, noRetry: g.noRetry } }
  });
}

// sandbox/detectors/argument-shapes.ts
var MAX_ARGS = 12;
var QUOTE_START = /^\s*["\u201c\u201d\u201e\u00ab]/;
var NUMBER2 = /^\s*-?\d+(?:\.\d+)?\s*$/;
var TOKEN_LIST = /^\s*[^\s,;|]+(?:\s*,\s*[^\s,;|]+)*\s*$/;
function kindOf(v) {
  if (v == null) return "empty";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "boolean";
  if (Array.isArray(v)) return v.length ? "list" : "empty";
  if (typeof v === "object") return Object.keys(v).length ? "object" : "empty";
  const s = String(v);
  if (!s.trim()) return "empty";
  return NUMBER2.test(s) ? "number" : "text";
}
function itemsOf(v) {
  if (Array.isArray(v)) return v.length;
  if (typeof v === "string" && TOKEN_LIST.test(v)) return v.split(",").length;
  return void 0;
}
function shapeCode(v) {
  const kind = kindOf(v);
  const items = kind === "empty" ? void 0 : itemsOf(v);
  return `${kind}${typeof v === "string" && QUOTE_START.test(v) ? '"' : ""}${items !== void 0 ? `#${items}` : ""}`;
}
function decodeShape(code) {
  const m = /^(\w+)(")?(?:#(\d+))?$/.exec(code);
  return { kind: m[1], quote: m[2] !== void 0, ...m[3] !== void 0 ? { items: Number(m[3]) } : {} };
}
function declaredKind(prop) {
  if (!prop || typeof prop !== "object") return void 0;
  const p = prop;
  const type = Array.isArray(p.type) ? void 0 : p.type;
  if (type === "integer" || type === "number") return "number:type";
  if (type === "boolean") return "boolean:type";
  if (type === "array") return "list:type";
  if (type === "object") return "object:type";
  if (type === "string") {
    const ex = p.example_value ?? p.example ?? (Array.isArray(p.examples) ? p.examples[0] : void 0);
    return typeof ex === "string" && NUMBER2.test(ex) || typeof ex === "number" ? "number:example" : void 0;
  }
  return void 0;
}
function argumentExcerpt(s, key, v) {
  const raw = s.tool?.arguments;
  const text = typeof raw === "string" ? raw : textOf2(raw);
  if (key === "") return excerpt(text, 0, 120);
  const pair = `${JSON.stringify(key)}:${JSON.stringify(v) ?? ""}`;
  const at = text.indexOf(pair);
  if (at >= 0) return excerpt(text, at, Math.min(120, pair.length));
  const named = text.indexOf(JSON.stringify(key));
  return excerpt(text, Math.max(0, named), 120);
}
function masked(text, entries) {
  let out = text;
  const values = entries.filter((e) => typeof e[1] === "string" && e[1].trim().length >= 3).sort((a, b) => b[1].length - a[1].length);
  for (const [k, v] of values) {
    const mark = `<${k || "input"}>`;
    for (const form of [v.trim(), v.trim().replace(/^["\u201c\u201d\u201e\u00ab]+|["\u201c\u201d\u201e\u00bb]+$/g, "")]) if (form.length >= 3) out = out.split(form).join(mark);
  }
  return out.split(/(?<=\.)\s/, 1)[0].slice(0, 160);
}
function shapeCalls(t) {
  const calls = [];
  const declared = {};
  const seen = /* @__PURE__ */ new Set();
  const declaredTools2 = /* @__PURE__ */ new Set();
  for (const s of indexTrace(t).tools) {
    const tool = toolName(s);
    if (!tool) continue;
    const parsed = parseArguments2(s);
    let entries;
    if (parsed.invalid) continue;
    if (parsed.value !== void 0 && parsed.value !== null && typeof parsed.value === "object" && !Array.isArray(parsed.value)) entries = Object.entries(parsed.value).slice(0, MAX_ARGS);
    else if (typeof s.tool?.arguments === "string" && parsed.value === void 0) entries = [["", s.tool.arguments]];
    else continue;
    if (!entries.length) continue;
    const f = callFailure(t, s);
    const call = { tool, args: Object.fromEntries(entries.map(([k, v]) => [k, shapeCode(v)])) };
    if (f) {
      const text = f.text.replace(/\s+/g, " ").trim().slice(0, 160) || "failed";
      const answer = masked(text, entries);
      call.failed = { spanId: s.spanId, text, ...answer !== text ? { answer } : {}, excerpts: Object.fromEntries(entries.map(([k, v]) => [k, argumentExcerpt(s, k, v)])) };
    }
    const id = `${tool}\0${textOf2(s.tool?.arguments)}`;
    if (seen.has(id)) call.dup = 1;
    seen.add(id);
    calls.push(call);
    if (!declaredTools2.has(tool)) {
      declaredTools2.add(tool);
      const d = declarationFor(t, s);
      const props = d && d !== "conflict" ? d.schema?.properties : void 0;
      if (props && typeof props === "object") {
        for (const [k, p] of Object.entries(props)) {
          const kind = declaredKind(p);
          if (kind) declared[`${tool}\0${k}`] = kind;
        }
      }
    }
  }
  return { calls, declared };
}
var KIND_NAME = { number: "a number", text: "text", boolean: "true or false", list: "a list", object: "an object", empty: "empty" };
function argName(key) {
  return key === "" ? "the input" : `\`${key}\``;
}
function shapesFor(tool, key, uses, declared) {
  const name = argName(key);
  const t = `\`${tool}\``;
  const out = [];
  out.push({
    id: "quoted",
    has: "starts with a quotation mark",
    without: "without",
    fix: `Make ${t} strip quotation marks around ${name} before it uses the value, or say in its description that ${name} is sent without quotation marks.`,
    featured: (u) => u.arg.quote,
    baseline: (u) => !u.arg.quote && u.arg.kind !== "empty"
  });
  out.push({
    id: "empty",
    has: "is empty",
    without: "that sent a value",
    fix: `Make ${t} handle an empty ${name}, or say in its description that ${name} must not be empty.`,
    featured: (u) => u.arg.kind === "empty",
    baseline: (u) => u.arg.kind !== "empty"
  });
  const kinds = /* @__PURE__ */ new Map();
  let valued = 0;
  for (const u of uses) {
    if (u.arg.kind === "empty") continue;
    valued++;
    kinds.set(u.arg.kind, (kinds.get(u.arg.kind) ?? 0) + 1);
  }
  let want;
  let source = "";
  if (declared) {
    const [kind, by] = declared.split(":");
    want = kind;
    source = by === "type" ? `its declared type is ${KIND_NAME[kind]}` : `the declaration's example is ${KIND_NAME[kind]}`;
  } else {
    const top = [...kinds].sort((a, b) => b[1] - a[1])[0];
    if (top && top[1] * 2 > valued) {
      want = top[0];
      source = `${top[1]} of the ${valued} calls that sent a value sent ${KIND_NAME[top[0]]}`;
    }
  }
  if (want) {
    const expected = want;
    for (const k of kinds.keys()) {
      if (k === expected) continue;
      out.push({
        id: `kind:${k}`,
        has: `is ${KIND_NAME[k]}, not ${KIND_NAME[expected]},`,
        without: `that sent ${KIND_NAME[expected]}`,
        expected: source,
        fix: `Make ${t} accept ${KIND_NAME[k]} in ${name}, or say in its description, with an example, that ${name} takes ${KIND_NAME[expected]}.`,
        featured: (u) => u.arg.kind === k,
        baseline: (u) => u.arg.kind === expected
      });
    }
  }
  const listed = uses.filter((u) => u.arg.items !== void 0);
  if (listed.length * 3 >= valued * 2) {
    const lengths = [...new Set(listed.map((u) => u.arg.items))].sort((a, b) => a - b);
    for (const n of lengths.slice(0, -1)) {
      const items = `${n} item${n === 1 ? "" : "s"}`;
      out.push({
        id: "items",
        cut: n,
        has: `lists more than ${items}`,
        without: `with at most ${n}`,
        fix: `Make ${t} accept more than ${items} in ${name}, or say in its description that ${name} takes at most ${items}.`,
        featured: (u) => u.arg.items !== void 0 && u.arg.items > n,
        baseline: (u) => u.arg.items !== void 0 && u.arg.items <= n
      });
    }
  }
  return out;
}
function shapeTests(runs, opts = {}) {
  const minCalls = opts.minCalls ?? 8;
  const minBaseline = opts.minBaseline ?? 8;
  const minTraces = opts.minTraces ?? Math.max(2, minPatternTraces(runs.length));
  const byArg = /* @__PURE__ */ new Map();
  for (const { run, obs } of runs) {
    for (const call of obs.calls) {
      for (const [key, code] of Object.entries(call.args)) {
        const id = `${call.tool}\0${key}`;
        let g = byArg.get(id);
        if (!g) byArg.set(id, g = { tool: call.tool, key, uses: [], declared: /* @__PURE__ */ new Set() });
        g.uses.push({ runId: run.traceId, call, key, arg: decodeShape(code) });
      }
    }
    for (const [id, d] of Object.entries(obs.declared)) byArg.get(id)?.declared.add(d);
  }
  const out = [];
  for (const { tool, key, uses, declared } of byArg.values()) {
    const decl = declared.size === 1 ? [...declared][0] : void 0;
    for (const shape of shapesFor(tool, key, uses, decl)) {
      const featured = uses.filter(shape.featured);
      const baseline = uses.filter(shape.baseline);
      if (featured.length < minCalls || baseline.length < minBaseline) continue;
      const runsWith = new Set(featured.map((u) => u.runId));
      if (runsWith.size < minTraces) continue;
      const failed = featured.filter((u) => u.call.failed !== void 0).length;
      const baseFailed = baseline.filter((u) => u.call.failed !== void 0).length;
      const p = fisherGreater(failed, featured.length - failed, baseFailed, baseline.length - baseFailed);
      const tables = /* @__PURE__ */ new Map();
      for (const u of featured) {
        const tb = tables.get(u.runId) ?? tables.set(u.runId, [0, 0, 0, 0]).get(u.runId);
        tb[u.call.failed !== void 0 ? 0 : 1]++;
      }
      for (const u of baseline) {
        const tb = tables.get(u.runId);
        if (tb) tb[u.call.failed !== void 0 ? 2 : 3]++;
      }
      const mixed = [...tables.values()].filter((tb) => tb[2] + tb[3] > 0);
      out.push({ tool, key, shape, featured, baseline, failed, baseFailed, runs: runsWith, contrast: mixed.length, p, pRun: stratifiedGreater(mixed) });
    }
  }
  return out;
}
var argumentShapeSteps = {
  perRun: (t) => shapeCalls(t),
  global: argumentShapeFindings
};
var argumentShapes = oneShot(argumentShapeSteps);
function passingShapes(tests, opts = {}) {
  const alpha = opts.alpha ?? 0.01;
  const minRate = opts.minRate ?? 0.75;
  const minGap = opts.minGap ?? 0.4;
  const m = tests.length;
  const passed = tests.filter((x) => {
    const rate = x.failed / x.featured.length;
    const base = x.baseFailed / x.baseline.length;
    return x.p * m <= alpha && x.pRun * m <= alpha && x.contrast >= 2 && rate >= minRate && rate - base >= minGap;
  });
  const best = /* @__PURE__ */ new Map();
  for (const x of passed) {
    const id = `${x.tool}\0${x.key}\0${x.shape.id}`;
    const had = best.get(id);
    if (!had || x.pRun < had.pRun || x.pRun === had.pRun && x.p < had.p) best.set(id, x);
  }
  return [...best.values()];
}
function argumentShapeFindings(runs, opts) {
  const tests = shapeTests(runs, opts);
  return passingShapes(tests, opts).map((x) => finding(x, tests.length, runs.length));
}
function pText(p) {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
function finding(x, tests, total) {
  const name = argName(x.key);
  const has = x.shape.has.replace(/,$/, "");
  const failedUses = x.featured.filter((u) => u.call.failed !== void 0);
  const affected = new Set(failedUses.map((u) => u.runId));
  const citations = failedUses.map((u) => ({ traceId: u.runId, spanId: u.call.failed.spanId, excerpt: u.call.failed.excerpts[u.key], note: `failed: ${u.call.failed.text}` }));
  const occurrences = failedUses.map((u) => ({ traceId: u.runId, spanId: u.call.failed.spanId }));
  const answers = /* @__PURE__ */ new Map();
  for (const u of failedUses) {
    const a = u.call.failed.answer ?? u.call.failed.text;
    answers.set(a, (answers.get(a) ?? 0) + 1);
  }
  const top = [...answers].sort((a, b) => b[1] - a[1]);
  const distinct = x.featured.filter((u) => u.call.dup === void 0);
  const distinctFailed = distinct.filter((u) => u.call.failed !== void 0).length;
  const without = x.shape.without === "without" ? "without it" : x.shape.without;
  return buildFinding({
    title: `${x.tool}: calls whose ${name} ${x.shape.has} failed ${x.failed} of ${x.featured.length} times (${x.baseFailed} of ${x.baseline.length} ${x.shape.without})`,
    category: "tool_arguments",
    severity: "medium",
    summary: `\`${x.tool}\` was called ${x.featured.length} times in ${count(x.runs.size, "run")} with ${name} that ${has}${x.shape.expected ? ` (${x.shape.expected})` : ""}; ${x.failed} of those calls failed` + (distinct.length < x.featured.length ? ` (${distinctFailed} of ${distinct.length} when a call repeated unchanged in its run counts once)` : "") + `. Of the ${x.baseline.length} calls ${without}, ${x.baseFailed} failed. One-sided Fisher exact test: p = ${pText(x.p)} over all calls, and p = ${pText(x.pRun)} within runs (stratified by run, over the ${x.contrast} runs with calls both with and without the shape), each below 0.01 after Bonferroni's correction for the ${count(tests, "argument shape")} tested in this window. The failed calls are in ${shareText(affected.size, total)}. A call counts as failed when its status is an error, its result reports an error or is only an API message, or its result says it found nothing. What the tool answered: ${top.slice(0, 3).map(([a, n]) => `"${a.slice(0, 120)}" \xD7${n}`).join("; ")}${top.length > 3 ? `; ${count(top.length - 3, "other answer")}` : ""}.`,
    rootCause: `Calls whose ${name} ${x.shape.has} failed far more often than the calls ${without}, within runs as well as across them. Why the tool fails on this shape is not checked; the cited calls show what it answered.`,
    fix: x.shape.fix,
    fixKind: "tool_schema",
    component: `tool:${x.tool}`,
    signature: `argument_shape:${x.key}:${x.shape.id}`,
    monitor: `Share of \`${x.tool}\` calls whose ${name} ${has}, and how many of them fail, per day.`,
    detector: "argument-shapes",
    traceIds: affected,
    citations,
    total,
    data: {
      tool: x.tool,
      argument: x.key,
      shape: x.shape.id,
      ...x.shape.cut !== void 0 ? { cut: x.shape.cut } : {},
      withShape: { calls: x.featured.length, failed: x.failed, runs: x.runs.size, distinctCalls: distinct.length, distinctFailed },
      withoutShape: { calls: x.baseline.length, failed: x.baseFailed },
      contrastRuns: x.contrast,
      p: x.p,
      pWithinRuns: x.pRun,
      tests,
      occurrences
    }
  });
}

// sandbox/detectors/consistency.ts
function choose(n, k) {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = r * (n - k + i) / i;
  return r;
}
function passHatK(n, c, k) {
  return choose(n, k) ? choose(c, k) / choose(n, k) : 0;
}
function trialPassed(t, threshold = 1) {
  const o = t.outcome;
  if (!o) return null;
  if (typeof o.success === "boolean") return o.success;
  if (typeof o.reward === "number") return o.reward >= threshold - 1e-9;
  return null;
}
function passK(traces, threshold = 1) {
  const tasks2 = [];
  for (const [taskId, list2] of groupBy(traces.filter((t) => typeof t.taskId === "string" && t.taskId !== ""), (t) => t.taskId)) {
    const judged = list2.filter((t) => trialPassed(t, threshold) !== null);
    if (!judged.length) continue;
    const n = judged.length;
    const c = judged.filter((t) => trialPassed(t, threshold)).length;
    const curve = [];
    for (let k = 1; k <= n; k++) curve.push({ k, value: passHatK(n, c, k) });
    tasks2.push({ taskId, trials: n, passes: c, passK: curve, traceIds: judged.map((t) => t.traceId) });
  }
  return { tasks: tasks2, curve: passKCurve(tasks2) };
}
function passKCurve(tasks2) {
  const maxN = tasks2.reduce((m, t) => Math.max(m, t.trials), 0);
  const curve = [];
  for (let k = 1; k <= maxN; k++) {
    const eligible = tasks2.filter((t) => t.trials >= k);
    curve.push({ k, value: eligible.reduce((s, t) => s + t.passK[k - 1].value, 0) / eligible.length, tasks: eligible.length });
  }
  return curve;
}
var consistencySteps = {
  perRun: (t) => ({ root: indexTrace(t).root?.spanId, config: configOf(t) }),
  global: consistencyFindings
};
function configOf(t) {
  const counts = /* @__PURE__ */ new Map();
  for (const s of t.spans) if (s.kind === "llm" && s.model) counts.set(s.model, (counts.get(s.model) ?? 0) + 1);
  let best = null;
  for (const [m, n] of counts) if (best === null || n > counts.get(best) || n === counts.get(best) && m < best) best = m;
  return best !== null ? `model ${best}` : `file ${t.source.file}`;
}
var consistency = oneShot(consistencySteps);
function consistencyFindings(runs, opts) {
  const out = [];
  for (const [agent, ofAgent] of runsByAgent(runs)) {
    const configs = /* @__PURE__ */ new Map();
    for (const r of ofAgent) {
      const list2 = configs.get(r.obs.config);
      if (list2) list2.push(r);
      else configs.set(r.obs.config, [r]);
    }
    for (const [config, observed] of configs) out.push(...consistencyOf(agent, configs.size > 1 ? config : null, observed, opts));
  }
  return out;
}
function consistencyOf(agent, config, observed, opts) {
  const minTrials = opts.minTrials ?? 2;
  const out = [];
  {
    const list2 = observed.map((r) => r.run);
    const repeated = passK(list2, opts.threshold).tasks.filter((t) => t.trials >= minTrials);
    if (!repeated.length) return out;
    const curve = passKCurve(repeated);
    const flaky = repeated.filter((t) => t.passes > 0 && t.passes < t.trials).sort((a, b) => naturalCompare(a.taskId, b.taskId));
    if (!flaky.length) return out;
    const byId = new Map(observed.map((r) => [r.run.traceId, r]));
    const traceIds = flaky.flatMap((t) => t.traceIds);
    const citations = [];
    for (const task of flaky) {
      const trials = task.traceIds.map((id) => byId.get(id));
      const fail = trials.find((t) => trialPassed(t.run, opts.threshold) === false);
      const pass = trials.find((t) => trialPassed(t.run, opts.threshold) === true);
      for (const [t, what] of [[fail, "failed"], [pass, "passed"]]) {
        if (t) citations.push({ traceId: t.run.traceId, spanId: t.obs.root, note: `task ${task.taskId}: this trial ${what}; ${task.passes}/${task.trials} trials passed` });
      }
    }
    const p1 = curve[0].value;
    const last = curve[Math.min(curve.length, maxCommonK(repeated)) - 1];
    const taskIds = flaky.map((t) => t.taskId);
    const inConfig = config === null ? "" : ` && ${lit(observed.map((r) => r.run.traceId))}.includes(t.traceId)`;
    const predicate = `(t) => ${AGENT_EXPR} === ${lit(agent)}${inConfig} && ${lit(taskIds)}.includes(t.taskId) && t.outcome != null && (typeof t.outcome.success === "boolean" || typeof t.outcome.reward === "number")`;
    const made = config === null ? "" : ` (${config.replace(/^file .*[\\/]/, "file ")})`;
    out.push(
      buildFinding({
        // The runs vary, not necessarily the agent: a simulated user or the environment can differ between trials.
        title: `${agentLabel(agent)} runs${made}: the same task passes on some trials and fails on others (pass^${last.k} ${fmt(last.value)} vs pass^1 ${fmt(p1)})`,
        category: "consistency",
        severity: p1 - last.value >= 0.15 ? "high" : "medium",
        summary: `${flaky.length} of ${repeated.length} tasks of ${agentPhrase(agent)}${made} with repeated trials pass on some trials and fail on others. pass^k falls from ${fmt(p1)} at k=1 to ${fmt(last.value)} at k=${last.k}: the chance that ${last.k} trials of the same task all pass. Flaky tasks: ${taskIds.slice(0, 15).join(", ")}${taskIds.length > 15 ? ", \u2026" : ""}.`,
        rootCause: `The same task passes on some trials and fails on others, so the outcome is not fixed by the task; the traces show that it varies, not which decision made the difference (compare a passing and a failing trial of one flaky task).`,
        fix: `Compare a passing and a failing trial of each flaky task (cited pairs) to find the first point where they diverge (the agent's decision, or what the user or environment said); if it is the agent's, tighten the instruction or tool description that governs it; either way, track pass^k (not only pass^1) in the ${agent === "unknown" ? "agent's" : agent} eval.`,
        fixKind: "eval",
        component: `agent:${agent}`,
        signature: config === null ? "consistency:pass_k" : `consistency:pass_k:${config}`,
        monitor: `pass^k of ${agent} (k = 1..${last.k}) on a fixed task set, per release; alert when pass^${last.k} drops.`,
        detector: "consistency",
        traceIds,
        citations,
        total: list2.length,
        predicate: predicate.length <= 4e3 ? predicate : void 0,
        maxEvidence: 40,
        data: {
          agent,
          ...config === null ? {} : { config },
          passK: curve.map(({ k, value }) => ({ k, value })),
          tasksPerK: curve.map(({ k, tasks: tasks2 }) => ({ k, tasks: tasks2 })),
          flakyTasks: taskIds,
          tasks: repeated.slice(0, 2e3).map(({ taskId, trials, passes: passes2, passK: passK2 }) => ({ taskId, trials, passes: passes2, passK: passK2 }))
        }
      })
    );
  }
  return out;
}
function maxCommonK(tasks2) {
  return tasks2.reduce((m, t) => Math.min(m, t.trials), Infinity);
}
function naturalCompare(a, b) {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
function fmt(v) {
  return v.toFixed(2);
}

// sandbox/detectors/provider-capacity.ts
var PROVIDER_CAPACITY = /\b(429|500|502|503|504|529)\b|rate.?limit|too many requests|overload|throttl|RateLimitError|InternalServerError|ServiceUnavailable|APIConnectionError|APITimeoutError|Timeout(Error)?\b|timed out/i;
function isCapacity(f) {
  return f.source === "detector:error-signatures" && f.key.component.startsWith("model:") && PROVIDER_CAPACITY.test(f.key.signature);
}
function groupProviderCapacity(findings) {
  const groups = /* @__PURE__ */ new Map();
  for (const f of findings) if (isCapacity(f)) (groups.get(f.key.component) ?? groups.set(f.key.component, []).get(f.key.component)).push(f);
  const replaced = /* @__PURE__ */ new Map();
  for (const [component, parts] of groups) {
    if (parts.length < 2) continue;
    const where2 = component.slice("model:".length);
    const ids = new Set(parts.flatMap((p) => p.data?.traceIds ?? []));
    const total = parts[0].prevalence?.total ?? ids.size;
    const variants = parts.map((p) => [String(p.key.signature).replace(/^error:/, ""), (p.data?.traceIds ?? []).length]).sort((a, b) => b[1] - a[1]);
    const queues = parts.map((p) => [...p.evidence]);
    const citations = [];
    while (queues.some((q) => q.length)) for (const q of queues) if (q.length) citations.push(q.shift());
    const spans = parts.reduce((n, p) => n + Number(p.data?.spans ?? 0), 0);
    const recovered = parts.reduce((n, p) => n + Number(p.data?.recovered ?? 0), 0);
    const laterOk = parts.reduce((n, p) => n + Number(p.data?.laterOk ?? 0), 0);
    const allLater = spans > 0 && laterOk === spans;
    const longestS = Math.round(Math.max(0, ...parts.map((p) => Number(p.data?.longestMs ?? 0))) / 1e3);
    const wait = longestS >= 60 ? ` The longest failed call took ${longestS} s before it failed.` : "";
    const fate = recovered === spans && spans > 0 ? `each time the next call to it ran without error and the error did not come back` : allLater ? `each was followed later in the run by a call to it that worked (${recovered ? `${recovered} of ${spans} by the next call, with the error not coming back` : "not always the next one"})` : recovered > 0 ? `${recovered} of ${spans} were followed by a next call to it that ran without error, with the error not coming back; the others were not` : `none was followed by a next call to it that ran without error`;
    const merged = buildFinding({
      title: `${where2}: ${allLater ? "calls refused for capacity, then got through" : "model provider unavailable"} (${variants.map(([v]) => firstLine(v, 40)).join("; ")})`,
      category: "errors_recovery",
      severity: allLater ? "low" : parts.some((p) => p.severity === "high") ? "high" : "medium",
      summary: `Calls to the model behind \`${where2}\` failed for capacity reasons in ${shareText(ids.size, total)}. As: ${variants.map(([v, n]) => `"${firstLine(v, 80)}" (${n} run${n === 1 ? "" : "s"})`).join(", ")}.`,
      rootCause: `The provider refused or failed these model calls for capacity reasons (rate limit, overload, 5xx, timeouts; the error messages are cited); ${fate}.${wait}`,
      fix: allLater ? `These calls got through on a later attempt: what they cost is the waiting and the extra calls. ${longestS >= 60 ? `Set the client's request timeout well under ${longestS} s so a hung call fails fast and is retried; pace` : "Pace"} model calls to the provider's limits (a client-side rate limiter), and fall back to another deployment or model when a call keeps failing.` : `${recovered === spans && spans > 0 ? "Each was handled by the next call; where the extra calls and waiting matter: " : ""}Pace model calls to the provider's limits (a client-side rate limiter), retry 429, overloaded and 5xx errors with jittered backoff honouring retry-after, and fall back to another deployment or model when retries run out.`,
      fixKind: "config",
      component,
      signature: "error:provider_capacity",
      monitor: `Count of \`${where2}\` calls failing with rate-limit, overload or 5xx errors, per day.`,
      detector: "error-signatures",
      traceIds: ids,
      citations,
      total,
      data: {
        component,
        signature: "provider_capacity",
        variants: Object.fromEntries(variants),
        spans,
        recovered,
        laterOk,
        occurrences: parts.flatMap((p) => p.data?.occurrences ?? [])
      }
    });
    replaced.set(parts[0], merged);
    for (const p of parts.slice(1)) replaced.set(p, null);
  }
  if (replaced.size === 0) return findings;
  return findings.flatMap((f) => replaced.has(f) ? replaced.get(f) ? [replaced.get(f)] : [] : [f]);
}

// sandbox/detectors/outcomes.ts
var FAIL_LABEL = /\b(fail(ed|ure)?|error|incorrect|wrong|unresolved|rejected|timeout|abandoned)\b/i;
var FAIL_LABEL_SRC = FAIL_LABEL.source;
function outcomeFailed(t) {
  const o = t.outcome;
  if (!o) return false;
  if (o.success === false) return true;
  if (o.success === true) return false;
  if (typeof o.reward === "number") return o.reward <= 0;
  return typeof o.label === "string" && FAIL_LABEL.test(o.label);
}
function outcomeJudged(t) {
  const o = t.outcome;
  return o != null && (typeof o.success === "boolean" || typeof o.reward === "number" || typeof o.label === "string");
}
var OUTCOME_FAILED_EXPR = `(t.outcome != null && (t.outcome.success === false || (t.outcome.success !== true && (typeof t.outcome.reward === "number" ? t.outcome.reward <= 0 : (typeof t.outcome.label === "string" && new RegExp(${lit(FAIL_LABEL_SRC)}, "i").test(t.outcome.label))))))`;
function runErrored(t) {
  const root = indexTrace(t).root;
  return root ? root.status === "error" || root.error != null : t.status === "error";
}
var RUN_ERRORED_EXPR = `((r) => r ? (r.status === "error" || r.error != null) : t.status === "error")(t.spans.find((s) => s.spanId === t.rootSpanId) || t.spans.find((s) => s.parentId == null))`;
function runEndedOk(t) {
  return !runErrored(t) && !outcomeFailed(t);
}
function erroredWithoutVerdict(t) {
  return runErrored(t) && !outcomeFailed(t) && t.outcome?.success !== true && !(typeof t.outcome?.reward === "number" && t.outcome.reward > 0);
}
var ERRORED_EXPR = `(${RUN_ERRORED_EXPR} && !${OUTCOME_FAILED_EXPR} && !(t.outcome != null && (t.outcome.success === true || (typeof t.outcome.reward === "number" && t.outcome.reward > 0))))`;
var failedOutcomeSteps = {
  perRun(t) {
    const failed = outcomeFailed(t);
    const errored = erroredWithoutVerdict(t);
    const out = { failed, errored };
    if (failed) {
      out.firstError = firstError(t);
      out.citation = rootCitation(t, `outcome ${textOf2(t.outcome)}`);
    } else if (errored) {
      const root = indexTrace(t).root;
      out.failingStep = t.spans.some((s) => s !== root && isErrorSpan(s));
      out.citation = rootCitation(t);
    }
    return out;
  },
  global: outcomeFindings
};
var failedOutcomes = oneShot(failedOutcomeSteps);
function outcomeFindings(runs, opts) {
  const minTraces = opts.minTraces ?? 1;
  const out = [];
  for (const [agent, list2] of runsByAgent(runs)) {
    const failed = list2.filter((r) => r.obs.failed);
    if (failed.length >= minTraces) {
      const labels = countLabels(failed.map((r) => r.run));
      const withVerdict = list2.filter((r) => r.run.outcome != null).length;
      const first = firstErrors(failed.map((r) => r.obs.firstError ?? null));
      const [topCause, topCount] = first.causes[0] ?? ["", 0];
      const dominant = topCount >= 0.5 * failed.length;
      out.push(
        buildFinding({
          title: `${agentLabel(agent)}: ${count(failed.length, "run")} failed their task`,
          category: "outcome",
          severity: failed.length / Math.max(1, withVerdict) >= 0.2 ? "high" : "medium",
          summary: `${shareText(failed.length, list2.length)} of ${agentPhrase(agent)} ended with a failing outcome (success false, reward 0 or a failure label).${labelText(labels)} First error in the failed runs: ${first.causes.slice(0, 3).map(([c, n]) => `${c} (${n})`).join("; ") || "none"}; ${first.none} failed without any error span.`,
          rootCause: dominant ? `Most failed runs (${topCount} of ${failed.length}) first go wrong at ${topCause}; the failure most likely starts there, though the outcome alone does not prove it.` : `The failed runs do not share one first error (${first.none} have no error span at all), so the causes differ per run \u2014 check the co-occurring findings (schema violations, loops, ignored errors) on these traces.`,
          fix: dominant ? `Fix ${topCause} first (see its error finding), then re-run the failed tasks of ${agentLabel(agent)} as a regression eval to confirm the success rate recovers.` : `Group the failed runs by their first error or deviation and fix the largest group first; add the failing tasks to the ${agentLabel(agent)} regression eval so the fix is measured.`,
          fixKind: "eval",
          component: `agent:${agent}`,
          signature: "outcome:failed",
          monitor: `Task success rate of ${agentLabel(agent)} per day; alert when the failed share rises above ${pct(failed.length, list2.length)}.`,
          detector: "outcomes",
          traceIds: failed.map((r) => r.run.traceId),
          citations: failed.map((r) => r.obs.citation),
          total: list2.length,
          predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${OUTCOME_FAILED_EXPR}`,
          data: { agent, labels, firstErrors: Object.fromEntries(first.causes.slice(0, 20)), withoutErrorSpan: first.none }
        })
      );
    }
    const errored = list2.filter((r) => r.obs.errored);
    if (errored.length >= minTraces) {
      out.push(
        buildFinding({
          title: `${agentLabel(agent)}: ${count(errored.length, "run")} ended in an error`,
          category: "outcome",
          severity: errored.length / list2.length >= 0.1 ? "high" : "medium",
          summary: `${shareText(errored.length, list2.length)} of ${agentPhrase(agent)} ended with an error status on the run itself.`,
          rootCause: runErrorCause(errored.filter((r) => r.obs.failingStep).length, errored.length),
          fix: runErrorFix(errored.filter((r) => r.obs.failingStep).length),
          fixKind: "code",
          component: `agent:${agent}`,
          signature: "outcome:run_error",
          monitor: `Share of ${agentLabel(agent)} runs with error status per day.`,
          detector: "outcomes",
          traceIds: errored.map((r) => r.run.traceId),
          citations: errored.map((r) => r.obs.citation),
          total: list2.length,
          predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${ERRORED_EXPR}`,
          data: { agent }
        })
      );
    }
  }
  return out;
}
function runErrorFix(withStep) {
  const handle = `Handle the failing step's error where it happens (retry, fallback, or a clear message to the user) instead of letting it end the run.`;
  if (withStep > 0) return handle;
  return `Find where the cited error is raised at run level and handle it there; wrap the work that raises it in its own span so the next failure shows which step it was.`;
}
function runErrorCause(withStep, errored) {
  if (withStep === errored) return `An error propagated to the top of these runs; the failing step is in the error findings for the same traces.`;
  if (withStep === 0) return `The error is set on the run's own span and no step below it failed, so the traces do not show where it came from; look at the run-level code (setup, teardown, the final answer) and the error text cited.`;
  return `In ${withStep} of ${errored} runs a step below also failed (see the error findings for the same traces); in the other ${errored - withStep} the error is set on the run's own span with no failing step below it, so the trace does not show where it came from.`;
}
function rootCitation(t, note2) {
  const root = indexTrace(t).root;
  if (!root) return { traceId: t.traceId, note: note2 };
  const msg = errorMessage(root);
  return { traceId: t.traceId, spanId: root.spanId, excerpt: msg ? excerpt(msg) : void 0, note: note2 };
}
function firstError(t) {
  let first = null;
  for (const s of t.spans) {
    if (s.spanId === t.rootSpanId || !isErrorSpan(s)) continue;
    if (!first || s.startTime < first.startTime) first = s;
  }
  return first ? `\`${spanComponent(first)}\` "${firstLine(errorSignature(first), 100)}"` : null;
}
function firstErrors(keys) {
  const counts = /* @__PURE__ */ new Map();
  let none = 0;
  for (const key of keys) {
    if (key === null) {
      none++;
      continue;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { causes: [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), none };
}
function countLabels(traces) {
  const m = {};
  for (const t of traces) if (t.outcome?.label) m[t.outcome.label] = (m[t.outcome.label] ?? 0) + 1;
  return m;
}
function labelText(labels) {
  const top = Object.entries(labels).sort((a, b) => b[1] - a[1]).slice(0, 3);
  return top.length ? ` Labels: ${top.map(([l, n]) => `${l} (${n})`).join(", ")}.` : "";
}
function pct(n, total) {
  return `${(100 * n / Math.max(1, total)).toFixed(1)}%`;
}

// sandbox/detectors/ignored-errors.ts
var ACKNOWLEDGE = /\b(errors?|fail(ed|s|ure|ing)?|unable|could ?n[o']t|can ?n[o']t|sorry|unfortunately|problems?|issues?|retry(ing)?|try(ing)? again|unavailable|timed? ?out|not (found|available|working|work)|didn'?t work|went wrong|apologi[sz]e|apologies|instead|unsuccessful|did ?n[o']t (?:yield|return|give|produce|succeed)|no results?)\b/i;
function nextStep(steps2, i) {
  const end = steps2[i].endTime;
  for (let j = i + 1; j < steps2.length; j++) if (steps2[j].startTime >= end) return j;
  return -1;
}
function acknowledges(llm, failedTool) {
  const text = replyText(llm).slice(0, 2e4);
  return ACKNOWLEDGE.test(text) || failedTool.length > 2 && text.includes(failedTool);
}
function replyText(llm) {
  const parts = [textOf2(llm.output)];
  const msgs = Array.isArray(llm.messages) ? llm.messages : [];
  let i = msgs.length;
  while (i > 0 && msgs[i - 1]?.role === "assistant") i--;
  for (let j = i; j < msgs.length; j++) parts.push(textOf2(msgs[j].content));
  return parts.join("\n");
}
function ignoredErrors(trace) {
  if (!runEndedOk(trace)) return [];
  const steps2 = indexTrace(trace).steps;
  const lastCall = /* @__PURE__ */ new Map();
  steps2.forEach((s, i) => {
    if (isToolSpan(s)) lastCall.set(toolName(s), i);
  });
  const ignored = [];
  for (let i = 0; i < steps2.length; i++) {
    const s = steps2[i];
    if (!isToolSpan(s) || !isErrorSpan(s)) continue;
    if (lastCall.get(toolName(s)) > i) continue;
    if (!carriedOnWithout(steps2, i)) continue;
    const next = steps2.slice(i + 1).find((x) => x.kind === "llm");
    if (othersCallsBetween(trace, s.startTime, next?.startTime ?? Infinity).length) continue;
    ignored.push(s);
  }
  return ignored;
}
function carriedOnWithout(steps2, i) {
  const name = toolName(steps2[i]);
  for (let j = nextStep(steps2, i); j >= 0; j = nextStep(steps2, j)) {
    const step = steps2[j];
    if (isToolSpan(step)) {
      if (!isErrorSpan(step)) return false;
      if (ACKNOWLEDGE.test(argumentsText(step))) return false;
      continue;
    }
    if (acknowledges(step, name)) return false;
    if (replyText(step).trim() !== "") return true;
  }
  return false;
}
function argumentsText(s) {
  return textOf2(s.tool?.arguments).slice(0, 2e4);
}
var ignoredErrorSteps = {
  perRun(t) {
    const agent0 = agentOf2(t);
    const actors = /* @__PURE__ */ new Set();
    for (const y of t.spans) {
      const a = spanAgent(y);
      if (a !== void 0) actors.add(a);
    }
    const ignored = [];
    for (const s of ignoredErrors(t)) {
      const owner = agent0 === "unknown" ? spanAgent(emittingCall(t, s) ?? s) : void 0;
      const tool = toolName(s);
      const msg = errorMessage(s);
      ignored.push({ owner, tool, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : void 0, note: `\`${tool}\` failed; no later call succeeded before the model's next reply, which does not mention the failure; the run ${outcomeJudged(t) ? "was judged a success" : "ended without an error (no verdict recorded)"}` } });
    }
    return { actors: [...actors], judged: outcomeJudged(t), ignored };
  },
  global: ignoredFindings
};
var ignoredErrorsDetector = oneShot(ignoredErrorSteps);
function ignoredFindings(runs, opts) {
  const minTraces = opts.minTraces ?? 1;
  const perAgent = /* @__PURE__ */ new Map();
  const actedIn = /* @__PURE__ */ new Map();
  for (const { obs } of runs) for (const a of obs.actors) actedIn.set(a, (actedIn.get(a) ?? 0) + 1);
  const groups = /* @__PURE__ */ new Map();
  for (const { run, obs } of runs) {
    const agent0 = run.agent;
    perAgent.set(agent0, (perAgent.get(agent0) ?? 0) + 1);
    for (const { owner, tool, citation } of obs.ignored) {
      const agent = owner ?? agent0;
      if (owner && !perAgent.has(owner)) perAgent.set(owner, actedIn.get(owner) ?? 0);
      let g = groups.get(agent);
      if (!g) groups.set(agent, g = { traces: /* @__PURE__ */ new Set(), citations: [], spans: 0, tools: /* @__PURE__ */ new Map(), judged: /* @__PURE__ */ new Set() });
      if (obs.judged) g.judged.add(run.traceId);
      g.spans++;
      g.tools.set(tool, (g.tools.get(tool) ?? 0) + 1);
      g.traces.add(run.traceId);
      g.citations.push(citation);
    }
  }
  const out = [];
  for (const [agent, g] of groups) {
    if (g.traces.size < minTraces) continue;
    const total = perAgent.get(agent) ?? runs.length;
    const tools = [...g.tools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const one = tools.length === 1 ? tools[0][0] : null;
    const listed = tools.slice(0, 8).map(([n, c]) => `\`${n}\` (${c})`).join(", ");
    out.push(
      buildFinding({
        title: one ? `${agentLabel(agent)} ignores failed \`${one}\` calls` : `${agentLabel(agent)} carries on after failed tool calls`,
        category: "errors_recovery",
        // High only where the record judges the runs a success: then the failure is hidden from whoever reads the verdict.
        severity: g.judged.size === g.traces.size ? "high" : "medium",
        summary: `In ${shareText(g.traces.size, total)} of ${agentPhrase(agent)}, a tool call fails, no call after it succeeds before the model's next reply (no retry, no other tool taking over), that reply says nothing about the failure, and ${endedText(g.judged.size, g.traces.size)} (${count(g.spans, "ignored error")}; by tool: ${listed}).`,
        rootCause: `The model answers after a failed tool call as if it had worked; the cited replies do not mention the failure. Whether the error text reached the model clearly is shown per span in the trace (the next call's input), not assumed here.`,
        fix: `Return tool failures to the model as an explicit, structured error ("<tool> failed: <reason>; retry or tell the user"), instruct it in the system prompt to retry once or tell the user, and have evaluation mark runs that end after an unhandled tool error as failed.`,
        fixKind: "prompt",
        component: `agent:${agent}`,
        signature: "ignored_error",
        monitor: `Share of successful ${agentLabel(agent)} runs containing a tool error that is not followed by a retry or an acknowledgement, per day.`,
        detector: "ignored-errors",
        traceIds: g.traces,
        citations: g.citations,
        total,
        data: { agent, spans: g.spans, tools: Object.fromEntries(tools) }
      })
    );
  }
  return out;
}
function endedText(judged, runs) {
  if (judged === runs) return "the run is still judged a success";
  if (judged === 0) return "the run still ends without an error (no verdict is recorded for these runs)";
  return `the run still ends without an error (${judged} of the ${runs} runs are judged a success; the others have no verdict)`;
}

// sandbox/detectors/accumulate.ts
function join3(into, from, rules) {
  const out = into ?? {};
  for (const [k, v] of Object.entries(from)) out[k] = joinValue(k, out[k], v, rules);
  return out;
}
function joinValue(key, a, b, rules) {
  if (typeof b === "number") return typeof a === "number" ? a + b : b;
  if (typeof b === "boolean") return rules.every?.includes(key) ? a === void 0 ? b : a === true && b : a ?? b;
  if (b instanceof Set) {
    const s = a instanceof Set ? a : /* @__PURE__ */ new Set();
    for (const x of b) s.add(x);
    return s;
  }
  if (b instanceof Map) {
    const m = a instanceof Map ? a : /* @__PURE__ */ new Map();
    for (const [k, v] of b) m.set(k, joinValue(key, m.get(k), v, rules));
    return m;
  }
  if (Array.isArray(b)) {
    const list2 = Array.isArray(a) ? a : [];
    const cap = rules.caps?.[key] ?? Infinity;
    for (const x of b) if (list2.length < cap) list2.push(x);
    return list2;
  }
  if (b !== null && typeof b === "object") return join3(a, b, rules);
  if (rules.last?.includes(key)) return b === void 0 ? a : b;
  return a ?? b;
}

// sandbox/detectors/causes.ts
var NO_MODULE = /\b(?:ModuleNotFoundError|ImportError): No module named '([\w.]+)'/;
function writtenBefore(t, s) {
  const tools = indexTrace(t).tools.filter((x) => x === s || x.startTime < s.startTime).map((x) => textOf2(x.tool?.arguments));
  const said = t.spans.filter((x) => x.kind === "llm" && x.endTime <= s.startTime).map((x) => textOf2(x.output));
  return [...tools, ...said];
}
function wordIn(text, word) {
  return new RegExp(`(^|[^\\w.])${word.replace(/\./g, "\\.")}(?![\\w])`).test(text);
}
function missingModule(t, s, message3) {
  const module = NO_MODULE.exec(message3)?.[1];
  if (!module) return null;
  const written = writtenBefore(t, s);
  const shadowed = new RegExp(`No module named '${module.replace(/\./g, "\\.")}'; '[\\w.]+' is not a package`).test(message3);
  let source = shadowed || written.some((w) => wordIn(w, module)) ? "agent" : "environment";
  let repoImports = false;
  if (source === "agent" && !shadowed && repositoryImports(t, s, module)) {
    source = "environment";
    repoImports = true;
  }
  const later = indexTrace(t).tools.filter((x) => x.startTime >= s.endTime && !isErrorSpan(x));
  const install = new RegExp(`\\b(pip3?|python3? -m pip|conda|mamba|uv(?: pip)?|poetry)\\s+(install|add)\\b[^\\n]*?(^|[\\s'"=])${module.replace(/_/g, "[-_]")}(?![\\w-])`, "i");
  const installedLater = later.some((x) => install.test(textOf2(x.tool?.arguments)));
  const created = written.some((w) => new RegExp(`(^|[\\s/'"])${module}(\\.py\\b|/)|\\b(mkdir|touch)\\b[^\\n]*\\b${module}\\b`).test(w));
  return { module, source, installedLater, created, ...repoImports ? { repoImports } : {} };
}
function repositoryImports(t, s, module) {
  const esc = module.replace(/\./g, "\\.");
  const line = new RegExp(`^[\\s\\d:|-]*(?:import ${esc}\\b(?!\\.)|from ${esc} import\\b)[^\\n]*`, "gm");
  const written = indexTrace(t).tools.filter((x) => x.startTime <= s.startTime).flatMap((x) => stringsIn(x.tool?.arguments)).join("\n");
  const norm = (x) => x.replace(/^[\s\d:|-]*/gm, "").replace(/\s+/g, " ").trim();
  const mine = norm(written);
  return indexTrace(t).tools.some((x) => {
    if (x === s || x.endTime > s.startTime) return false;
    const out = textOf2(x.tool?.result);
    return [...out.matchAll(line)].some((m) => {
      const before = out.slice(Math.max(0, m.index - 300), m.index);
      if (/File "[^"\n]*", line \d+[^\n]*\n\s*$/.test(before)) return false;
      const prev = before.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? "";
      const next = out.slice(m.index + m[0].length).split("\n").map((l) => l.trim()).filter(Boolean)[0] ?? "";
      return !mine.includes(norm(`${prev}
${m[0]}
${next}`));
    });
  });
}
function emptyKey(v, key, depth = 0) {
  if (depth > 8 || v == null || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.some((x) => emptyKey(x, key, depth + 1));
  return Object.entries(v).some(([k, x]) => k === key && x === "" || emptyKey(x, key, depth + 1));
}
var MISSING_PARAM = [
  /\bParameter [`'"]?(\w+)[`'"]? is required\b/g,
  /\bmissing (?:\d+ )?required (?:positional |keyword-only )?arguments?: ((?:'\w+'(?:,? (?:and )?)?)+)/g,
  /'(\w+)' is a required property/g,
  /^(?:[\w.]+\.)?(\w+)\n\s+Field required \[type=missing/gm,
  /\bMissing required (?:parameter|argument|field|property)s?:? [`'"]?(\w+)/gi
];
function keysOf(v, out = /* @__PURE__ */ new Set(), depth = 0) {
  if (depth > 8 || v == null || typeof v !== "object") return out;
  if (Array.isArray(v)) for (const x of v) keysOf(x, out, depth + 1);
  else
    for (const [k, x] of Object.entries(v)) {
      if (x != null && x !== "") out.add(k);
      keysOf(x, out, depth + 1);
    }
  return out;
}
function requiredIn(schema, out = { listed: /* @__PURE__ */ new Set(), prose: /* @__PURE__ */ new Set() }, depth = 0) {
  if (depth > 10 || schema == null || typeof schema !== "object") return out;
  if (Array.isArray(schema)) for (const x of schema) requiredIn(x, out, depth + 1);
  else
    for (const [k, x] of Object.entries(schema)) {
      if (k === "required" && Array.isArray(x)) {
        for (const r of x) if (typeof r === "string") out.listed.add(r);
      }
      if (k === "properties" && x && typeof x === "object") {
        for (const [p, d] of Object.entries(x)) if (d && typeof d === "object" && /\brequired\b/i.test(String(d.description ?? ""))) out.prose.add(p);
      }
      requiredIn(x, out, depth + 1);
    }
  return out;
}
function missingParameter(t, s, message3) {
  if (!isToolSpan(s)) return null;
  const args = s.tool?.arguments;
  if (!args || typeof args !== "object") return null;
  const text = `${message3}
${textOf2(s.tool?.result).slice(0, 4e3)}`;
  const params = /* @__PURE__ */ new Set();
  for (const re of MISSING_PARAM) for (const m of text.matchAll(re)) for (const p of m[1].matchAll(/\w+/g)) if (p[0] !== "and") params.add(p[0]);
  if (!params.size) return null;
  const keys = keysOf(args);
  if ([...params].some((p) => keys.has(p))) return null;
  const sentEmpty = [...params].some((p) => emptyKey(args, p));
  const said = textOf2(emittingCall(t, s)?.output);
  const namedInReply = [...params].some((p) => new RegExp(`(^|[^\\w])${p}(?!\\w)`).test(said) && !said.includes(textOf2(args)));
  const extra = { ...namedInReply ? { namedInReply } : {}, ...sentEmpty ? { sentEmpty } : {} };
  const decl = declarationFor(t, s);
  if (!decl || decl === "conflict") return { params: [...params].sort(), declaredRequired: null, ...extra };
  const { listed, prose } = requiredIn(decl.schema);
  const declaredRequired = [...params].every((p) => listed.has(p) || prose.has(p));
  return { params: [...params].sort(), declaredRequired, ...declaredRequired && [...params].some((p) => !listed.has(p)) ? { inProseOnly: true } : {}, ...extra };
}
function prescribedLine(t, message3) {
  const line = /\bat line '([\s\S]{8,400}?)'\s+due to\b/.exec(message3)?.[1]?.trim();
  if (!line) return null;
  const norm = (x) => x.replace(/\s+/g, "");
  const want = norm(line);
  return taskText(t).some((x) => norm(x).includes(want)) ? line : null;
}
var PLACEHOLDER = /\b(YOUR_[A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS?)[A-Z0-9_]*|your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret)(?:[-_ ]?here)?|sk-x{4,}|<\s*(?:your[-_ ]?)?(?:api[-_ ]?key|access[-_ ]?token|token|secret)\s*>)\b/;
var CREDENTIAL_ERROR = /\b(api[-_ ]?key|token|credential|unauthori[sz]ed|authenticat|forbidden|401|403|REQUEST_DENIED|invalid key|access denied)/i;
function placeholderCredential(t, s, message3, code) {
  const hit = PLACEHOLDER.exec(code)?.[1];
  if (!hit) return null;
  const result = `${message3}
${textOf2(s.tool?.result ?? s.output).slice(0, 4e3)}`;
  return CREDENTIAL_ERROR.test(result) || /\braise\b/.test(code) ? hit : null;
}
function noneFrom(message3, result, code) {
  if (!/'NoneType' object (is not (iterable|subscriptable)|has no attribute)/.test(message3)) return null;
  const frames = [...result.matchAll(/^\s*File "[^\n]*?", line \d+, in [^\n]*\n\s{2,}(\S[^\n]*)$/gm)];
  const src = frames.at(-1)?.[1]?.trim();
  if (!src || !code.includes(src)) return null;
  const attr = /has no attribute '(\w+)'/.exec(message3)?.[1];
  const usedAsNone = (v) => attr ? new RegExp(`\\b${v}\\s*\\.\\s*${attr}\\b`).test(src) : /subscriptable/.test(message3) ? new RegExp(`\\b${v}\\s*\\[`).test(src) : new RegExp(`\\bin\\s+${v}\\s*(:|$|\\))|\\b(list|tuple|set|sorted|enumerate|zip|len|dict)\\(\\s*${v}\\s*[,)]`).test(src);
  const call = "((?:\\w+\\.)*\\w+)\\((?:[^()]|\\([^()]*\\))*\\)";
  const inline = attr ? new RegExp(`${call}\\s*\\.\\s*${attr}\\b`) : /subscriptable/.test(message3) ? new RegExp(`${call}\\s*\\[`) : new RegExp(`\\bin\\s+${call}\\s*:`);
  const direct = inline.exec(src)?.[1];
  if (direct) return direct;
  let from = null;
  for (const m of code.matchAll(/^[ \t]*(\w+)\s*=\s*((?:\w+\.)*\w+)\s*\(/gm)) {
    if (usedAsNone(m[1]) && !new RegExp(`^[ \\t]*${m[1]}\\s*=`, "m").test(src)) from = m[2];
  }
  return from;
}
function asWritten(t, s) {
  if (s.attributes?.["halo.harness_parsed"] !== true) return true;
  const code = squashed(codeOf2(s));
  return code !== "" && squashed(textOf2(emittingCall(t, s)?.output)).includes(code);
}
var squashed = (x) => x.replace(/\s+/g, " ").trim();
var CODE_KEYS = ["code", "command", "cmd", "script", "shell"];
function codeOf2(s) {
  const args = s.tool?.arguments;
  if (args && typeof args === "object" && !Array.isArray(args)) {
    const o = args;
    for (const k of CODE_KEYS) if (typeof o[k] === "string") return o[k];
  }
  return textOf2(args);
}
function resentWhole(t, s) {
  const squash2 = (x) => squashed(x).replace(/^execute\s*\[\s*/, "");
  const cut = squash2(codeOf2(s));
  if (cut.length < 8) return false;
  const tools = indexTrace(t).tools;
  const next = tools.slice(tools.indexOf(s) + 1).find((x) => x.tool?.name === s.tool?.name);
  if (!next) return false;
  const whole = squash2(codeOf2(next));
  return whole.startsWith(cut);
}
function actionUnparsed(s) {
  const v = s.attributes?.["halo.action_unparsed"];
  return typeof v === "string" && v !== "" ? v : null;
}
function ranOtherwise(s, result) {
  const line = /-c: line \d+: `([^\n]+)'\s*$/m.exec(result)?.[1];
  const command = codeOf2(s);
  if (!line || !command || squashed(command).includes(squashed(line))) return null;
  return { line, stripped: squashed(command.replace(/["\\]/g, "")).includes(squashed(line)) };
}
function editedFile(t, s, result) {
  if (!asWritten(t, s)) return null;
  const frames = [...result.matchAll(/^\s*File "([^\n]+?)", line \d+/gm)].map((m) => m[1]);
  const last = frames.at(-1);
  if (!last) return null;
  if (last.startsWith("<")) {
    if (!/^<(string|stdin)>$/.test(last)) return null;
    const own = textOf2(s.tool?.arguments);
    if (/\bpython[\d.]*\s+(-c\b|-\s*<<)/.test(own) && frames.length === 1) return "the command itself";
    const caller = frames.slice(0, -1).reverse().find((f) => !f.startsWith("<"));
    return caller ? writtenByAgent(t, s, caller) : null;
  }
  return writtenByAgent(t, s, last);
}
function writtenByAgent(t, s, file) {
  const base = file.split("/").pop();
  if (base.length < 4) return null;
  const esc = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const tail = file.split("/").slice(-2).join("/");
  const writes = new RegExp(`(sed\\s+-i[^\\n]*|>>?\\s*[^\\s]*|tee\\s+[^\\s]*|cat\\s*>+\\s*[^\\s]*|cp\\s+[^\\n]*|mv\\s+[^\\n]*|"(?:path|file|filename|file_path)"\\s*:\\s*"[^"]*)${esc}\\b`);
  const pyWrite = /\bopen\([^)\n]*,\s*['"][wa]\+?['"]|\.write_text\(|\bfileinput\.input\([^)]*inplace/;
  for (const x of indexTrace(t).tools) {
    if (x !== s && x.startTime > s.startTime) continue;
    if (!asWritten(t, x)) continue;
    const args = textOf2(x.tool?.arguments);
    if (writes.test(args)) return base;
    if (x !== s && args.includes(tail) && pyWrite.test(args)) return base;
    if (x !== s && /\b(edit|write|replace|create|patch|insert)/i.test(x.tool?.name ?? "") && args.includes(base)) return base;
  }
  return null;
}
function createdEarlier(t, s, message3) {
  if (!/\balready exists\b/i.test(message3)) return null;
  const path = /(\/[\w.\/-]*\w|\b[\w-]+\.[A-Za-z]{1,5}\b)/.exec(message3)?.[1];
  if (!path || path.length < 4) return null;
  const made = indexTrace(t).tools.some((x) => x !== s && x.endTime <= s.startTime && !isErrorSpan(x) && stringsIn(x.tool?.arguments).some((a) => a === path || a.includes(path)) && /\b(create|write|touch|mkdir|>)/i.test(textOf2(x.tool?.arguments)));
  return made ? path : null;
}
var TRANSPORT = /\bExceeded \d+ redirects?\b|\btoo many redirects\b|\bstatus[_ ]?code\W{0,3}5\d\d\b|\bHTTP(?:\/[\d.]+)?\s+5\d\d\b|\b5\d\d\s+(?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b|\bInternal Server Error\b|\bBad Gateway\b|\bMax retries exceeded\b|\bConnection (?:refused|reset|aborted)\b|\bName or service not known\b|\bgetaddrinfo\b|\bNewConnectionError\b|\bRemoteDisconnected\b|\bE(?:CONNREFUSED|CONNRESET|NOTFOUND)\b/i;
function backendFailure(t, s, message3, runner) {
  if (!isToolSpan(s)) return null;
  const hit = runner ? null : TRANSPORT.exec(message3.replace(/\\[nrt]/g, " "));
  if (hit) return { kind: "transport", text: hit[0] };
  if (outageOf(t).has(s)) return { kind: "outage", text: message3.trim().split("\n")[0].slice(0, 120) };
  return null;
}
var outages = /* @__PURE__ */ new WeakMap();
var HTTP_STATUS = /\b(?:status[_ ]?code\W{0,3}|HTTP(?:\/[\d.]+)?\s+)[45]\d\d\b|\b[45]\d\d (?:Bad Request|Unauthorized|Forbidden|Not Found|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable)\b/i;
function outageOf(t) {
  let out = outages.get(t);
  if (out) return out;
  out = /* @__PURE__ */ new Set();
  const calls = indexTrace(t).tools;
  const text = calls.length ? failureOf2(t, calls[calls.length - 1])?.trim() : void 0;
  if (text && HTTP_STATUS.test(text)) {
    let start = calls.length - 1;
    while (start > 0 && failureOf2(t, calls[start - 1])?.trim() === text) start--;
    const tail = calls.slice(start);
    const worked = new Set(calls.slice(0, start).filter((c) => !isErrorSpan(c) && failureOf2(t, c) === null).map(callKey));
    if (tail.length >= 3 && new Set(tail.map(callKey)).size >= 2 && tail.some((c) => worked.has(callKey(c)))) out = new Set(tail);
  }
  outages.set(t, out);
  return out;
}
function undefinedName(t, s, message3) {
  const name = /\bNameError: name '(\w+)' is not defined/.exec(message3)?.[1];
  if (!name || !isToolSpan(s) || !asWritten(t, s)) return null;
  const code = codeOf2(s);
  if (!new RegExp(`\\b${name}\\b`).test(code)) return null;
  const bound = new RegExp(`\\b(?:def|class)\\s+${name}\\b|\\bimport\\b[^\\n]*\\b${name}\\b|\\bas\\s+${name}\\b|(?:^|[^\\w.])${name}\\s*(?:,[^=\\n]*)?=(?!=)|\\bfor\\b[^\\n]*\\b${name}\\b[^\\n]*\\bin\\b|\\bglobal\\s+[^\\n]*\\b${name}\\b`);
  return bound.test(code) ? null : name;
}

// sandbox/detectors/error-signatures.ts
function errorSignature0(g) {
  return g.component.startsWith("agent:") && g.signature.startsWith(g.where) ? g.signature.slice(g.where.length + 1) : g.signature;
}
function normalizeSpanName(name) {
  return normalizeMessage(name, 120);
}
function spanComponent(s) {
  if (isToolSpan(s)) return `tool:${toolName(s)}`;
  if (s.kind === "llm") return `model:${s.model ?? s.name}`;
  const name = String(s.name ?? "");
  const http = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?:https?:\/\/)?([^\s?#]+)/.exec(name);
  if (http) return `span:${http[1]} ${http[2].replace(/\/[0-9a-f]{8}-[0-9a-f-]{27,}(?=\/|$)/gi, "/<id>").replace(/\/\d+(?=\/|$)/g, "/<n>")}`;
  return `span:${normalizeSpanName(name)}`;
}
var EXCEPTION_CLASS = /\b[A-Za-z_][\w.]*[a-z](?:Error|Exception|Exit|Interrupt)\b/;
var QUOTED_CODE = /\b(at|on) line '[\s\S]*?'(?=\s+due to\b)/;
var EXCEPTION_LINE2 = /^[ \t]*((?:[A-Za-z_][\w]*\.)*[A-Za-z_]*[a-z](?:Error|Exception|Exit|Interrupt))\b(?=:|[ \t]*$)/gm;
function exceptionClass(msg) {
  let last = null;
  for (const m2 of msg.matchAll(EXCEPTION_LINE2)) last = m2;
  if (last) {
    const before = msg.slice(0, last.index).split("\n")[0];
    return { name: last[1], start: before.length <= 80 ? before.length : 0 };
  }
  const m = EXCEPTION_CLASS.exec(msg);
  return m ? { name: m[0], start: m.index } : null;
}
function codeErrorSignature(s, message3) {
  const line = message3.split("\n").map((l) => l.trim()).filter((l) => /^(?:[\w.]+\.)?[A-Za-z_]+(?:Error|Exception)\b/.test(l)).pop();
  if (!line || /^(?:[\w.]+\.)?(ModuleNotFoundError|ImportError)\b/.test(line) && /No module named/.test(line)) return errorSignature(s, message3);
  const quoted = [];
  const masked2 = line.replace(/\b__main__\.\w+/g, "__main__.<class>").replace(/(['"])([^'"\n]{1,80})\1/g, (m, _q, inner) => /[./\\]/.test(inner) ? m : `\uE000${String.fromCharCode(97 + Math.min(quoted.push(m) - 1, 25))}\uE001`);
  return normalizeMessage(masked2.replace(/\s+/g, " "), 160).replace(/\uE000([a-z])\uE001/g, (_, c) => (quoted[c.charCodeAt(0) - 97] ?? "").slice(1, -1));
}
function stepErrorSignature(msg) {
  const m = /^(Code (?:execution|parsing) failed)\b[^\n]*?\bdue to: ((?:[\w]+\.)*[A-Za-z_]*(?:Error|Exception))\b(?::[ \t]*([^\n]*))?/.exec(msg.replace(QUOTED_CODE, "$1 line <code>"));
  if (!m) return null;
  if (m[1] === "Code parsing failed") return `${m[1]} due to: ${m[2]}`;
  let detail = (m[3] ?? "").trim();
  if (!detail) detail = /\nError: ([^\n]+)/.exec(msg)?.[1] ?? "";
  detail = detail.replace(/\s*\(<unknown>, line \d+\)\s*$/, "").replace(/\s*\(detected at line \d+\)/, "");
  detail = detail.replace(/^Import (of|from) [\w.]+ is not allowed\b.*$/, "Import of <module> is not allowed");
  detail = detail.split(/(?<=[a-z)])[.:](?:\s|$)/)[0].slice(0, 100);
  const head = `${m[1]} due to: ${m[2]}`;
  const norm = detail.replace(/'[^'\n]{1,80}'|"[^"\n]{1,80}"/g, "'<s>'").replace(/(?<![\w-])\d{2,}(?![\w-])/g, "<n>").replace(/\s+/g, " ").trim();
  return norm ? `${head}: ${norm}` : head;
}
var NO_MESSAGE = "error status without message";
function errorSignature(s, message3) {
  const raw = message3 ?? errorMessage(s);
  const type = s.error?.type;
  if (!isToolSpan(s)) {
    const step = stepErrorSignature(raw);
    if (step) return step;
  }
  const msg = (jsonErrorText(raw) ?? raw).replace(QUOTED_CODE, "$1 line <code>");
  const cls = exceptionClass(msg);
  const missing = cls && /^(ModuleNotFoundError|ImportError)$/.test(cls.name.split(".").pop()) ? /No module named '([\w.]+)'/.exec(msg)?.[1] : void 0;
  if (missing) return `${cls.name}: No module named ${missing}`;
  const head = cls ? `${msg.slice(0, cls.start).trimEnd()} ${cls.name}`.trim() : msg;
  const norm = head ? normalizeMessage(head.replace(/\s+/g, " ")).replace(/\s*\([^()]*\)\s*$/, "").replace(/<n> (\w+?)s\b/g, "<n> $1") : "";
  return norm || (type ? `type:${type}` : NO_MESSAGE);
}
var newChecked = () => ({ modules: /* @__PURE__ */ new Map(), installed: /* @__PURE__ */ new Set(), agentModule: 0, createdModule: 0, params: /* @__PURE__ */ new Map(), paramsDeclared: 0, paramsProse: 0, paramsUndeclared: 0, paramsChecked: 0, paramsNamed: 0, paramsEmpty: 0, unparsed: 0, unparsedHow: /* @__PURE__ */ new Set(), resentWhole: 0, ranOther: 0, ranStripped: 0, notAsWritten: 0, undefinedNames: 0, names: /* @__PURE__ */ new Set(), backendTransport: 0, backendOutage: 0, selfCreated: 0, credentials: 0, rateLimited: 0, fromTask: 0, prescribed: 0, prescribedRuns: /* @__PURE__ */ new Set(), noneGiven: 0, nonePrinted: 0, repoImports: /* @__PURE__ */ new Set(), imports: /* @__PURE__ */ new Set(), importsListed: 0, importedTools: /* @__PURE__ */ new Set(), edited: 0 });
var REPORTED_FAILURE = /\b(\d+ tests? failed|tests? failed|exit(?:ed)? (?:with )?(?:status|code) [1-9]\d*|exitcode: ?[1-9]\d*|non-zero exit|returned non-zero|Traceback \(most recent call last\))/i;
var MAX_OCCURRENCES = 1e3;
var errorSignatureSteps = {
  perRun: signaturesOfRun,
  global: signatureFindings
};
var errorSignatures = oneShot(errorSignatureSteps);
function signaturesOfRun(t) {
  const groups = /* @__PURE__ */ new Map();
  let userValuesHandled = 0;
  const untracedNone = [];
  const missingModules = /* @__PURE__ */ new Set();
  {
    const seenText = /* @__PURE__ */ new Map();
    const firstOf = /* @__PURE__ */ new Map();
    for (const s of originErrors(t)) {
      const message3 = failureOf2(t, s);
      const behind = message3 !== null && isToolSpan(s) ? moduleBehind(message3, resultText(s)) : void 0;
      const named = NO_MODULE.exec(behind ?? message3 ?? "")?.[1];
      if (named) missingModules.add(named);
      if (s.spanId === t.rootSpanId && t.spans.length > 1) continue;
      if (message3 === null) continue;
      const text = `${spanComponent(s)}\0${message3.trim()}`;
      const seen = seenText.get(text);
      if (seen) {
        const step = stepOf(t, s);
        if (step !== void 0 && step === stepOf(t, firstOf.get(text))) seen.together++;
        else seen.repeats++;
        addAgentRun(seen, originAgent(t, s) ?? agentOf2(t), t.traceId);
        continue;
      }
      if (isToolSpan(s) && reportedByTask(t, message3)) continue;
      const valueFrom = isToolSpan(s) ? valueOrigin(t, s) : null;
      if (valueFrom?.source === "user" && recoveredLater(t, s)) {
        userValuesHandled++;
        continue;
      }
      const capacity = spanComponent(s).startsWith("model:") && PROVIDER_CAPACITY.test(errorSignature(s, message3));
      const origin = capacity ? void 0 : originAgent(t, s);
      const code = isToolSpan(s) ? codeOf2(s) : "";
      let sig = isToolSpan(s) && runsCode(s) ? codeErrorSignature(s, message3) : errorSignature(s, message3);
      if (/^Traceback \(most recent call last\):?$/.test(sig.trim())) continue;
      if (sig === NO_MESSAGE && isToolSpan(s) && runsCode(s)) continue;
      const module = isToolSpan(s) ? missingModule(t, s, behind ?? message3) : null;
      const placeholder = isToolSpan(s) ? placeholderCredential(t, s, message3, code) : null;
      const none = isToolSpan(s) && !placeholder ? noneFrom(message3, resultText(s), code) : null;
      if (isToolSpan(s) && !none && NONE_ERROR.test(message3)) untracedNone.push({ traceId: t.traceId, code });
      let byCause = true;
      if (module?.source === "environment") sig = "ModuleNotFoundError: modules missing from the environment";
      else if (placeholder) sig = "a placeholder credential in the code that ran";
      else if (none) sig = `${none}() returned None`;
      else byCause = false;
      const component = spanComponent(s);
      const signature = sig;
      const id = `${component}\0${signature}`;
      let g = groups.get(id);
      if (!g) groups.set(id, g = { component, signature, where: spanComponent(s), traces: /* @__PURE__ */ new Set(), spans: 0, citations: [], occurrences: [], received: 0, agents: /* @__PURE__ */ new Map(), reported: 0, requested: 0, recovered: 0, madeUp: 0, emptyNext: 0, wentOn: 0, laterOk: 0, longestMs: 0, together: 0, inputsRecorded: true, owners: /* @__PURE__ */ new Map(), unowned: 0, acknowledged: 0, repeats: 0, stoodRuns: /* @__PURE__ */ new Set(), endedRuns: /* @__PURE__ */ new Set(), origins: /* @__PURE__ */ new Map(), checked: newChecked(), runner: isToolSpan(s) && runsCode(s), byCause });
      const ck = g.checked;
      if (module?.source === "environment") {
        (ck.modules.get(module.module) ?? ck.modules.set(module.module, /* @__PURE__ */ new Set()).get(module.module)).add(t.traceId);
        if (module.installedLater) ck.installed.add(t.traceId);
        if (module.repoImports) ck.repoImports.add(module.module);
      } else if (module) {
        ck.agentModule++;
        if (module.created) ck.createdModule++;
      }
      if (placeholder) ck.placeholder ??= placeholder;
      if (none) {
        ck.noneFrom = none;
        if (taskText(t).some((x) => x.includes(none.split(".").pop()))) ck.noneGiven++;
        const printed2 = resultText(s).replace(/^exitcode:[^\n]*\n?/m, "").replace(/Code output:\s*/, "").replace(/Traceback \(most recent call last\):[\s\S]*?^\w*(?:Error|Exception)[^\n]*$/m, "");
        if (printed2.replace(/\s+/g, "").length >= 200) ck.nonePrinted++;
      }
      const param = missingParameter(t, s, message3);
      if (param) {
        ck.paramsChecked++;
        for (const p of param.params) ck.params.set(p, (ck.params.get(p) ?? 0) + 1);
        if (param.declaredRequired) ck.paramsDeclared++;
        if (param.declaredRequired && param.inProseOnly) ck.paramsProse++;
        if (param.declaredRequired === null) ck.paramsUndeclared++;
        if (param.namedInReply) ck.paramsNamed++;
        if (param.sentEmpty) ck.paramsEmpty++;
      }
      const edited = isToolSpan(s) ? editedFile(t, s, resultText(s)) : null;
      if (edited) {
        ck.edited++;
        ck.editedFile ??= edited;
      }
      const refused = /\bImport (?:of|from) ([\w.]+) is not allowed\b/.exec(message3)?.[1];
      if (refused) {
        ck.imports.add(refused);
        if (declaredInTrace(t).has(refused) || indexTrace(t).tools.some((x) => toolName(x) === refused)) ck.importedTools.add(refused);
        const allowed = [...(/Authori[sz]ed imports are: \[([^\]]*)\]/.exec(message3)?.[1] ?? "").matchAll(/'([\w.*]+)'/g)].map((x) => x[1]).slice(0, 5);
        if (allowed.length >= 3 && taskText(t).some((x) => /\bimports?\b/i.test(x) && allowed.every((m) => x.includes(`'${m}'`)))) ck.importsListed++;
      }
      const opening = isToolSpan(s) ? openingMessage(t) : void 0;
      const codeLine = opening ? firstCodeLine(s.tool?.arguments) : null;
      if (opening && codeLine && squash(textOf2(opening.output)).includes(codeLine)) ck.fromTask++;
      if (RATE_LIMITED.test(message3)) {
        ck.rateLimited++;
        ck.rateLimitedText ??= firstLine(message3.replace(/<[^>]*>/g, ""), 120);
      }
      if (!placeholder && CREDENTIALS_REFUSED.test(message3)) {
        ck.credentials++;
        ck.credentialsText ??= CREDENTIALS_REFUSED.exec(message3)[0];
      }
      const backend = backendFailure(t, s, message3, isToolSpan(s) && runsCode(s));
      if (backend) {
        if (backend.kind === "transport") ck.backendTransport++;
        else ck.backendOutage++;
        ck.backendText ??= backend.text;
      }
      const unparsed = isToolSpan(s) ? actionUnparsed(s) : null;
      if (unparsed) {
        ck.unparsed++;
        ck.unparsedHow.add(unparsed);
        if (resentWhole(t, s)) ck.resentWhole++;
      }
      if (isToolSpan(s) && !asWritten(t, s)) ck.notAsWritten++;
      const unbound = undefinedName(t, s, message3);
      if (unbound) {
        ck.undefinedNames++;
        ck.names.add(unbound);
      }
      const other = isToolSpan(s) ? ranOtherwise(s, resultText(s)) : null;
      if (other) {
        ck.ranOther++;
        if (other.stripped) ck.ranStripped++;
        ck.ranLine ??= other.line;
      }
      const ownFile = isToolSpan(s) ? createdEarlier(t, s, message3) : null;
      if (ownFile) {
        ck.selfCreated++;
        ck.selfCreatedPath ??= ownFile;
      }
      const prescribed = prescribedLine(t, message3);
      if (prescribed) {
        ck.prescribed++;
        ck.prescribedRuns.add(t.traceId);
        ck.prescribedLine ??= prescribed;
      }
      seenText.set(text, g);
      if (origin && !byCause) g.owners.set(origin, (g.owners.get(origin) ?? 0) + 1);
      else g.unowned++;
      if (!recordsInputs(t)) g.inputsRecorded = false;
      firstOf.set(text, s);
      g.spans++;
      const fate = fateOf(t, s, message3);
      if (fate.handled) g.recovered++;
      if (fate.madeUp) g.madeUp++;
      if (fate.empty) g.emptyNext++;
      if (fate.acknowledged) g.acknowledged++;
      if (fate.stood) g.stoodRuns.add(t.traceId);
      if (indexTrace(t).steps.some((x) => x !== s && x.startTime >= s.endTime && !isErrorSpan(x) && failureOf2(t, x) === null)) g.wentOn++;
      if (fate.endedRun) g.endedRuns.add(t.traceId);
      if (fate.laterOk) g.laterOk++;
      g.longestMs = Math.max(g.longestMs, s.endTime - s.startTime);
      if (valueFrom) {
        const o = g.origins.get(valueFrom.source);
        if (o) o.count++;
        else g.origins.set(valueFrom.source, { count: 1, example: valueFrom.value });
      }
      if (isToolSpan(s) && (REPORTED_FAILURE.test(message3) || REPORTED_FAILURE.test(textOf2(s.tool?.result).slice(0, 2e3)))) g.reported++;
      if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: s.spanId });
      const asked = requestingTurn(t, s);
      if (asked) g.requested++;
      if (asked && g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: asked.spanId, role: "requested", of: s.spanId });
      const reader = receivingCall(t, s, probeOf(message3) ?? (isToolSpan(s) ? probeOf(resultText(s)) : null));
      if (reader) {
        g.received++;
        if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ traceId: t.traceId, spanId: reader.spanId, role: "received", of: s.spanId });
      }
      if (!g.traces.has(t.traceId)) {
        g.traces.add(t.traceId);
      }
      addAgentRun(g, origin ?? (capacity ? originAgent(t, s) : void 0) ?? agentOf2(t), t.traceId);
      if (g.citations.length < 50) {
        g.citations.push({ traceId: t.traceId, spanId: s.spanId, excerpt: verbatim(s, message3) });
      }
    }
  }
  const worked = /* @__PURE__ */ new Set();
  for (const x of indexTrace(t).tools) if (!isErrorSpan(x) && failureOf2(t, x) === null) worked.add(spanComponent(x));
  return { groups: [...groups.values()], userValuesHandled, untracedNone, endedOk: !runErrored(t) && !outcomeFailed(t), missingModules: [...missingModules], worked: [...worked] };
}
var JOIN_RULES = { caps: { citations: 50, occurrences: MAX_OCCURRENCES }, last: ["noneFrom"], every: ["inputsRecorded"] };
function signatureFindings(runs, opts) {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const maxFindings = opts.maxFindings ?? 30;
  const groups = /* @__PURE__ */ new Map();
  let userValuesHandled = 0;
  const untracedNone = [];
  for (const { obs } of runs) {
    for (const g of obs.groups) {
      const id = `${g.component}\0${g.signature}`;
      groups.set(id, join3(groups.get(id), g, JOIN_RULES));
    }
    userValuesHandled += obs.userValuesHandled;
    for (const u of obs.untracedNone) untracedNone.push(u);
  }
  const missingIn = /* @__PURE__ */ new Map();
  for (const r of runs) for (const m of r.obs.missingModules) (missingIn.get(m) ?? missingIn.set(m, []).get(m)).push(r.run.traceId);
  const listed = /* @__PURE__ */ new Map();
  for (const g of groups.values()) {
    if (!g.checked.modules.size) continue;
    const named = /* @__PURE__ */ new Map();
    for (const [m, ids] of g.checked.modules) named.set(m, /* @__PURE__ */ new Set([...ids, ...(missingIn.get(m) ?? []).filter((id) => g.traces.has(id))]));
    listed.set(g, named);
  }
  const someEndedOk = runs.some((r) => r.obs.endedOk);
  const worked = new Set(runs.flatMap((r) => r.obs.worked));
  const ranked = [...groups.values()].filter((g) => g.traces.size >= minTraces).sort((a, b) => b.traces.size - a.traces.size);
  return ranked.slice(0, maxFindings).map((g) => {
    const where2 = g.where.replace(/^(tool|model|span):/, "");
    const kind = g.where.startsWith("tool:") ? "tool" : g.where.startsWith("model:") ? "model call" : "span";
    const byAgent = g.owners.size === 1 && g.unowned === 0 ? [...g.owners.keys()][0] : null;
    if (byAgent) {
      g.component = `agent:${byAgent}`;
      g.signature = `${g.where} ${g.signature}`;
    }
    const named = [...g.agents].map(([a, runs2]) => [a, runs2.size]).filter(([a]) => a !== "unknown").sort((a, b) => b[1] - a[1]);
    const agents = named.length ? ` Agents: ${named.map(([a, n]) => `${a} (${count(n, "run", "runs")})`).join(", ")}.` : "";
    const rateLimited = RATE_LIMITED.test(g.signature) || g.checked.rateLimited === g.spans;
    const cause = causeOf(g, where2, kind, rateLimited, worked.has(g.where));
    const recoveredEach = g.recovered === g.spans;
    const invented = (g.origins.get("model")?.count ?? 0) * 2 >= g.spans;
    const handled = `handled: the next call to \`${where2}\` ran without error and the error did not come back in the run (whether that call got what the failed one was for is not checked)`;
    return buildFinding({
      title: (byAgent ? `${byAgent}${where2 === byAgent ? "" : ` \u2192 ${where2}`}: ${firstLine(errorSignature0(g), 110)}` : `${where2}: ${g.checked.modules.size ? `Python modules missing from the environment (${moduleList(listed.get(g) ?? g.checked.modules, 4)})` : firstLine(g.signature, 120)}`) + (recoveredEach ? " (the next call ran without error each time)" : ""),
      category: "errors_recovery",
      // Handled each time: what it costs is the extra calls, not the run. High
      // only when, in most of its runs, the error was the end of the road: no
      // later call to the same place worked and the run failed.
      // A value the model made up stays a risk after a call that ran: what ran next may rest on made-up data too.
      // Errors no model call was sent and after which every run went on did nothing the run shows: low.
      severity: recoveredEach && !invented || g.received === 0 && g.inputsRecorded && g.stoodRuns.size === 0 && g.wentOn === g.spans ? "low" : recoveredEach ? "medium" : g.traces.size / Math.max(1, runs.length) >= 0.05 && someEndedOk && g.endedRuns.size * 2 > g.traces.size ? "high" : "medium",
      summary: `The ${kind} \`${where2}\` failed${byAgent ? ` on ${byAgent}'s calls` : ""} ${g.byCause ? `(${g.checked.modules.size ? `Python modules missing: ${moduleList(listed.get(g) ?? g.checked.modules, 8)}` : g.signature})` : `with "${firstLine(errorSignature0(g), 160)}"`} in ${shareText(g.traces.size, runs.length)} (${count(g.spans, "distinct error", "distinct errors")}, counted where they originate${g.repeats ? `, plus ${count(g.repeats, "repeat", "repeats")} of the same error later in the same run` : ""}${g.together ? `, ${g.repeats ? "and " : "plus "}${count(g.together, "more", "more")} from calls sent in the same step as the first` : ""}${g.received ? `; the model was sent ${g.received === g.spans ? "each" : `${g.received} of them`} in its next call` : ""}${g.recovered ? `; ${g.recovered === g.spans ? "each was" : `${g.recovered} of them ${g.recovered === 1 ? "was" : "were"}`} ${handled}` : ""}${g.madeUp ? `; ${g.madeUp} ${g.madeUp === 1 ? "was" : "were"} followed by a call that ran without error on data its code, or the turn that asked for it, calls made up (simulated, synthetic, dummy): not counted as handled` : ""}${g.emptyNext ? `; ${g.emptyNext} ${g.emptyNext === 1 ? "was" : "were"} followed by a call that ran without error but got nothing back (no output from code that prints, [], None, "not found" or its own error message): not counted as handled` : ""}${g.stoodRuns.size ? `; in ${count(g.stoodRuns.size, "run", "runs")} no later call to it worked and the run failed` : ""}).${byAgent ? ` ${ownerSentence(g, byAgent)}` : agents}${untracedText(g, untracedNone)}`,
      rootCause: cause.rootCause,
      fix: recoveredEach ? `Each of these was ${handled}. Where the extra calls or what the next call did matter: ${cause.fix.charAt(0).toLowerCase()}${cause.fix.slice(1)}` : cause.fix,
      fixKind: cause.kind,
      component: g.component,
      signature: `error:${g.signature}`,
      monitor: `Count of \`${where2}\` errors matching "${firstLine(g.signature, 80)}" per day.`,
      detector: "error-signatures",
      traceIds: g.traces,
      citations: g.citations,
      total: runs.length,
      data: {
        component: g.component,
        signature: g.signature,
        spans: g.spans,
        repeats: g.repeats,
        together: g.together,
        madeUp: g.madeUp,
        emptyNext: g.emptyNext,
        laterOk: g.laterOk,
        longestMs: g.longestMs,
        received: g.received,
        recovered: g.recovered,
        acknowledged: g.acknowledged,
        stoodRuns: g.stoodRuns.size,
        endedRuns: g.endedRuns.size,
        ...recoveredEach ? { recoveredEach: true } : g.recovered * 2 >= g.spans ? { recoveredMostly: true } : {},
        agents: Object.fromEntries([...g.agents].map(([a, runs2]) => [a, runs2.size])),
        occurrences: g.occurrences,
        ...g.origins.size ? { valueOrigins: Object.fromEntries([...g.origins].map(([k, v]) => [k, v.count])) } : {},
        ...userValuesHandled ? { userValuesHandled } : {}
      }
    });
  });
}
function verbatim(s, message3) {
  if (!message3) return void 0;
  const raw = isToolSpan(s) ? resultText(s) : textOf2(s.output);
  const own = errorMessage(s);
  const detail = message3.replace(/^\W*(error|exception|fatal|failed|failure)\W*\s+/i, "");
  for (const text of [own, raw]) {
    if (!text) continue;
    for (const probe of [message3, detail]) {
      const at2 = text.indexOf(probe);
      if (at2 >= 0) return excerpt(text, at2);
    }
    const at = text.search(/\bError code: [45]\d\d\b/);
    if (at >= 0) return excerpt(text, at);
  }
  return own ? excerpt(own) : void 0;
}
function runsCode(s) {
  const args = s.tool?.arguments;
  if (args && typeof args === "object" && !Array.isArray(args) && CODE_KEYS.some((k) => k in args)) return true;
  return /\b(exec|execute|bash|shell|python|terminal|interpreter|code|run_?command|ipython|sh)\b/i.test(toolName(s).replace(/_/g, " "));
}
function fateOf(t, s, message3) {
  const c = spanComponent(s);
  const steps2 = indexTrace(t).steps;
  const pool = steps2.includes(s) ? steps2 : [...t.spans].sort((a, b) => a.startTime - b.startTime);
  const later = pool.filter((x) => x !== s && x.startTime >= s.endTime && spanComponent(x) === c);
  const failure = later.map((x) => failureOf2(t, x) ?? (isErrorSpan(x) ? "error" : null));
  const sigFor = (x, m) => isToolSpan(x) && runsCode(x) ? codeErrorSignature(x, m) : errorSignature(x, m);
  const own = sigFor(s, message3);
  const same2 = (x, f) => f.trim() === message3.trim() || sigFor(x, f) === own;
  const recurs = failure.some((f, i) => f !== null && same2(later[i], f));
  const madeUp = later.length > 0 && failure[0] === null && madeUpData(t, later[0]) && !madeUpData(t, s);
  const empty = later.length > 0 && failure[0] === null && !madeUp && isToolSpan(later[0]) && gotNothing(t, later[0]);
  const handled = later.length > 0 && failure[0] === null && !recurs && !madeUp && !empty;
  const otherLater = steps2.some((x) => x !== s && x.startTime >= s.endTime && spanComponent(x) !== c && (isErrorSpan(x) || isToolSpan(x) && failureOf2(t, x) !== null));
  const stood = !failure.some((f) => f === null) && (runErrored(t) || outcomeFailed(t));
  const endedRun = stood && !failure.some((f, i) => f !== null && !same2(later[i], f)) && !otherLater;
  let acknowledged = false;
  if (isToolSpan(s)) {
    const reply = steps2.find((x) => x.kind === "llm" && x.startTime >= s.endTime && replyText(x).trim() !== "");
    const cls = /\b([A-Za-z_][\w.]*(?:Error|Exception))\b/.exec(message3)?.[1];
    acknowledged = reply !== void 0 && (acknowledges(reply, toolName(s)) || cls !== void 0 && replyText(reply).includes(cls.split(".").pop()));
  }
  return { handled, madeUp, empty, acknowledged, stood, endedRun, laterOk: failure.some((f) => f === null) };
}
function gotNothing(t, s) {
  const body = outputBody(resultText(s));
  if (body !== "") return emptyResult(body);
  const asked = requestingTurn(t, s);
  return printingPython(codeOf2(s)) || asked !== void 0 && printingPython(/```(?:python|py)\n([\s\S]*?)```/.exec(textOf2(asked.output))?.[1] ?? "");
}
function printingPython(code) {
  if (!/\bprint\s*\(/.test(code)) return false;
  return !code.split("\n").some((l) => SHELL_LINE.test(l));
}
var SHELL_LINE = /^\s*(?:cd|cat|python3?|pip3?|ls|echo|grep|sed|git|find|bash|sh|export|pytest|rm|mkdir|cp|mv|touch|head|tail|apt(?:-get)?|npm|node|curl|wget)\b(?!\s*[=(.\[])|<<|&&/;
var MADE_UP = /\b(simulated|synthetic|dummy|hypothetical|fake|made[- ]up|mock(?:ed)?|placeholder)\s+(?:\w+\s+)?(data(?:set|frame)?s?|values|results|records|responses|prices|numbers|figures|table)\b(?!\s+(?:structure|type|class|model)s?\b)/i;
function madeUpData(t, s) {
  if (!isToolSpan(s)) return false;
  const asked = requestingTurn(t, s);
  return MADE_UP.test(codeOf2(s)) || asked !== void 0 && MADE_UP.test(textOf2(asked.output));
}
function recordsInputs(t) {
  return t.spans.some((x) => x.kind === "llm" && (Array.isArray(x.messages) && x.messages.some((m) => m.role !== "assistant") || textOf2(x.input).trim() !== ""));
}
var RATE_LIMITED = /\b429\b|rate.?limit|too many requests|quota|usage limit|limit exceeded|throttl/i;
var CREDENTIALS_REFUSED = /\b(bad_credentials|invalid[_ ]api[_ ]key|incorrect api key|invalid[_ ]token|invalid_auth|authentication[_ ](?:failed|error|required)|unauthori[sz]ed|not authenticated)\b/i;
var NONE_ERROR = /'NoneType' object (is not (iterable|subscriptable)|has no attribute)/;
function untracedText(g, untraced) {
  const fn = g.checked.noneFrom;
  if (!fn) return "";
  const call = new RegExp(`(^|[^\\w.])${fn.replace(/\./g, "\\.")}\\s*\\(`);
  const more = untraced.filter((u) => call.test(u.code));
  if (!more.length) return "";
  const runs = new Set(more.map((u) => u.traceId));
  return ` ${count(more.length, "more NoneType error", "more NoneType errors")} (in ${count(runs.size, "run", "runs")}, ${[...runs].slice(0, 3).join(", ")}${runs.size > 3 ? ", \u2026" : ""}) came from code that calls \`${fn}(\u2026)\`, where halo did not trace the failing value to that call: not counted above.`;
}
function moduleBehind(message3, result) {
  if (NO_MODULE.test(message3) || !/\n(?:The above exception was the direct cause of the following exception|During handling of the above exception, another exception occurred):/.test(result)) return void 0;
  return NO_MODULE.exec(result)?.[0];
}
function stepOf(t, s) {
  let last;
  for (const x of indexTrace(t).steps) {
    if (x.startTime > s.startTime || x === s) break;
    if (x.kind === "llm") last = x;
  }
  return last;
}
function addAgentRun(g, agent, traceId) {
  (g.agents.get(agent) ?? g.agents.set(agent, /* @__PURE__ */ new Set()).get(agent)).add(traceId);
}
function fixForModules(ck) {
  const ms = [...ck.modules].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  const shared2 = ms.filter(([, runs]) => runs.size >= 2).slice(0, 8).map(([m]) => `\`${m}\``);
  const once = ms.filter(([, runs]) => runs.size < 2).slice(0, 8).map(([m]) => `\`${m}\``);
  const install = shared2.length ? `Install the packages that provide ${shared2.join(", ")} in the environment the agent's commands run in (or point the agent at the interpreter that has them), so runs do not spend steps on setup or stop at it.` : "";
  const check = once.length ? `${install ? " " : ""}${once.join(", ")} ${once.length > 1 ? "were" : "was"} missing in one run only: read ${once.length > 1 ? "those runs" : "that run"} for whether the agent's own setup pulled ${once.length > 1 ? "them" : "it"} in before installing ${once.length > 1 ? "them" : "it"}.` : "";
  return install + check;
}
function moduleList(modules, max) {
  const ms = [...modules].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  const shown = ms.slice(0, max).map(([m, runs]) => `${m} in ${count(runs.size, "run", "runs")}`).join(", ");
  return ms.length > max ? `${shown}, and ${ms.length - max} more` : shown;
}
function ownerSentence(g, agent) {
  if (g.requested === g.spans) return `In these multi-agent runs ${agent} wrote what failed: an executor ran it for ${agent}'s turn.`;
  if (g.requested === 0) return `In these multi-agent runs the failing call was emitted by ${agent}'s own model.`;
  return `In these multi-agent runs the failures belong to ${agent}: ${g.requested} of ${g.spans} ran for its turn in an executor, the rest were emitted by its own model.`;
}
var CODE_FAILED = /\b(code (parsing|execution) failed|InterpreterError|SyntaxError|IndentationError|NameError)\b/i;
var TRANSIENT = /timeout|timed out|unavailable|\b50[234]\b|connection|reset|temporar/i;
var NETWORK = /\b(?:Connection(?:Error|RefusedError|ResetError)?|ConnectTimeout|ReadTimeout|MaxRetryError|NewConnectionError|URLError|socket\.timeout|TimeoutError: \[Errno)\b|connection (?:timed out|refused|reset|aborted)/i;
var REASON_ONLY = /^\s*(?:(?:HTTP\/[\d.]+\s+)?(?:<n>|\d{3})\s+)?(?:Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Unprocessable Entity|Too Many Requests|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)\.?\s*$/i;
var QUOTA = /quota|usage limit|monthly|billing|insufficient_quota|out of credits?|credit balance/i;
var SOURCE_TEXT = {
  model: "appears first in the model's own call: no task text, user message or earlier tool output in the run holds it",
  user: "came from the user's own message, and no later call with a corrected value succeeded",
  tool: "came from an earlier tool call's output",
  environment: "is named by the task, and the environment did not provide it"
};
function causeOf(g, where2, kind, rateLimited, workedElsewhere) {
  const sig = firstLine(errorSignature0(g), 80);
  const ck = g.checked;
  const each = (n) => n === g.spans ? "every failing call" : `${n} of ${g.spans} failing calls`;
  if (ck.modules.size) {
    const installed = ck.installed.size;
    return {
      rootCause: `The commands failed with ModuleNotFoundError for modules that code already in the environment imports (${[...ck.modules.keys()].slice(0, 8).join(", ")}${ck.modules.size > 8 ? `, and ${ck.modules.size - 8} more` : ""}), and the Python that ran it does not have them${ck.repoImports.size ? `: ${[...ck.repoImports].map((m) => `\`${m}\``).join(", ")} the agent's own script imported too, and an earlier output shows the repository's code importing ${ck.repoImports.size > 1 ? "them" : "it"}; nothing the agent wrote names the others` : "; nothing the agent wrote in the run names them"}.${installed ? ` In ${count(installed, "run", "runs")} the agent installed one itself later on.` : ""}`,
      fix: fixForModules(ck),
      kind: "config"
    };
  }
  if (ck.placeholder)
    return {
      rootCause: `The code that failed holds a placeholder credential (e.g. \`${ck.placeholder}\`) instead of a real one, in ${each(g.spans)}: the service rejected it, or the code raised on it.`,
      fix: `Give the agents real credentials through the environment and name the variable in their instructions (or a tool that is already authenticated), and tell them to report a missing credential instead of writing a placeholder.`,
      kind: "config"
    };
  if (ck.noneFrom) {
    const given = ck.noneGiven === g.spans;
    const printed2 = ck.nonePrinted === g.spans;
    return {
      rootCause: `In ${each(g.spans)} the failing line uses the value \`${ck.noneFrom}(\u2026)\` returned, and it was None${printed2 ? "; each output also holds text printed before the failure (the call printed what it found and returned nothing)" : ""}${given ? `; \`${ck.noneFrom}\` is named in the task or the agents' instructions, as a function they are given` : ""}.`,
      fix: printed2 ? `Make \`${ck.noneFrom}\` return what it prints (or say where the agents are told about it that it prints its results and returns None), so code that iterates over its result works.` : given ? `Make \`${ck.noneFrom}\` return its result (or raise an error saying why it has none), and say what it returns where the agents are told about it.` : `Have the agent check what \`${ck.noneFrom}(\u2026)\` returned before using it, and decide what to do when it is None instead of going on without the data.`,
      kind: printed2 || given ? "code" : "prompt"
    };
  }
  if (ck.prescribedRuns.size === g.traces.size)
    return {
      rootCause: `In ${each(ck.prescribed)} the failing line is code the task gives verbatim (\`${firstLine(ck.prescribedLine ?? "", 100)}\`): the call the instructions prescribe failed in this environment (${sig}), not code the model made up.`,
      fix: `Fix the prescribed call or the environment it runs in (the cited line reproduces it), and tell the agent in the task what to do when it fails.`,
      kind: "config"
    };
  if (ck.fromTask === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the code that ran is code the chat's opening message (the task brief it was started with) gives, run before any agent wrote its own (${sig}): the task's code failed, not code an agent wrote.`,
      fix: `Fix the code in the task brief (or leave code out of it and let the agents write their own), since every run started from it hits the same error.`,
      kind: "config"
    };
  if (ck.credentials === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the service refused the credentials the call carried (the error says \`${ck.credentialsText}\`): the call's authentication, not its other inputs or the agent's reasoning, is what failed.${g.received ? "" : " No model call was sent these errors."}`,
      fix: `Give \`${where2}\` valid credentials in the environment it runs in (check the key or token it reads and its scope), or turn the call off where nothing in the run depends on it.`,
      kind: "config"
    };
  if (ck.selfCreated === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the path the error says already exists was created by the agent's own earlier call in the same run (e.g. \`${ck.selfCreatedPath}\`): the agent is creating again a file it made itself.${g.repeats ? ` The same error came back ${count(g.repeats, "more time", "more times")} in the same runs.` : ""}`,
      fix: `Tell the agent that a file it already created is edited (or overwritten with an explicit command), not created again; where the tool allows it, have \`${where2}\`'s error say which command edits an existing file.`,
      kind: "prompt"
    };
  if (ck.paramsChecked === g.spans) {
    const params = [...ck.params.keys()].map((p) => `\`${p}\``).join(", ");
    const declared = ck.paramsDeclared === g.spans;
    const leaveOut = ck.paramsEmpty === 0 ? "leave out" : ck.paramsEmpty === g.spans ? "send empty" : `leave out or send empty (${ck.paramsEmpty} of ${g.spans} empty)`;
    const named = ck.paramsNamed ? ` In ${ck.paramsNamed === g.spans ? "each" : `${ck.paramsNamed} of them`} the model's own message that emitted the call names the parameter it then left out.` : "";
    if (declared && ck.paramsProse > 0)
      return {
        rootCause: `In ${each(g.spans)} the arguments ${leaveOut} ${params}, which the error names as required; the declaration of \`${where2}\` the model was offered says so only in ${ck.params.size > 1 ? "their descriptions" : "its description"}, not in the schema's \`required\`.${named}`,
        fix: `Make the requirement part of the schema, not prose (a schema per command, e.g. \`oneOf\` on \`command\` with ${params} in \`required\`), and turn on strict tool calls (constrained decoding) so a call without ${ck.params.size > 1 ? "them" : "it"} cannot be emitted${ck.paramsEmpty ? ` (with \`minLength: 1\`, since ${ck.paramsEmpty === g.spans ? "these calls send" : "some of these calls send"} it empty)` : ""}; \`${where2}\`'s error already names the missing field.`,
        kind: "tool_schema"
      };
    return {
      rootCause: `In ${each(g.spans)} the arguments ${leaveOut} ${params}, which the error names as required${declared ? `, and the declaration of \`${where2}\` the model was offered already lists ${ck.params.size > 1 ? "them" : "it"} as required` : ""}.${named}`,
      fix: declared ? `The model was told ${params} ${ck.params.size > 1 ? "are" : "is"} required and left ${ck.params.size > 1 ? "them" : "it"} out anyway: turn on strict tool-call schemas (structured outputs) so such calls cannot be emitted.` : ck.paramsUndeclared === g.spans ? `Check that the schema of \`${where2}\` given to the model names ${params} as required, with the exact field names (halo found no declaration of it in the run's spans), and validate calls against it before running them.` : `Declare ${params} as required in \`${where2}\`'s schema (with a description), so the model is told before it calls, and validate calls against it.`,
      kind: declared ? "config" : "tool_schema"
    };
  }
  if (ck.agentModule === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the missing module is one a command or script the model wrote names${ck.createdModule === 0 ? ", and no earlier call in the run creates a file or folder by that name" : ""}.`,
      fix: `Have the agent use only modules the environment has (or install them first), and create a module of its own (or put its folder on the import path) before naming it in imports or settings.`,
      kind: "prompt"
    };
  const origins = [...g.origins];
  const traced = origins.reduce((n, [, o]) => n + o.count, 0);
  if (origins.length === 1 && traced * 2 >= g.spans) {
    const [source, o] = origins[0];
    const share2 = traced === g.spans ? `In every failing call` : `In ${traced} of ${g.spans} failing calls`;
    const rootCause = `${share2} the value that was not found (e.g. \`${firstLine(o.example, 80)}\`) ${SOURCE_TEXT[source]}.`;
    if (source === "model")
      return { rootCause, fix: `Have the agent look such values up with a tool, or ask for them, instead of assuming them; make \`${where2}\`'s not-found error list what does exist, so the next call can use it.`, kind: "prompt" };
    if (source === "environment")
      return { rootCause, fix: `Provide the resource the task names in the run's environment (or check it when the run starts and report it missing); have the agent say it is missing instead of working around it.`, kind: "config" };
    if (source === "user")
      return { rootCause, fix: `When a value the user gave is not found, have the agent say so and ask the user to confirm it, or look it up another way, before going on.`, kind: "prompt" };
    return { rootCause, fix: `Make the earlier tool return values that \`${where2}\` accepts (or document the mapping between them), and have the agent check such values before passing them on.`, kind: "code" };
  }
  if (rateLimited && QUOTA.test(ck.rateLimitedText ?? g.signature))
    return {
      rootCause: `\`${where2}\` rejected these calls because a usage quota ran out (${ck.rateLimitedText ? `the error says "${ck.rateLimitedText}"` : sig})${g.recovered ? `; ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : ""}.${g.received || !g.inputsRecorded ? "" : " No model call was sent these errors."}`,
      fix: `Raise the quota or plan of the account \`${where2}\` uses, or send it less${g.received || !g.inputsRecorded ? "" : `; where nothing in the run depends on \`${where2}\` (an upload of traces or telemetry), turning it off also ends them`}. Retrying with backoff does not help until the quota resets.`,
      kind: "config"
    };
  if (rateLimited)
    return {
      rootCause: `\`${where2}\` rejected these calls for its rate limit or usage quota (${ck.rateLimitedText ? `the error says "${ck.rateLimitedText}"` : sig})${g.recovered ? `; ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : ""}.${g.received || !g.inputsRecorded ? "" : " No model call was sent these errors."}`,
      fix: `Pace calls to \`${where2}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if rejections keep growing${g.received || !g.inputsRecorded ? "" : `; where nothing in the run depends on \`${where2}\` (an upload of traces or telemetry), turning it off also ends them`}.`,
      kind: "config"
    };
  const backend = ck.backendTransport + ck.backendOutage;
  if (backend === g.spans) return backendCause(g, where2);
  if (ck.unparsed === g.spans) {
    const cut = ck.resentWhole ? ` In ${ck.resentWhole === g.spans ? g.spans === 1 ? "it" : "each" : `${ck.resentWhole} of them`} the action stops part-way and the model's next action is the same one whole: ${ck.resentWhole === 1 ? "that reply was" : "those replies were"} cut off before the action ended, which the format does not explain.` : "";
    const tell = `have the harness answer an action it cannot parse by saying what was missing (${unparsedWhat(ck)}) instead of "${sig}"`;
    return {
      rootCause: `In ${each(g.spans)} the model's reply did not write the action in the form the harness parses (${unparsedWhat(ck)})${cut ? `.${cut}` : `: what failed is the action's format, not a command.`}`,
      fix: ck.resentWhole === g.spans ? `Find what cuts these replies before the action ends (a stop sequence or an output limit in the harness's model calls), since the next action shows the model writing the format; and ${tell}.` : `Show the model the exact action format in its instructions${ck.resentWhole ? ` (for the replies cut off, find what cuts them: a stop sequence or an output limit)` : ""}, and ${tell}.`,
      kind: ck.resentWhole === g.spans ? "config" : "prompt"
    };
  }
  if (ck.ranOther === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the line the shell says it ran is not the command the call carries${ranWhat(ck, g.spans)}: what failed is not what the model wrote.`,
      fix: `Make \`${where2}\` pass commands to the shell as written${ck.ranStripped === g.spans ? " (keep their double quotes and backslashes)" : ""}, then re-run a cited command as written to see whether it works.`,
      kind: "code"
    };
  if (g.runner && TRANSIENT.test(g.signature) && NETWORK.test(g.signature))
    return {
      rootCause: `The code the agent had \`${where2}\` run failed on its own network call (${sig}): the host it tried to reach did not answer; \`${where2}\` ran the code and reported the failure. ${g.recovered ? `${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back; whether it reached the same host is not checked)` : "None was handled: the next call to it failed too, there was none, or the error came back"}.`,
      fix: `Have the agent's code set a timeout on its network calls and handle a failed connection (say so, or get the data another way) instead of assuming the host answers; if runs need that host, check that the environment can reach it.`,
      kind: "prompt"
    };
  if (TRANSIENT.test(g.signature))
    return {
      rootCause: `\`${where2}\` failed with an error that reads as transient (${sig}); ${g.recovered ? `${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back)` : "none was handled: the next call to it failed too, there was none, or the error came back"}.`,
      fix: `Give \`${where2}\` a timeout and a bounded retry with jittered backoff, and return a clear, model-readable error when retries are exhausted.`,
      kind: "code"
    };
  if (g.runner && ck.edited === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the traceback ends in code the agent wrote: a file its own commands wrote or edited earlier in the run, or code given inline in the command (e.g. ${ck.editedFile === "the command itself" ? "a `python -c` command" : `\`${ck.editedFile}\``}): the code that failed is the agent's.`,
      fix: `Have the agent check what it writes before running it (compile or lint an edited file, keep a backup and restore it when an edit breaks the file), and read the traceback's last frame before its next edit.`,
      kind: "prompt"
    };
  if (g.runner && ck.undefinedNames === g.spans)
    return {
      rootCause: `In ${each(g.spans)} the code that ran uses ${[...ck.names].slice(0, 4).map((n) => `\`${n}\``).join(", ")} and neither defines, imports nor assigns ${ck.names.size > 1 ? "them" : "it"} anywhere in it: the code was incomplete as it ran.`,
      fix: `Have the agent import or define every name its code uses in the code it sends to run (${[...ck.names].slice(0, 4).map((n) => `\`${n}\``).join(", ")} here), rather than rely on an earlier block or an assumed environment.`,
      kind: "prompt"
    };
  if (g.runner) {
    const partly2 = [
      ck.unparsed ? `in ${ck.unparsed} of ${g.spans} failing calls the model's reply did not write the action in the form the harness parses (${unparsedWhat(ck)})` : "",
      ck.ranOther ? `in ${ck.ranOther} of ${g.spans} the line the shell says it ran is not the command the call carries${ranWhat(ck, ck.ranOther)}` : ""
    ].filter(Boolean);
    const told = partly2.length ? ` Checked: ${partly2.join("; ")}.` : "";
    const parsed = ck.notAsWritten === g.spans ? ` These runs record each command as the harness parsed it from the model's reply, not the reply itself, so whether what ran is what the model wrote is not known.` : "";
    return {
      rootCause: `What the model had \`${where2}\` run failed with this error (${sig}) in ${count(g.traces.size, "run", "runs")}; halo's checks did not determine why${told ? " the others failed" : ""} (the command itself, a change to it on its way to \`${where2}\`, or the environment it ran in).${told}${parsed}`,
      fix: `Halo could not tell why ${told ? "the others" : "these"} failed, so it prescribes no change: read the cited commands and their output first, for whether the command, a change to it on its way to \`${where2}\`, or the environment is at fault.`,
      kind: "eval"
    };
  }
  if (g.reported === g.spans)
    return {
      rootCause: `\`${where2}\` ran what it was given and reported that it failed (${sig}); halo's checks did not determine why what ran failed.`,
      fix: `Have the agent read the reported failure and fix what it ran before going on, or say the task is unfinished; keep \`${where2}\`'s output naming what failed and why, so the model can act on it.`,
      kind: "prompt"
    };
  if (kind === "span" && ck.imports.size && ck.importsListed === g.spans)
    return {
      rootCause: `The model's code imported modules the interpreter does not allow (${[...ck.imports].slice(0, 6).map((m) => `\`${m}\``).join(", ")}), in ${each(g.spans)}, although the agent's instructions already list the authorized imports.${ck.importedTools.size ? ` ${[...ck.importedTools].map((m) => `\`${m}\``).join(", ")} ${ck.importedTools.size > 1 ? "are tools" : "is a tool"} the agent already has, imported as a module.` : ""}`,
      fix: `The allowed list is already in the instructions: ${ck.imports.size > ck.importedTools.size ? `if the tasks need ${[...ck.imports].filter((m) => !ck.importedTools.has(m)).map((m) => `\`${m}\``).join(", ")}, add ${ck.imports.size - ck.importedTools.size > 1 ? "them" : "it"} to the executor's authorized imports; otherwise ` : ""}say next to that list that tools are called directly, never imported, and that an import outside the list fails the step.`,
      kind: "config"
    };
  if (kind === "span" && CODE_FAILED.test(g.signature))
    return {
      rootCause: `The code the model wrote for these steps failed when the framework parsed or ran it (${sig})${g.received === g.spans ? "; the model was sent each error, with the failing line, in its next call" : ""}.`,
      fix: g.received !== g.spans ? `Send the model the full error and the failing line when a step's code fails, so its next step can correct it.` : /^Code parsing failed/.test(errorSignature0(g).replace(/^Step <n>:?\s*/, "")) ? `The parse error and the failing line already reach the model. If these steps matter, read the cited code for what it was writing when it broke (long text inside string literals is a common case) and give the agent a way to do that without writing it as code (a file-writing or patch tool).` : `The error and the failing line already reach the model; halo's checks did not determine why the code was wrong, so read the cited steps (what the model assumed about the function or value it used) before changing its instructions.`,
      kind: "prompt"
    };
  if (kind === "tool" && backend === 0 && !REASON_ONLY.test(sig) && statesAReason(g.signature) && !/[A-Za-z](Error|Exception)\b|\bErrno\b|Error running tool|Traceback|has no attribute|is not defined|No module named|An error occurred/.test(g.signature)) {
    if (!workedElsewhere)
      return {
        rootCause: `\`${where2}\` failed with this error (${sig}) in ${count(g.traces.size, "run", "runs")}, and no call to it went through in any run here: the spans do not show it working for any input, so whether the inputs or the tool (its service, its access) led to the error is not something they tell.`,
        fix: `Call \`${where2}\` by hand with one cited input and with an input known to work: if neither goes through, fix the tool or its access, or stop offering it to the agent; if only the cited one fails, tell the agent in the tool's description what input it takes.`,
        kind: "code"
      };
    return {
      rootCause: `\`${where2}\` rejected these calls with a reason of its own (${sig}): the inputs broke a condition the tool checks, and the error states it; nothing in the spans shows the tool misbehaving.`,
      fix: `Have the agent check that condition before calling \`${where2}\` (against what earlier tool results and its instructions say, where they hold it), and when a call is rejected, change the input the error names or tell the user${g.repeats ? " rather than send the same call again" : ""}.`,
      kind: "prompt"
    };
  }
  if (kind === "model call" && /\bmodel_not_found\b|\bmodel [`'"]?[\w./:-]+[`'"]? does not exist\b|\bunknown model\b|\bnot_found_error\b[^\n]*\bmodel\b/i.test(g.signature))
    return {
      rootCause: `The provider answered that the model these calls asked for (\`${where2}\`) does not exist or is not available to the key (${sig}): the model name in the calls, not the prompt, is what failed.`,
      fix: `Check the model name \`${where2}\` in the configuration against the provider's model list (and the key's access to it); fail at start-up when a configured model is not available, instead of on the first call.`,
      kind: "config"
    };
  const modelSaw = g.received > 0 || !g.inputsRecorded;
  const partly = backend ? ` In ${backend} of ${g.spans} failing calls the service behind \`${where2}\` failed (${backendWhat(ck)}).` : "";
  return {
    rootCause: `\`${where2}\` failed with the same error in ${g.traces.size} runs (${sig}); halo's checks did not determine whether the inputs or the ${kind} led to it${backend ? " in the others" : ""}.${partly}${modelSaw ? "" : ` No model call was sent ${g.spans > 1 ? "any of these errors" : "this error"}.`}`,
    fix: modelSaw ? `Reproduce one cited span's input against \`${where2}\` to tell a bad input from a defect in the ${kind}, fix that, and return an error message the model can act on.` : `Reproduce one cited span's input against \`${where2}\` to tell a bad input from a defect in the ${kind}, and fix it where the call is made: no model was sent the error, so nothing in the agent's instructions can act on it.`,
    kind: "code"
  };
}
function backendWhat(ck) {
  const parts = [];
  if (ck.backendTransport) parts.push(`${ck.backendTransport === 1 ? "one error is" : `${ck.backendTransport} errors are`} a transport or server failure${ck.backendText && ck.backendOutage === 0 ? `: "${ck.backendText}"` : ""}`);
  if (ck.backendOutage) parts.push(`${ck.backendOutage === 1 ? "one call failed" : `${ck.backendOutage} calls failed`} where every later call of its run failed with the same error, calls that had worked earlier in the run among them`);
  return parts.join("; ");
}
function backendCause(g, where2) {
  const ck = g.checked;
  return {
    rootCause: `The service behind \`${where2}\` failed, not the inputs: ${backendWhat(ck)}.${g.recovered ? ` ${g.recovered} of ${g.spans} were handled (the next call to it worked and the error did not come back).` : ""}`,
    fix: `Fix what \`${where2}\` calls (its endpoint, server or network route; a cited call reproduces it), or take the tool out of the agent's list while it is down, and have the tool report such failures as the service's, so the agent can tell them from a rejection of what it sent. Changing the agent's instructions does not fix it.`,
    kind: "code"
  };
}
function unparsedWhat(ck) {
  return [...ck.unparsedHow].join("; ");
}
function ranWhat(ck, n) {
  const stripped = ck.ranStripped === n ? ": it is the command with its double quotes and backslashes removed" : "";
  return `${stripped} (e.g. the shell ran \`${firstLine(ck.ranLine ?? "", 100)}\`)`;
}
var BARE_WORDS = /^(invalid|illegal|error|errors|failed|failure|fail|bad|wrong|request|action|input|inputs|call|tool|function|command|query|unknown|not|allowed|denied|rejected|forbidden|refused|the|a|an|is|was|this|that|your|please|try|again|s|n)$/i;
function statesAReason(signature) {
  return signature.split(/[^A-Za-z]+/).filter((w) => w !== "" && !BARE_WORDS.test(w)).length >= 2;
}

// sandbox/detectors/agent-hits.ts
function addOccurrence(acc, o) {
  if (acc.occurrences.length < MAX_OCCURRENCES) acc.occurrences.push(o);
}
function runHits(t, hitsOf, keep, record) {
  const acc = { hits: [], citations: [], occurrences: [], received: 0 };
  for (const hit of hitsOf(t)) {
    acc.hits.push(keep(hit));
    record(acc, hit, t);
  }
  return acc;
}
function hitsByAgent(runs) {
  const out = [];
  for (const [agent, list2] of runsByAgent(runs)) {
    const acc = { agent, runs: list2.map((r) => r.run), hits: [], affected: /* @__PURE__ */ new Set(), citations: [], occurrences: [], received: 0 };
    for (const { run, obs } of list2) {
      if (obs.hits.length) acc.affected.add(run.traceId);
      for (const h of obs.hits) acc.hits.push(h);
      for (const c of obs.citations) acc.citations.push(c);
      for (const o of obs.occurrences) addOccurrence(acc, o);
      acc.received += obs.received;
    }
    out.push(acc);
  }
  return out;
}

// sandbox/detectors/output-format.ts
var OUTPUT_FORMAT_ERROR = /error in code parsing|code snippet is invalid|regex pattern [\s\S]{0,80}? was not found|could not parse (?:llm|model) output|output ?parser ?exception|invalid format: missing '?(?:action|thought|final answer)|failed to parse (?:the )?(?:llm|model|assistant)(?:'s)? (?:output|response|reply)/i;
function* rejectedOutputs(t) {
  for (const s of originErrors(t)) {
    if (s.spanId === t.rootSpanId && t.spans.length > 1) continue;
    const msg = errorMessage(s);
    const m = OUTPUT_FORMAT_ERROR.exec(msg);
    if (m) yield { span: s, msg, at: m.index };
  }
}
var outputFormatSteps = {
  perRun: (t) => runHits(t, rejectedOutputs, ({ msg }) => firstLine(msg, 100), (acc, { span: s, msg, at }, t2) => {
    addOccurrence(acc, { traceId: t2.traceId, spanId: s.spanId });
    const reader = receivingCall(t2, s, probeOf(msg));
    if (reader) {
      acc.received++;
      addOccurrence(acc, { traceId: t2.traceId, spanId: reader.spanId, role: "received", of: s.spanId });
    }
    acc.citations.push({ traceId: t2.traceId, spanId: s.spanId, excerpt: excerpt(msg, Math.max(0, at - 40), 200) || void 0 });
  }),
  global: outputFormatFindings
};
var outputFormat = oneShot(outputFormatSteps);
function outputFormatFindings(runs, opts) {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const out = [];
  const gathered = hitsByAgent(runs);
  for (const { agent, runs: list2, hits, affected, citations, occurrences, received: read } of gathered) {
    if (affected.size < minTraces) continue;
    const steps2 = hits.length;
    const variants = /* @__PURE__ */ new Map();
    for (const variant of hits) {
      variants.set(variant, (variants.get(variant) ?? 0) + 1);
    }
    const top = [...variants].sort((a, b) => b[1] - a[1]);
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: the framework could not parse the model's output into an action`,
        category: "other",
        severity: "medium",
        summary: `In ${shareText(affected.size, list2.length)} of ${agentPhrase(agent)}, the agent framework rejected what the model wrote because it was not in the format it parses (${count(steps2, "such step")}${read ? `; ${read} of them sent back to the model in its next call` : ""}), e.g. "${top[0][0]}". Nothing ran in those steps.`,
        rootCause: `The model answered outside the action format its framework parses; the framework's error and the rejected output are cited.`,
        fix: `Enforce the format at generation (tool calling or structured output instead of parsing free text, stop sequences), show the exact format in the prompt with an example, and make the parse-error message quote the expected format so the next attempt can comply.`,
        fixKind: "prompt",
        component: `agent:${agent}`,
        signature: "output_format",
        monitor: `Share of ${agentLabel(agent)} runs with a model output the framework could not parse, per day.`,
        detector: "output-format",
        traceIds: affected,
        citations,
        total: list2.length,
        data: { agent, steps: steps2, received: read, variants: Object.fromEntries(top.slice(0, 10)), occurrences }
      })
    );
  }
  return out;
}

// sandbox/detectors/explained-errors.ts
var COVERED = 0.9;
function covers(specific, error) {
  const comp = error.key.component;
  const tool = comp.startsWith("tool:") ? comp.slice(5) : null;
  switch (specific.source) {
    case "detector:unknown-tools":
      return tool != null && Object.hasOwn(specific.data?.tools ?? {}, tool);
    case "detector:tool-arguments":
      return specific.key.signature === "invalid_json_arguments" && tool != null && Object.hasOwn(specific.data?.tools ?? {}, tool);
    case "detector:retries":
      return specific.key.component === comp;
    case "detector:output-format":
      return OUTPUT_FORMAT_ERROR.test(error.key.signature);
    default:
      return false;
  }
}
function foldExplainedErrors(findings) {
  const specific = findings.filter((f) => f.source === "detector:unknown-tools" || f.source === "detector:tool-arguments" || f.source === "detector:retries" || f.source === "detector:output-format");
  const traceSets = new Map(specific.map((f) => [f, new Set(f.data?.traceIds)]));
  return findings.filter((f) => {
    if (f.source !== "detector:error-signatures") return true;
    const ids = f.data?.traceIds ?? [];
    if (!ids.length) return true;
    for (const g of specific) {
      if (!covers(g, f)) continue;
      const set = traceSets.get(g);
      const inside = ids.filter((id) => set.has(id)).length;
      if (inside / ids.length < COVERED) continue;
      const data = g.data;
      const signatures = data.errorSignatures ?? [];
      data.errorSignatures = [...signatures, `${f.key.component} ${f.key.signature}`];
      return false;
    }
    return true;
  });
}

// src/eval/steps.ts
function agentSteps(trace) {
  const isCall = (s) => s.kind === "llm" || s.kind === "tool";
  const turns = /* @__PURE__ */ new Set();
  for (const s of trace.spans) {
    const st = s.attributes?.["halo.step"];
    if (typeof st === "number") turns.add(st);
  }
  if (turns.size) return { steps: turns.size, unit: "turn" };
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  const depth = (s) => {
    let d = 0;
    for (let cur = s; cur.parentId && byId.has(cur.parentId) && d < 1e3; d++) cur = byId.get(cur.parentId);
    return d;
  };
  const agent = trace.spans.filter((s) => s.kind === "agent").sort((a, b) => depth(a) - depth(b))[0];
  if (agent) {
    const parents = new Set(trace.spans.filter(isCall).map((s) => s.parentId));
    const stepSpans = trace.spans.filter((s) => s.parentId === agent.spanId && !isCall(s) && parents.has(s.spanId));
    if (stepSpans.length) return { steps: stepSpans.length, unit: "step span" };
  }
  const insideCall = (s) => {
    for (let cur = s.parentId ? byId.get(s.parentId) : void 0, g = 0; cur && g < 1e3; g++, cur = cur.parentId ? byId.get(cur.parentId) : void 0) if (cur.kind === "llm") return true;
    return false;
  };
  return { steps: trace.spans.filter((s) => s.kind === "llm" && !insideCall(s)).length, unit: "model call" };
}

// sandbox/detectors/stats.ts
function median(sorted) {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function scaledMad(values, center) {
  const dev = values.map((v) => Math.abs(v - center)).sort((a, b) => a - b);
  return 1.4826 * median(dev);
}
function upperFence(values, opts = {}) {
  const k = opts.k ?? 3.5;
  const minSample = opts.minSample ?? 20;
  const minRatio = opts.minRatio ?? 1.5;
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length < minSample) return null;
  const logs = positive.map(Math.log).sort((a, b) => a - b);
  const center = median(logs);
  let spread = scaledMad(logs, center);
  if (spread === 0) {
    spread = 1.2533 * logs.reduce((s, v) => s + Math.abs(v - center), 0) / logs.length;
  }
  if (spread === 0) return null;
  const cutoff = Math.exp(Math.max(center + k * spread, center + Math.log(minRatio)));
  return { cutoff, median: Math.exp(center), sample: positive.length };
}

// sandbox/detectors/seen-call.ts
function callId(s) {
  const a = s.attributes ?? {};
  const id = a["tool_call.id"] ?? a["gen_ai.tool.call.id"];
  return typeof id === "string" && id !== "" ? id : void 0;
}
var inputCache2 = /* @__PURE__ */ new WeakMap();
function sent(m) {
  let v = inputCache2.get(m);
  if (v !== void 0) return v;
  const all = Array.isArray(m.messages) ? m.messages : [];
  const messages = all.length && all[all.length - 1].role === "assistant" ? all.slice(0, -1) : all;
  const text = messages.length ? messages.map((x) => typeof x.content === "string" ? x.content : textOf2(x.content)).join("\n") : textOf2(m.input);
  v = messages.length || text.trim() ? { messages, text } : null;
  inputCache2.set(m, v);
  return v;
}
function sentOrUnrecorded(m, text) {
  const input = sent(m);
  return input === null || input.text.replace(/\s+/g, " ").includes(text.replace(/\s+/g, " "));
}
function sameArgs(a, b) {
  if (typeof a === "string" || typeof b === "string") return textOf2(a) === textOf2(b);
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
function sawEarlierCall(t, earlier, later) {
  const m = emittingCall(t, later);
  if (!m || m === emittingCall(t, earlier)) return false;
  const input = sent(m);
  if (!input) return false;
  const id = callId(earlier);
  for (const msg of input.messages) {
    if (id !== void 0 && msg.toolCallId === id) return true;
    for (const c of msg.toolCalls ?? []) {
      if (id !== void 0 && c.id === id) return true;
      if (c.name === toolName(earlier) && sameArgs(c.arguments, earlier.tool?.arguments)) return true;
    }
  }
  const result = resultText(earlier).trim();
  if (result.length >= 12 && input.text.includes(result.slice(0, 200))) return true;
  const args = earlier.tool?.arguments;
  const argText = (typeof args === "string" ? args : textOf2(args)).trim();
  return argText.length >= 12 && input.text.includes(argText.slice(0, 200));
}

// sandbox/detectors/repeats.ts
function hasArguments(s) {
  const a = s.tool?.arguments;
  if (a == null) return false;
  if (typeof a === "string") return a.trim() !== "" && a.trim() !== "null";
  return true;
}
function callKeys(tools) {
  return tools.map((s, i) => hasArguments(s) ? callKey(s) : `${i}`);
}
function identicalRuns(tools, minRun = 3, keys = callKeys(tools), seen) {
  const runs = [];
  let i = 0;
  while (i < tools.length) {
    let j = i + 1;
    if (!isErrorSpan(tools[i]) && hasArguments(tools[i])) {
      const key = keys[i];
      while (j < tools.length && !isErrorSpan(tools[j]) && keys[j] === key && (!seen || tools.slice(i, j).some((e) => seen(e, tools[j])))) j++;
      if (j - i >= minRun) runs.push([i, j - i]);
    }
    i = j;
  }
  return runs;
}
function findLoop(tools, minRepeats = 3, keys = callKeys(tools)) {
  for (const period of [2, 3]) {
    let runStart = 0;
    for (let i = period; i <= keys.length; i++) {
      if (i < keys.length && keys[i] === keys[i - period]) continue;
      const len = i - runStart;
      if (len >= period * minRepeats && new Set(keys.slice(runStart, runStart + period)).size === period) {
        return { start: runStart, period, repeats: Math.floor(len / period) };
      }
      runStart = i - period + 1;
      if (runStart < 0) runStart = 0;
    }
  }
  return null;
}
var NOTHING_FOUND = /^(?:could not find|couldn't find|no results?\b|nothing found|not found\b|no (?:matching|matches)\b)/i;
var repeatedCallSteps = {
  perRun(t, opts) {
    const minRun = opts.minRun ?? 3;
    const out = { identical: [], loop: null };
    const tools = indexTrace(t).tools;
    if (tools.length < 3) return out;
    const keys = callKeys(tools);
    for (const [start, len] of identicalRuns(tools, minRun, keys, (e, l) => sawEarlierCall(t, e, l))) {
      const s = tools[start + len - 1];
      const name = toolName(s);
      const nothing = tools.slice(start, start + len).every((x) => NOTHING_FOUND.test(resultText(x).trim().split("\n", 1)[0].slice(0, 300)));
      const flagged = !nothing && tools.slice(start, start + len).some((x) => typeof x.attributes["halo.flagged_error"] === "string");
      out.identical.push({ name, len, nothing, flagged, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: argsExcerpt(s), note: `${len} identical \`${name}\` calls in a row${nothing ? ", each answered that nothing was found" : ""}` } });
    }
    const loop = findLoop(tools, 3, keys);
    if (loop && Array.from({ length: loop.period * (loop.repeats - 1) }, (_, k) => loop.start + loop.period + k).every((j) => sawEarlierCall(t, tools[j - loop.period], tools[j]))) {
      const cycle = tools.slice(loop.start, loop.start + loop.period).map(toolName);
      const label = cycle.join(" \u2192 ");
      const s = tools[loop.start + loop.period * (loop.repeats - 1)];
      out.loop = { label, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: argsExcerpt(s), note: `cycle ${label} repeated ${loop.repeats}\xD7` } };
    }
    return out;
  },
  global: repeatFindings
};
var repeatedCalls = oneShot(repeatedCallSteps);
function statusClause(rep) {
  if (rep.nothing === rep.runs) return ", each call answering that nothing was found";
  if (!rep.nothing && !rep.flagged) return " although the calls were not marked failed";
  const parts = [
    rep.nothing ? `in ${rep.nothing} of ${rep.runs} such stretches each call answered that nothing was found` : "",
    rep.flagged ? `in ${rep.flagged} of ${rep.runs} such stretches the source flagged calls as errors although their results carried data` : ""
  ].filter(Boolean);
  return ` (${parts.join("; ")}; in the others the calls were not marked failed)`;
}
function repeatFindings(runs, opts) {
  const minRun = opts.minRun ?? 3;
  const minTraces = opts.minTraces ?? (runs.length > 1 ? 2 : 1);
  const out = [];
  for (const [agent, list2] of runsByAgent(runs)) {
    const rep = { traces: /* @__PURE__ */ new Set(), citations: [], longest: 0, runs: 0, nothing: 0, flagged: 0, tools: /* @__PURE__ */ new Map() };
    for (const { run, obs } of list2) {
      for (const { name, len, citation, nothing, flagged } of obs.identical) {
        rep.traces.add(run.traceId);
        rep.runs++;
        if (nothing) rep.nothing++;
        if (flagged) rep.flagged++;
        rep.longest = Math.max(rep.longest, len);
        rep.tools.set(name, (rep.tools.get(name) ?? 0) + 1);
        rep.citations.push(citation);
      }
    }
    if (rep.traces.size >= minTraces && rep.traces.size > 0) {
      const tools = [...rep.tools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const one = tools.length === 1 ? tools[0][0] : null;
      const listed = tools.slice(0, 8).map(([n, c]) => `\`${n}\` (${c})`).join(", ");
      out.push(
        buildFinding({
          title: one ? `${agentLabel(agent)} repeats identical \`${one}\` calls` : `${agentLabel(agent)} repeats identical tool calls`,
          category: "trajectory",
          severity: "medium",
          summary: `${shareText(rep.traces.size, list2.length)} of ${agentPhrase(agent)} call the same tool with identical arguments ${minRun} or more times in a row${statusClause(rep)}, each repeat emitted by a model call whose input already held the identical call or its result (longest run: ${rep.longest}); by tool: ${listed}. Each repeat costs a step and tokens without new information.`,
          rootCause: `The model was sent the earlier identical call (or its result) and made it again: each repeat ${rep.nothing === rep.runs ? "asks again for what it was already told is not there" : "fetches a result the agent already had"}.`,
          fix: `Show the model that the call already ran (keep tool results in context, or answer a duplicate with "same call as step N: <result>"), and add a guard in the agent loop that refuses a third identical call in a row.`,
          fixKind: "code",
          component: `agent:${agent}`,
          signature: "repeated_identical_call",
          monitor: `Count of ${agentLabel(agent)} runs with \u2265 ${minRun} identical consecutive tool calls, per day.`,
          detector: "repeats",
          traceIds: rep.traces,
          citations: rep.citations,
          total: list2.length,
          // No predicate: whether the model saw the earlier call is read from message histories, which a one-line check cannot redo.
          data: { agent, runs: rep.runs, longest: rep.longest, tools: Object.fromEntries(tools) }
        })
      );
    }
    const loops = { traces: /* @__PURE__ */ new Set(), citations: [], cycles: /* @__PURE__ */ new Map() };
    for (const { run, obs } of list2) {
      if (!obs.loop) continue;
      const { label, citation } = obs.loop;
      loops.traces.add(run.traceId);
      loops.cycles.set(label, (loops.cycles.get(label) ?? 0) + 1);
      loops.citations.push(citation);
    }
    if (loops.traces.size >= minTraces) {
      const top = [...loops.cycles].sort((a, b) => b[1] - a[1]);
      out.push(
        buildFinding({
          title: `${agentLabel(agent)} gets stuck in tool-call loops`,
          category: "trajectory",
          severity: "high",
          summary: `${shareText(loops.traces.size, list2.length)} of ${agentPhrase(agent)} repeat the same cycle of 2\u20133 tool calls (same arguments) three or more times back to back, each call made by a model call whose input held the same call one cycle earlier. Most common: ${top.slice(0, 3).map(([c, n]) => `${c} (${n})`).join("; ")}.`,
          rootCause: `The same sequence of calls with the same arguments repeats back to back, so each cycle gets the results the previous one got; nothing in these runs stopped the sequence before the third cycle.`,
          fix: `Add loop detection to the agent runtime (same cycle of calls twice \u2192 tell the model it is looping and ask it to change approach or stop), and cap steps per run.`,
          fixKind: "code",
          component: `agent:${agent}`,
          signature: "tool_call_loop",
          monitor: `Count of ${agentLabel(agent)} runs where a cycle of 2\u20133 calls repeats \u2265 3 times, per day.`,
          detector: "repeats",
          traceIds: loops.traces,
          citations: loops.citations,
          total: list2.length,
          // No predicate, as for identical repeats: what the model saw is read from message histories.
          data: { agent, cycles: Object.fromEntries(top.slice(0, 20)) }
        })
      );
    }
  }
  return out;
}
function argsExcerpt(s) {
  const args = s.tool?.arguments;
  const text = typeof args === "string" ? args : textOf2(args);
  return text ? excerpt(text) : void 0;
}

// sandbox/detectors/outliers.ts
var METRICS = [
  {
    name: "steps",
    category: "trajectory",
    // Agent steps as the framework counts them (a turn, a "Step N", a model call with its tool calls), not every call.
    value: (t) => agentSteps(t).steps,
    expr: `(${agentSteps.toString()})(t).steps`,
    unit: (v) => `${Math.round(v)} steps`
  },
  { name: "tokens", category: "cost", value: (t) => num2(t.tokens?.total), expr: '(t.tokens && typeof t.tokens.total === "number" ? t.tokens.total : 0)', unit: (v) => `${Math.round(v)} tokens` },
  { name: "cost", category: "cost", value: (t) => num2(t.costUsd), expr: '(typeof t.costUsd === "number" ? t.costUsd : 0)', unit: (v) => `$${v < 0.01 ? v.toFixed(4) : v.toFixed(2)}` },
  { name: "latency", category: "latency", value: (t) => num2(t.durationMs), expr: '(typeof t.durationMs === "number" ? t.durationMs : 0)', unit: (v) => v >= 6e4 ? `${(v / 6e4).toFixed(1)} min` : `${(v / 1e3).toFixed(1)} s` }
];
function num2(v) {
  return typeof v === "number" ? v : 0;
}
var STEP_VALUE = {
  latency: (s) => num2(s.durationMs),
  cost: (s) => num2(s.costUsd),
  tokens: (s) => num2(s.tokens?.total)
};
function stepName(s) {
  return isToolSpan(s) ? toolName(s) : s.model || s.name;
}
function stepLabel(s) {
  return isToolSpan(s) ? `tool \`${stepName(s)}\`` : `model call \`${stepName(s)}\``;
}
function culpritOf(m, hits, rest) {
  const value = STEP_VALUE[m.name];
  if (!value) return null;
  const dominant = /* @__PURE__ */ new Map();
  const counts = /* @__PURE__ */ new Map();
  for (const { r, v } of hits) {
    const top = r.obs.steps[m.name]?.top;
    if (!top || !(top.value >= v / 2)) continue;
    dominant.set(r, top);
    counts.set(top.label, (counts.get(top.label) ?? 0) + 1);
  }
  const [label, runs] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  if (runs < Math.max(2, Math.ceil(hits.length * 0.6))) return null;
  const spans = new Map([...dominant].filter(([, s]) => s.label === label));
  const normal = [];
  for (const r of rest) for (const [l, values] of r.obs.steps[m.name]?.byLabel ?? []) if (l === label) for (const v of values) normal.push(v);
  const worst = [...spans.values()].reduce((mx, sp) => Math.max(mx, sp.value), 0);
  return { culprit: { label, name: [...spans.values()][0].name, runs, worst, typical: median(normal.sort((a, b) => a - b)) }, spans };
}
function stepsOf(t, value) {
  let top;
  const byLabel = /* @__PURE__ */ new Map();
  for (const s of indexTrace(t).steps) {
    if (!top || value(s) > value(top)) top = s;
    if (value(s) > 0) (byLabel.get(stepLabel(s)) ?? byLabel.set(stepLabel(s), []).get(stepLabel(s))).push(value(s));
  }
  return { top: top ? { label: stepLabel(top), name: stepName(top), spanId: top.spanId, value: value(top) } : null, byLabel: [...byLabel] };
}
function culpritText(m, c, hits) {
  const typical = Number.isFinite(c.typical) ? `, against a typical ${m.unit(c.typical)} for that call in the agent's other runs` : "";
  const share2 = `${c.runs === hits ? `In all ${hits}` : `In ${c.runs} of these ${hits}`} runs a single ${c.label}`;
  switch (m.name) {
    case "latency":
      return {
        rootCause: `${share2} takes most of the run's time (up to ${m.unit(c.worst)}${typical}), so the delay comes from that call rather than from extra steps.`,
        fix: `Put a timeout on ${c.label} (a few times its typical duration) with a fallback or a clear error the model can act on, and look at the cited spans for why it stalls (a slow dependency, an unbounded query, a cold start).`
      };
    case "cost":
      return {
        rootCause: `${share2} accounts for most of the run's cost (up to ${m.unit(c.worst)}${typical}).`,
        fix: `Check what goes into the prompt of ${c.label} in the cited spans (a large tool result or document pasted in whole); truncate or summarise it, cap input tokens per call, and set a per-run cost budget.`
      };
    default:
      return {
        rootCause: `${share2} accounts for most of the run's tokens (up to ${m.unit(c.worst)}${typical}).`,
        fix: `Check what goes into the prompt of ${c.label} in the cited spans (a large tool result or document pasted in whole); truncate or summarise it and cap input tokens per call.`
      };
  }
}
function syntheticTime(t) {
  for (const s of t.spans) {
    if (s.parentId == null || s.spanId === t.rootSpanId) {
      const v = s.attributes?.["halo.synthetic_time"];
      if (v === true || v === "true") return true;
    }
  }
  return false;
}
var SYNTHETIC_EXPR = '!t.spans.some((s) => (s.parentId == null || s.spanId === t.rootSpanId) && s.attributes && (s.attributes["halo.synthetic_time"] === true || s.attributes["halo.synthetic_time"] === "true"))';
function onePopulation(runs) {
  if (runs[0]?.run.agent === "unknown") {
    const one = (key) => runs.every((r) => key(r) !== null && key(r) === key(runs[0]));
    if (!one((r) => r.run.source.file) && !one((r) => r.run.service)) return false;
  }
  const sets2 = runs.map((r) => r.obs.toolSet).filter((k) => k !== "");
  if (sets2.length < runs.length / 2) return true;
  const counts = /* @__PURE__ */ new Map();
  for (const k of sets2) counts.set(k, (counts.get(k) ?? 0) + 1);
  return Math.max(...counts.values()) * 2 >= sets2.length;
}
function mostRepeated(t) {
  const tools = indexTrace(t).tools;
  const keys = callKeys(tools);
  const counts = /* @__PURE__ */ new Map();
  let best = null;
  keys.forEach((k, i) => {
    const c = counts.get(k) ?? counts.set(k, { i, n: 0 }).get(k);
    c.n++;
    if (!best || c.n > best.n) best = c;
  });
  const b = best;
  return b && b.n >= 2 ? { name: toolName(tools[b.i]), spanId: tools[b.i].spanId, times: b.n } : null;
}
var outlierSteps = {
  perRun(t, opts) {
    const metrics = METRICS.filter((m) => !opts.metrics || opts.metrics.includes(m.name));
    const values = {};
    const steps2 = {};
    for (const m of metrics) {
      values[m.name] = m.value(t);
      const value = STEP_VALUE[m.name];
      if (value) steps2[m.name] = stepsOf(t, value);
    }
    return { values, synthetic: syntheticTime(t), root: indexTrace(t).root?.spanId, toolSet: [...declaredInTrace(t).keys()].sort().join(","), steps: steps2, idle: idleGap(t), repeat: mostRepeated(t) };
  },
  global: outlierFindings
};
var outliers = oneShot(outlierSteps);
function outlierFindings(runs, opts) {
  const out = [];
  const minTraces = opts.minTraces ?? 1;
  const metrics = METRICS.filter((m) => !opts.metrics || opts.metrics.includes(m.name));
  for (const [agent, all] of runsByAgent(runs)) {
    if (!onePopulation(all)) continue;
    for (const m of metrics) {
      const list2 = m.name === "latency" ? all.filter((r) => !r.obs.synthetic) : all;
      const values = list2.map((r) => r.obs.values[m.name]);
      const fence = upperFence(values, { k: opts.k, minSample: opts.minSample });
      if (!fence) continue;
      const hits = [];
      list2.forEach((r, i) => {
        if (values[i] > fence.cutoff) hits.push({ r, v: values[i] });
      });
      if (hits.length < minTraces) continue;
      hits.sort((a, b) => b.v - a.v);
      const worst = hits[0].v;
      const hitSet = new Set(hits.map((h) => h.r));
      const found = culpritOf(m, hits, list2.filter((r) => !hitSet.has(r)));
      const idle = !found && m.name === "latency" ? idleGaps(hits) : null;
      const text = found ? culpritText(m, found.culprit, hits.length) : idle ? {
        rootCause: `In ${idle.runs === hits.length ? "each of these runs" : `${idle.runs} of ${hits.length} of these runs`} most of the time is one gap in which no recorded call was running (${m.unit(idle.gap)} of ${m.unit(idle.total)} in ${idle.traceId}): time spent outside the calls the trace records \u2014 waiting on a person, a queue or the framework \u2014 not in slow calls.`,
        fix: `Find what the run waited on in the cited gap (the spans on either side of it say which step it was between) before tuning call timeouts; if it waits on a person, report that wait apart from the agent's own time.`
      } : m.name === "steps" ? stepsText(hits) : { rootCause: ROOT[m.name], fix: FIX[m.name] };
      out.push(
        buildFinding({
          title: `${agentLabel(agent)}: ${m.name} outliers (up to ${timesText(worst / fence.median)} typical)${found ? `, mostly one \`${found.culprit.name}\` call` : ""}`,
          category: m.category,
          severity: m.name === "cost" || m.name === "latency" ? "medium" : "low",
          summary: `${shareText(hits.length, list2.length)} of ${agentPhrase(agent)} have ${m.name} above ${m.unit(fence.cutoff)}, against a typical ${m.unit(fence.median)} (median of ${fence.sample} runs); the worst reaches ${m.unit(worst)}.`,
          rootCause: text.rootCause,
          fix: text.fix,
          fixKind: m.name === "latency" ? "config" : "code",
          component: `agent:${agent}`,
          signature: `outlier:${m.name}`,
          monitor: `p99 ${m.name} per run of ${agent} per day, and the count of runs above ${m.unit(fence.cutoff)}.`,
          detector: "outliers",
          traceIds: hits.map((h) => h.r.run.traceId),
          citations: hits.map((h) => {
            const note2 = `${m.name} ${m.unit(h.v)} (${timesText(h.v / fence.median)} median)`;
            const step = found?.spans.get(h.r);
            if (step) return { traceId: h.r.run.traceId, spanId: step.spanId, note: `${note2}; ${found.culprit.label}: ${m.unit(step.value)}` };
            return { traceId: h.r.run.traceId, spanId: h.r.obs.root, note: note2 };
          }),
          total: list2.length,
          predicate: `(t) => ${AGENT_EXPR} === ${lit(agent)} && ${m.name === "latency" ? `${SYNTHETIC_EXPR} && ` : ""}${m.expr} > ${String(fence.cutoff)}`,
          data: { agent, metric: m.name, median: fence.median, cutoff: fence.cutoff, sample: fence.sample, max: worst, ...found ? { culprit: found.culprit } : {} }
        })
      );
    }
  }
  return out;
}
function idleGaps(hits) {
  let runs = 0;
  let best = null;
  for (const { r } of hits) {
    if (!r.obs.idle) continue;
    const { gap, total } = r.obs.idle;
    if (total > 0 && gap >= total / 2) {
      runs++;
      if (!best || gap > best.gap) best = { gap, total, traceId: r.run.traceId };
    }
  }
  return best && runs * 2 > hits.length ? { runs, ...best } : null;
}
function idleGap(t) {
  const steps2 = [...indexTrace(t).steps].sort((a, b) => a.startTime - b.startTime);
  const root = indexTrace(t).root;
  if (!root || steps2.length < 2) return null;
  const total = root.endTime - root.startTime;
  let reach = root.startTime;
  let gap = 0;
  for (const s of steps2) {
    gap = Math.max(gap, s.startTime - reach);
    reach = Math.max(reach, s.endTime);
  }
  gap = Math.max(gap, root.endTime - reach);
  return { gap, total };
}
function stepsText(hits) {
  const repeated = hits.filter((h) => h.r.obs.repeat !== null);
  const unexplained = "Halo's checks did not determine why they ran longer.";
  if (repeated.length === 0) {
    const none = hits.length === 1 ? "This run takes more steps than the fence for this agent, and makes no call (tool and arguments) twice." : "These runs take more steps than the fence for this agent, and none of them makes the same call (tool and arguments) twice.";
    return { rootCause: `${none} ${hits.length === 1 ? unexplained.replace("they", "it") : unexplained}`, fix: FIX.steps };
  }
  const top = repeated.reduce((a, b) => b.r.obs.repeat.times > a.r.obs.repeat.times ? b : a);
  const share2 = repeated.length === hits.length ? hits.length === 1 ? "This run" : `All ${hits.length} of these runs` : `${repeated.length} of these ${hits.length} runs`;
  return {
    rootCause: `${share2} made the same call (tool and arguments) more than once: up to ${top.r.obs.repeat.times} times (\`${top.r.obs.repeat.name}\` in ${top.r.run.traceId}), so some of the extra steps are calls already made.${repeated.length < hits.length ? ` ${unexplained.replace("they", "the others")}` : ""}`,
    // Only the repeats are checked: what made the model call again is for the reader to find, not for halo to name.
    fix: `Read the cited runs that made a call again for what the model had in front of it when it did${repeated.length < hits.length ? ", and the others for what their extra steps do" : ""}, and address that; a cap on steps is a safety net that can end runs that would have passed.`
  };
}
var ROOT = {
  steps: "",
  tokens: "These runs use more tokens than the fence for this agent, spread over their calls: no single call accounts for most of them.",
  cost: "These runs cost more than the fence for this agent, spread over their calls: no single call accounts for most of it.",
  latency: "These runs take longer than the fence for this agent, spread over their calls: no single call, and no gap between calls, accounts for most of the time."
};
var FIX = {
  steps: "Read the longest cited runs for what the extra steps do and address that; a cap on steps is a safety net that can end runs that would have passed.",
  tokens: "Truncate or summarise large tool results before they go back into the prompt, and cap the conversation length per run.",
  cost: "Set a per-run cost budget that stops the run (or switches to a cheaper model) when exceeded; check which spans dominate cost in the cited runs.",
  latency: "Set timeouts on the slow tool and model calls in the cited runs and fail fast with a fallback; alert on runs above the fence."
};
function timesText(x) {
  return x < 10 ? `${(Math.floor(x * 10) / 10).toFixed(1).replace(/\.0$/, "")}\xD7` : `${Math.floor(x)}\xD7`;
}

// sandbox/detectors/repeated-steps.ts
var NEAR_DUPLICATE = 0.6;
var MIN_SHINGLES = 20;
var LOOKBACK = 3;
var CODE2 = /```[a-zA-Z]*\n([\s\S]*?)```/g;
function action(s) {
  const raw = textOf2(s.output);
  let text = raw;
  if (raw.startsWith("{")) {
    try {
      const m = JSON.parse(raw);
      if (typeof m.content === "string") text = m.content;
    } catch {
    }
  }
  const blocks = [...text.matchAll(CODE2)].map((m) => m[1]);
  return blocks.length ? { text: blocks.join("\n"), code: true, blocks } : { text, code: false };
}
function quotedSnippetFailed(blocks, message3) {
  const line = message3 ? /\bat line '([\s\S]{3,400}?)'\s+due to\b/.exec(message3)?.[1]?.trim() : void 0;
  if (!line || !blocks || blocks.length < 2) return false;
  const asLine = (b) => b.split("\n").some((l) => l.trim() === line);
  return blocks.slice(0, -1).some(asLine) && !asLine(blocks.at(-1));
}
function shingles(text) {
  const words = text.toLowerCase().match(/\w+/g) ?? [];
  const out = /* @__PURE__ */ new Set();
  for (let i = 0; i + 3 <= words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}
function similarity(a, b) {
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
var CHANGES = /\b(edit|editor|write|replace|create|patch|insert|install|update|delete|remove|move|rename|set|save|click|navigate|goto|press)\b/i;
function actions(t) {
  const steps2 = indexTrace(t).steps;
  const out = /* @__PURE__ */ new Map();
  steps2.forEach((s, i) => {
    if (s.kind !== "llm") return;
    const a = action(s);
    let failure = stepFailure(t, s);
    let named;
    if (a.code) {
      const parent = s.parentId ? spanById(t, s.parentId) : void 0;
      if (failure !== null && parent && quotedSnippetFailed(a.blocks, failureOf2(t, parent))) failure = null;
      const raw2 = failure !== null && parent ? firstLineOf(failureOf2(t, parent)) : void 0;
      out.set(s, { text: a.text, calls: false, failure, changes: true, ...raw2 ? { raw: raw2 } : {} });
      return;
    }
    const calls = [];
    let changes = false;
    let raw;
    for (let j = i + 1; j < steps2.length && steps2[j].kind !== "llm"; j++) {
      const c = steps2[j];
      if (failure === null && isErrorSpan(c)) {
        failure = failureText(t, c);
        raw = firstLineOf(resultText(c) || failureOf2(t, c));
        named = [...(failureOf2(t, c) ?? "").matchAll(/['"`]([\w.-]{3,60})['"`]/g)].map((m) => m[1]);
      }
      const args = c.tool?.arguments ?? c.input;
      const readOnly = /^(view|read|cat|list|ls|search|find|grep|open)$/i.test(String(c.tool?.arguments?.command ?? ""));
      if (!readOnly && (runsCode(c) || CHANGES.test(toolName(c).replace(/_/g, " ")))) changes = true;
      calls.push(`${toolName(c)} ${textOf2(args)}`);
    }
    if (calls.length) out.set(s, { text: calls.join("\n"), calls: true, failure, changes, ...named?.length ? { named } : {}, ...raw ? { raw } : {} });
  });
  return out;
}
function firstLineOf(text) {
  const line = (text ?? "").trim().split("\n", 1)[0].trim().slice(0, 120);
  return line.length >= 12 ? line : void 0;
}
function stepFailure(t, s) {
  if (!s.parentId || s.parentId === t.rootSpanId) return null;
  const parent = spanById(t, s.parentId);
  if (!parent || parent.kind === "agent" || parent.parentId == null || !isErrorSpan(parent)) return null;
  return failureText(t, parent);
}
function failureText(t, s) {
  const own = failureOf2(t, s) ?? errorMessage(s);
  return normalizeMessage(own.replace(/\b(at|on) line '[\s\S]*?'(?=\s+due to\b)/, "$1 line <code>"), 300) || errorSignature(s);
}
function repeatedSteps(t) {
  const acts = actions(t);
  const llm = indexTrace(t).steps.filter((s) => s.kind === "llm");
  const sets2 = llm.map((s) => shingles((acts.get(s)?.text ?? "").slice(0, 5e4)));
  const out = [];
  const enough = (k) => acts.get(llm[k])?.calls ? (acts.get(llm[k])?.text ?? "") !== "" : sets2[k].size >= MIN_SHINGLES;
  for (let i = 1; i < llm.length; i++) {
    if (!enough(i)) continue;
    for (let j = i - 1; j >= Math.max(0, i - LOOKBACK); j--) {
      if (!enough(j)) continue;
      const a = acts.get(llm[i]);
      const b = acts.get(llm[j]);
      if (a.calls !== b.calls) continue;
      if (a.failure === null || a.failure !== b.failure) continue;
      if (b.raw && !sentOrUnrecorded(llm[i], b.raw)) continue;
      if (llm.slice(j + 1, i).some((x) => {
        const m = acts.get(x);
        return m !== void 0 && m.failure === null && (m.changes || (b.named ?? []).some((n) => m.text.includes(n)));
      })) continue;
      if (othersCallsBetween(t, llm[j].startTime, llm[i].startTime).some((x) => runsCode(x) || CHANGES.test(`${toolName(x)} ${textOf2(x.tool?.arguments)}`.replace(/_/g, " ")))) continue;
      const sim = a.calls ? a.text === b.text ? 1 : 0 : similarity(sets2[i], sets2[j]);
      if (sim >= NEAR_DUPLICATE) {
        out.push({ span: llm[i], repeats: llm[j], similarity: sim });
        break;
      }
    }
  }
  return out;
}
var repeatedStepSteps = {
  perRun: (t) => runHits(t, repeatedSteps, () => null, (acc, r, t2) => {
    addOccurrence(acc, { traceId: t2.traceId, spanId: r.span.spanId });
    if (!acc.occurrences.some((o) => o.traceId === t2.traceId && o.spanId === r.repeats.spanId)) {
      addOccurrence(acc, { traceId: t2.traceId, spanId: r.repeats.spanId, role: "repeated", of: r.span.spanId });
    }
    acc.citations.push({
      traceId: t2.traceId,
      spanId: r.span.spanId,
      excerpt: excerpt(textOf2(r.span.output), 0, 160) || void 0,
      note: `${Math.round(r.similarity * 100)}% the same as the action of span ${r.repeats.spanId}, and fails with the same error`
    });
  }),
  global: repeatedStepFindings
};
var repeatedStepsDetector = oneShot(repeatedStepSteps);
function repeatedStepFindings(runs, opts) {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length, 1);
  const out = [];
  const gathered = hitsByAgent(runs);
  for (const { agent, runs: list2, hits, affected, citations, occurrences } of gathered) {
    if (affected.size < minTraces) continue;
    const steps2 = hits.length;
    out.push(
      buildFinding({
        title: `${agentLabel(agent)} re-sends a failed step nearly unchanged and it fails the same way`,
        category: "trajectory",
        severity: "medium",
        summary: `In ${shareText(affected.size, list2.length)} of ${agentPhrase(agent)}, a step fails and, within the next ${LOOKBACK} steps, the model sends nearly the same action again (code at least ${Math.round(NEAR_DUPLICATE * 100)}% the same by word 3-grams, or the same tool calls with the same arguments), which fails with the same error (${steps2} such steps). Repeats that were corrected and worked are not counted, nor a repeat with an action in between that worked and could change what it runs against (code, a command, an edit, an install, an update, a click or page change), or such an action the harness took itself.`,
        rootCause: `The cited repeats fail with the error the step they copy failed with: the change between the two attempts did not address that error. Halo's checks did not determine why the model kept the approach.`,
        fix: `Tell the model in its instructions to change approach when an action fails the same way twice, and stop the run (or escalate) when the same action fails a third time.`,
        fixKind: "prompt",
        component: `agent:${agent}`,
        signature: "repeated_step",
        monitor: `Share of ${agentLabel(agent)} runs with a near-identical repeated action, per day.`,
        detector: "repeated-steps",
        traceIds: affected,
        citations,
        total: list2.length,
        data: { agent, steps: steps2, occurrences }
      })
    );
  }
  return out;
}

// sandbox/detectors/retries.ts
var RATE_LIMIT = /\b429\b|rate.?limit|too many requests|quota exceeded|throttl/i;
var TRANSIENT2 = /\b429\b|\b5\d\d\b|rate.?limit|too many requests|quota exceeded|throttl|overload|unavailable|timed? ?out|timeout|connection (reset|refused|error)|ECONNRESET|ETIMEDOUT|bad gateway|gateway timeout|internal server error/i;
function callIdentity(s) {
  return isToolSpan(s) ? `tool:${toolName(s)}` : `model:${s.model ?? s.name}`;
}
function scanRetries(trace, minFailures = 3) {
  const attempts = /* @__PURE__ */ new Map();
  for (const s of indexTrace(trace).steps) {
    const id = callIdentity(s);
    const list2 = attempts.get(id);
    if (list2) list2.push(s);
    else attempts.set(id, [s]);
  }
  const exhausted = /* @__PURE__ */ new Map();
  const rateLimited = /* @__PURE__ */ new Map();
  const streaks = /* @__PURE__ */ new Map();
  for (const [id, list2] of attempts) {
    let lastOk = -1;
    for (let i = list2.length - 1; i >= 0; i--) if (!isErrorSpan(list2[i])) {
      lastOk = i;
      break;
    }
    const trailing = list2.slice(lastOk + 1);
    if (trailing.length >= minFailures) exhausted.set(id, trailing);
    const limited = list2.slice(0, Math.max(0, lastOk)).filter((s, i) => isErrorSpan(s) && RATE_LIMIT.test(errorMessage(s)) && list2.some((o, j) => j > i && !isErrorSpan(o) && o.startTime >= s.endTime));
    if (limited.length) {
      rateLimited.set(id, limited);
      const set = new Set(limited);
      streaks.set(id, list2.filter((x, i) => set.has(x) && (i === 0 || !set.has(list2[i - 1]))).length);
    }
  }
  return { exhausted, rateLimited, streaks };
}
function attemptsExpr(component) {
  return `t.spans.filter((s) => s.kind === "llm" || ((s.kind === "tool" || s.tool != null) && !${OTHERS_CALL_EXPR})).sort((a, b) => a.startTime - b.startTime).filter((s) => ((s.kind === "tool" || s.tool != null) ? "tool:" + ((s.tool && typeof s.tool.name === "string" && s.tool.name) || (typeof s.name === "string" ? s.name : "")) : "model:" + (s.model ?? s.name)) === ${lit(component)})`;
}
var IS_ERROR_FN = `(s) => s.status === "error" || s.error != null`;
var MESSAGE_FN = `(s) => { const m = s.error && s.error.message; return (typeof m === "string" && m) || (typeof s.statusMessage === "string" ? s.statusMessage : ""); }`;
function exhaustedPredicate(component, minFailures) {
  return `(t) => ((list, err) => { let n = 0; for (let i = list.length - 1; i >= 0 && err(list[i]); i--) n++; return n >= ${minFailures}; })(${attemptsExpr(component)}, ${IS_ERROR_FN})`;
}
function rateLimitPredicate(component) {
  return `(t) => ((list, err, msg) => { let lastOk = -1; for (let i = list.length - 1; i >= 0; i--) if (!err(list[i])) { lastOk = i; break; } return list.slice(0, Math.max(0, lastOk)).some((s, i) => err(s) && new RegExp(${lit(RATE_LIMIT.source)}, "i").test(msg(s)) && list.some((o, j) => j > i && !err(o) && o.startTime >= s.endTime)); })(${attemptsExpr(component)}, ${IS_ERROR_FN}, ${MESSAGE_FN})`;
}
function callInput(s) {
  const v = s.tool?.arguments ?? s.input;
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}
function exhaustedText(name, g, workedSomewhere) {
  const n = g.traces.size;
  if (g.backend === n) {
    return {
      rootCause: `Every attempt failed because the service behind \`${name}\` failed, not because of what was sent: a transport or server error, or every call of the run failing with the same error from one point on, calls that had worked earlier among them.`,
      fix: `Fix what \`${name}\` calls (a cited attempt reproduces it), or take the tool out of the agent's list while it is down, and have it report such failures as the service's, so the agent stops re-sending calls that cannot work.`
    };
  }
  if (!workedSomewhere && !g.backend && g.transient < n && g.unemitted < n) {
    return {
      rootCause: `No call to \`${name}\` went through in any run here: every attempt failed (${count(g.attempts, "failed attempt")} in these runs), so the spans do not show it working for any input, and whether the inputs or \`${name}\` itself is at fault is not something they tell.`,
      fix: `Call \`${name}\` by hand with one cited input and with one known to work: if neither goes through, fix it or its access, or stop offering it to the agent; either way, have the agent stop after two failures of the same kind and tell the user.`
    };
  }
  const own = (g.backend ? `In ${g.backend} of ${n} runs every attempt failed because the service behind \`${name}\` failed (a transport or server error, or every call failing alike from one point on): no other input would have got through there. ` : "") + (g.ranOther ? `In ${g.ranOther} of ${n} runs the line the shell says it ran at every attempt is not the command the call carries: what failed there is not what the model wrote. ` : "") + (g.unparsed ? `In ${g.unparsed} of ${n} runs the harness could not parse any of the attempts as an action (the source says what each lacked): their format failed, not a command. ` : "");
  const apart = g.backend || g.ranOther || g.unparsed;
  if (g.unemitted === n) {
    return {
      rootCause: `No model call emitted these calls: the framework made them (each attempt follows its own schedule, not a model's decision to retry), and what it ran kept failing.`,
      fix: `Read the cited reports for why what \`${name}\` runs keeps failing (the code under test, or the environment it runs in); the agent's instructions do not decide these calls.`
    };
  }
  if (g.transient === n) {
    return {
      rootCause: `${own}\`${name}\` kept failing with errors that are normally transient (rate limit, overload, 5xx or timeout) on every attempt in these runs, and no later call to it succeeded.`,
      fix: `Retry these errors with jittered backoff honouring retry-after within a bounded budget; when the budget runs out, fall back to another deployment or model, and surface the failure to the model and the run status instead of ending silently.`
    };
  }
  const bareAll = g.bare === n && !apart;
  const bareSaid = g.bare ? `${g.bare === n ? "Every" : `In ${g.bare} of ${n} runs every`} rejection said only that the call was rejected${g.bareExample ? ` (\`${g.bareExample}\`)` : ""}, naming no condition to change. ` : "";
  const bareFix = `have \`${name}\` answer a rejected call with what it rejected and why, and have the agent stop after two rejections of the same kind and tell the user or escalate`;
  if (g.varied === n) {
    return {
      rootCause: `${own}The attempts did not all send the same arguments, and \`${name}\` still rejected every one. ${bareSaid}`.trim(),
      fix: bareAll ? `${bareFix.replace(/^h/, "H")}.` : `${g.bare ? `Where the rejections name no condition, ${bareFix}; elsewhere, h` : "H"}ave the agent work out from the rejection (and the data in the run) what input would be accepted before trying again, and stop after two rejections of the same kind and tell the user or escalate.`
    };
  }
  const mixed = g.varied > 0 ? ` (in ${g.varied} of ${n} runs the attempts did not all send the same arguments, and were rejected anyway)` : "";
  if (bareAll) {
    return {
      rootCause: `The attempts fail with errors that do not read as transient (no rate limit, overload, 5xx or timeout in them)${mixed}. ${bareSaid}`.trim(),
      fix: `${bareFix.replace(/^h/, "H")}, instead of sending the call again.`
    };
  }
  const parts = [g.backend ? "where the service failed, fix what it calls" : "", g.ranOther ? "where what ran is not the command, make the harness pass commands as written" : "", g.unparsed ? "where the actions did not parse, show the model the action format" : "", g.bare ? `where the rejections name no condition, ${bareFix}` : ""].filter(Boolean);
  return {
    rootCause: `${own}The attempts fail with errors that do not read as transient (no rate limit, overload, 5xx or timeout in them)${mixed}. ${bareSaid}`.trim(),
    fix: `${parts.length ? `${parts.join("; ").replace(/^w/, "W")}; elsewhere, h` : "H"}ave the agent read the rejection and change what it names, or stop and tell the user, instead of sending the call again.`
  };
}
var retrySteps = {
  perRun(t, opts) {
    const minFailures = opts.minFailures ?? 3;
    const streak = (id, spans, note2) => {
      const s = spans[spans.length - 1];
      const msg = errorMessage(s);
      return {
        id,
        attempts: spans.length,
        transient: spans.every((x) => TRANSIENT2.test(errorMessage(x))),
        varied: isToolSpan(spans[0]) && new Set(spans.map(callInput)).size > 1,
        // No model emitted these calls (a framework re-running its tests each cycle): the attempts are not the agent's retries.
        unemitted: t.spans.some((x) => x.kind === "llm") && spans.every((x) => isToolSpan(x) && !emittingCall(t, x)),
        backend: spans.every((x) => backendFailure(t, x, failureOf2(t, x) ?? errorMessage(x), isToolSpan(x) && runsCode(x)) !== null),
        ranOther: spans.every((x) => isToolSpan(x) && ranOtherwise(x, resultText(x)) !== null),
        unparsed: spans.every((x) => isToolSpan(x) && actionUnparsed(x) !== null),
        bare: spans.every((x) => !statesAReason(failureOf2(t, x) ?? errorMessage(x))),
        citation: { traceId: t.traceId, spanId: s.spanId, excerpt: msg ? excerpt(msg) : void 0, note: note2 }
      };
    };
    const scan = scanRetries(t, minFailures);
    const exhausted = [...scan.exhausted].map(([id, spans]) => streak(id, spans, `${count(spans.length, "failed attempt")}, none succeeded`));
    const limited = [...scan.rateLimited].map(([id, spans]) => {
      const n = scan.streaks.get(id) ?? 1;
      return streak(id, spans, n > 1 ? `${count(spans.length, "rate-limited attempt")}, not all in a row, each later followed by a success of the same call` : `${count(spans.length, "rate-limited attempt")} before a success`);
    });
    const worked = [...new Set(indexTrace(t).steps.filter((x) => !isErrorSpan(x)).map(callIdentity))];
    return { exhausted, limited, worked };
  },
  global: retryFindings
};
var retries = oneShot(retrySteps);
function retryFindings(runs, opts) {
  const minFailures = opts.minFailures ?? 3;
  const minTraces = opts.minTraces ?? (runs.length > 1 ? 2 : 1);
  const exhausted = /* @__PURE__ */ new Map();
  const limited = /* @__PURE__ */ new Map();
  const add = (m, traceId, k) => {
    let g = m.get(k.id);
    if (!g) m.set(k.id, g = { traces: /* @__PURE__ */ new Set(), citations: [], attempts: 0, transient: 0, varied: 0, unemitted: 0, backend: 0, ranOther: 0, unparsed: 0, bare: 0 });
    g.traces.add(traceId);
    g.attempts += k.attempts;
    if (k.transient) g.transient++;
    if (k.varied) g.varied++;
    if (k.unemitted) g.unemitted++;
    if (k.backend) g.backend++;
    if (k.ranOther) g.ranOther++;
    if (k.unparsed) g.unparsed++;
    if (k.bare) {
      g.bare++;
      g.bareExample ??= k.citation.excerpt;
    }
    g.citations.push(k.citation);
  };
  const worked = new Set(runs.flatMap((r) => r.obs.worked ?? []));
  for (const { run, obs } of runs) {
    for (const k of obs.exhausted) add(exhausted, run.traceId, k);
    for (const k of obs.limited) add(limited, run.traceId, k);
  }
  const out = [];
  for (const [id, g] of exhausted) {
    if (g.traces.size < minTraces) continue;
    const name = id.replace(/^(tool|model):/, "");
    out.push(
      buildFinding({
        title: `${name}: retries never succeed`,
        category: "errors_recovery",
        severity: "high",
        summary: `In ${shareText(g.traces.size, runs.length)}, \`${name}\` fails ${minFailures} or more times in a row and never succeeds afterwards (${count(g.attempts, "failed attempt")} in all).${g.varied ? ` In ${g.varied === g.traces.size ? "each of them" : `${g.varied} of them`} the attempts do not all send the same arguments.` : ""} The attempts add cost and latency without changing the result.`,
        ...exhaustedText(name, g, worked.has(id)),
        fixKind: "code",
        component: id,
        signature: "retry_exhausted",
        predicate: exhaustedPredicate(id, minFailures),
        monitor: `Count of runs where \`${name}\` fails \u2265 ${minFailures} times with no later success, per day.`,
        detector: "retries",
        traceIds: g.traces,
        citations: g.citations,
        total: runs.length,
        data: { component: id, attempts: g.attempts, transientRuns: g.transient, variedArgumentRuns: g.varied }
      })
    );
  }
  for (const [id, g] of limited) {
    if (g.traces.size < minTraces) continue;
    const name = id.replace(/^(tool|model):/, "");
    out.push(
      buildFinding({
        title: `${name}: rate-limited, then retried`,
        category: "latency",
        severity: "low",
        summary: `In ${shareText(g.traces.size, runs.length)}, calls to \`${name}\` hit a rate limit and succeeded only on a later attempt (${count(g.attempts, "rate-limited attempt")}). The runs recover, but each retry adds latency.`,
        rootCause: `\`${name}\` answered these calls with a rate-limit error and a later attempt succeeded: the requests exceeded the provider's rate limit at those moments.`,
        fix: `Pace calls to \`${name}\` with a client-side rate limiter or queue, honour retry-after with jittered backoff, and raise the quota or spread load if the rate keeps growing.`,
        fixKind: "config",
        component: id,
        signature: "rate_limit_retry",
        predicate: rateLimitPredicate(id),
        monitor: `429 responses from \`${name}\` per hour, and the latency they add per run.`,
        detector: "retries",
        traceIds: g.traces,
        citations: g.citations,
        total: runs.length,
        data: { component: id, attempts: g.attempts }
      })
    );
  }
  return out;
}

// sandbox/detectors/silent-failures.ts
var silentFailureSteps = {
  perRun(t) {
    const hits = [];
    if (!recordsStatus(t)) return hits;
    for (const s of indexTrace(t).tools) {
      if (isErrorSpan(s)) continue;
      const text = resultText(s);
      const hit = findErrorText(text);
      if (!hit) continue;
      hits.push({ tool: toolName(s), pattern: hit.pattern, citation: { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(text, Math.max(0, lineStart(text, hit.index))), note: `status ${s.status}, result contains ${hit.pattern.replace("_", " ")}` } });
    }
    return hits;
  },
  global: silentFindings
};
var silentFailures = oneShot(silentFailureSteps);
function silentFindings(runs, opts) {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const groups = /* @__PURE__ */ new Map();
  const perAgent = /* @__PURE__ */ new Map();
  for (const { run, obs } of runs) {
    const agent = run.agent;
    perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
    for (const { tool, pattern, citation } of obs) {
      const id = `${agent}\0${tool}`;
      let g = groups.get(id);
      if (!g) groups.set(id, g = { agent, tool, traces: /* @__PURE__ */ new Set(), citations: [], patterns: /* @__PURE__ */ new Map(), spans: 0, total: 0 });
      g.spans++;
      g.traces.add(run.traceId);
      g.patterns.set(pattern, (g.patterns.get(pattern) ?? 0) + 1);
      g.citations.push(citation);
    }
  }
  const out = [];
  for (const g of groups.values()) {
    if (g.traces.size < minTraces) continue;
    const total = perAgent.get(g.agent) ?? runs.length;
    out.push(
      buildFinding({
        title: `${g.tool} returns errors marked as success`,
        category: "errors_recovery",
        severity: "high",
        summary: `In ${shareText(g.traces.size, total)} of ${agentPhrase(g.agent)}, \`${g.tool}\` spans are not marked as errors (status ok or unset) but their result is an error (${[...g.patterns].map(([p, n]) => `${p.replace("_", " ")} \xD7${n}`).join(", ")}). Error counts taken from span status leave these out.`,
        rootCause: `What sets these spans' status does not read their result: the status does not say error while the result reports a failure. The trace does not show whether the tool, its wrapper or the instrumentation decides the status.`,
        fix: `Where \`${g.tool}\`'s result is produced, raise (or set the span status to ERROR and return a structured {error} object) when the call failed, so the agent and the telemetry both see the failure.`,
        fixKind: "code",
        component: `tool:${g.tool}`,
        signature: "silent_error",
        monitor: `Count of \`${g.tool}\` spans with ok status whose result matches error text, per day (should be 0 after the fix).`,
        detector: "silent-failures",
        traceIds: g.traces,
        citations: g.citations,
        total,
        data: { agent: g.agent, tool: g.tool, spans: g.spans, patterns: Object.fromEntries(g.patterns) }
      })
    );
  }
  return out;
}
function lineStart(text, at) {
  const nl = text.lastIndexOf("\n", at);
  return nl >= 0 && at - nl < 160 ? nl + 1 : Math.max(0, at - 40);
}

// sandbox/detectors/string-as-list.ts
var MIN_ITEMS = 8;
var SCAN = 2e5;
var SHAPES = [
  // A list/tuple repr of one-character strings.
  { re: /(?:(['"])(?:\\.|[^\\\n])\1,[^\S\n]*){8,}/g, chars: (m) => [...m.matchAll(/(['"])(\\.|[^\\\n])\1/g)].map((x) => x[2]).join("") },
  // Numbered one-character items, one per line.
  { re: /(?:^[^\S\n]*\d+[:.)][^\S\n]?[^\n]?\n){8,}/gm, chars: (m) => m.split("\n").map((l) => l.replace(/^\s*\d+[:.)]\s?/, "")).join("") },
  // One character per line.
  { re: /(?:^[^\n]?\n){8,}/gm, chars: (m) => m.split("\n").join("") },
  // Characters separated by single spaces.
  { re: /(?<=^|\s)\S(?: \S){7,}(?=\s|$)/g, chars: (m) => m.replace(/ /g, "") }
];
function spellsWord(chars) {
  return (chars.match(/[A-Za-z]{4,}/g) ?? []).some((w) => /[aeiouy]/i.test(w) && /[a-z]/.test(w));
}
function characterItems(text) {
  const t = text.length > SCAN ? text.slice(0, SCAN) : text;
  let best = null;
  for (const { re, chars } of SHAPES) {
    for (const m of t.matchAll(re)) {
      if (!spellsWord(chars(m[0]))) continue;
      if (!best || m.index < best[0]) best = [m.index, m.index + m[0].length];
      break;
    }
  }
  return best;
}
function observation2(s) {
  if (s.tool && s.tool.result != null) return textOf2(s.tool.result);
  return textOf2(s.output);
}
function observationSpans(t) {
  const root = indexTrace(t).root;
  return t.spans.filter((s) => s.kind !== "llm" && s.kind !== "agent" && s.spanId !== root?.spanId).sort((a, b) => a.startTime - b.startTime);
}
function characterListings(t) {
  const out = [];
  for (const s of observationSpans(t)) {
    const text = observation2(s);
    if (text.length < 2 * MIN_ITEMS) continue;
    const at = characterItems(text);
    if (!at) continue;
    const shown = text.slice(at[0], at[1]);
    const found = { span: s, text, at, reader: receivingCall(t, s, text.slice(at[0], at[0] + 80)) };
    const same2 = out.findIndex((o) => (isWithin(t, o.span, s) || isWithin(t, s, o.span)) && o.text.slice(o.at[0], o.at[1]) === shown);
    if (same2 < 0) out.push(found);
    else if (isWithin(t, s, out[same2].span)) out[same2] = found;
  }
  return out;
}
var stringAsListSteps = {
  perRun: (t) => runHits(t, characterListings, () => null, (acc, c, t2) => {
    addOccurrence(acc, { traceId: t2.traceId, spanId: c.span.spanId });
    if (c.reader) {
      acc.received++;
      addOccurrence(acc, { traceId: t2.traceId, spanId: c.reader.spanId, role: "received", of: c.span.spanId });
    }
    acc.citations.push({
      traceId: t2.traceId,
      spanId: c.span.spanId,
      excerpt: excerpt(c.text, c.at[0], Math.min(160, c.at[1] - c.at[0])) || void 0,
      note: c.reader ? `the model read this output in span ${c.reader.spanId}` : void 0
    });
  }),
  global: stringAsListFindings
};
var stringAsList = oneShot(stringAsListSteps);
function stringAsListFindings(runs, opts) {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const out = [];
  const gathered = hitsByAgent(runs);
  for (const { agent, runs: list2, hits, affected, citations, occurrences, received: read } of gathered) {
    if (affected.size < minTraces) continue;
    const steps2 = hits.length;
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: a step's output lists a string one character per item`,
        category: "other",
        severity: "medium",
        summary: `In ${shareText(affected.size, list2.length)} of ${agentPhrase(agent)}, a step returned an observation that lists single characters as items (${count(steps2, "such step")}; ${read} of them read back by the model in its next call): the code walked over a string \u2014 a text blob, a joined tree or file list \u2014 as if it were a list of entries, and those items are single characters.`,
        rootCause: `The observation lists one character per item, which is what iterating over a string as if it were a list of entries produces; the cited outputs spell out the string's characters.`,
        fix: `Say what the value holds (a string, not a list) where the model meets it first (the task text, or the description of the tool or function that returns it), and tell the model to split text into entries before iterating over it.`,
        fixKind: "tool_schema",
        component: `agent:${agent}`,
        signature: "string_as_list",
        monitor: `Share of ${agentLabel(agent)} runs with a step output that lists one character per item, per day.`,
        detector: "string-as-list",
        traceIds: affected,
        citations,
        total: list2.length,
        data: { agent, steps: steps2, received: read, occurrences }
      })
    );
  }
  return out;
}

// sandbox/detectors/unknown-tools.ts
var UNKNOWN_MSG = /\b(unknown|unrecognized|undefined|invalid|unsupported|no such) (tool|function|action)\b|\b(tool|function|action) (\S+ )?(not found|does not exist|is not available|not available)\b/i;
function toolKey(name) {
  return name.trim().toLowerCase();
}
var unknownToolSteps = {
  perRun(t) {
    const failed = [];
    const ran = /* @__PURE__ */ new Set();
    for (const s of indexTrace(t).tools) {
      if (!(isErrorSpan(s) || findErrorText(resultText(s)) !== null)) {
        ran.add(toolKey(toolName(s)));
        continue;
      }
      failed.push({ name: toolName(s), saysUnknown: UNKNOWN_MSG.test(errorMessage(s) || textOf2(s.tool?.result ?? s.output)), citation: cite(t, s) });
    }
    return { declared: [...declaredInTrace(t).keys()], failed, ran: [...ran] };
  },
  global: unknownToolFindings
};
var unknownTools = oneShot(unknownToolSteps);
function unknownToolFindings(runs, opts) {
  const minTraces = opts.minTraces ?? 1;
  const out = [];
  for (const [agent, list2] of runsByAgent(runs)) {
    const sets2 = list2.filter((r) => r.obs.declared.length > 0).map((r) => [...new Set(r.obs.declared)].sort().join("\0"));
    const stable = sets2.length > 0 && sets2.length * 2 >= list2.length && sets2.every((x) => x === sets2[0]);
    const declared = new Set(stable ? list2.find((r) => r.obs.declared.length > 0).obs.declared : []);
    const byDeclaration = sets2.length > 0;
    let checkedByMessage = false;
    const traceIds = /* @__PURE__ */ new Set();
    const citations = [];
    const calls = /* @__PURE__ */ new Map();
    const exists = new Set(list2.flatMap((r) => r.obs.ran));
    for (const { run, obs } of list2) {
      for (const { name, saysUnknown, citation } of obs.failed) {
        if (exists.has(toolKey(name))) continue;
        const own = obs.declared.length > 0 ? new Set(obs.declared) : stable ? declared : null;
        if (!own) checkedByMessage = true;
        const unknown = own ? !own.has(name) : saysUnknown;
        if (!unknown) continue;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        traceIds.add(run.traceId);
        citations.push(citation);
      }
    }
    if (traceIds.size < minTraces || traceIds.size === 0) continue;
    const names = [...calls].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const listed = names.slice(0, 8).map(([n, c]) => `\`${n}\` \xD7${c}`).join(", ") + (names.length > 8 ? `, and ${names.length - 8} more` : "");
    const offered = [...declared].sort();
    const one = names.length === 1 ? names[0][0] : null;
    out.push(
      buildFinding({
        title: one ? `${agentLabel(agent)} calls unknown tool \`${one}\`` : `${agentLabel(agent)} calls ${names.length} tools that do not exist`,
        category: "tool_selection",
        severity: "high",
        summary: `${shareText(traceIds.size, list2.length)} of ${agentPhrase(agent)} call tools ${byDeclaration ? (stable ? `that are not among the ${offered.length} tools declared to the model (${offered.slice(0, 12).join(", ")}${offered.length > 12 ? ", \u2026" : ""})` : `that are not among the tools declared to the model in that run (runs of this agent declare different tools)`) + (checkedByMessage ? "; in runs that record no declarations, calls the runtime rejected as unknown" : "") : "that the runtime rejects as unknown"}: ${listed}.`,
        rootCause: byDeclaration ? `The model invents tool names (${names.slice(0, 3).map(([n]) => `\`${n}\``).join(", ")}) that are not in the tool list the agent sends, so those calls cannot succeed.` : `The model calls tools (${names.slice(0, 3).map(([n]) => `\`${n}\``).join(", ")}) that the runtime rejects as unknown.`,
        confirmed: true,
        fix: `For each invented name (${names.slice(0, 3).map(([n]) => `\`${n}\``).join(", ")}${names.length > 3 ? ", \u2026" : ""}), either add the tool if the model needs that capability, or say in the system prompt which ${stable && offered.length ? `of the declared tools (${offered.slice(0, 8).join(", ")}${offered.length > 8 ? ", \u2026" : ""})` : "existing tool"} to use instead; reject unknown tool names before execution with an error listing the valid tools so the model corrects itself in the same run.`,
        fixKind: "prompt",
        component: `agent:${agent}`,
        signature: "unknown_tool",
        monitor: `Count of tool calls to names outside ${agentLabel(agent)}'s declared tool list per day (should be 0).`,
        detector: "unknown-tools",
        traceIds,
        citations,
        total: list2.length,
        data: { agent, tools: Object.fromEntries(names), declaredTools: offered, declarationsPerRun: !stable }
      })
    );
  }
  return out;
}
function cite(t, s) {
  const msg = errorMessage(s);
  if (msg) return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(msg) };
  return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(toolNameText(s)) };
}
function toolNameText(s) {
  return typeof s.tool?.name === "string" ? s.tool.name : "";
}

// sandbox/detectors/index.ts
var detect = {
  /** Runs whose outcome failed (success false, reward 0, failure label) or that ended in error, per agent. */
  failedOutcomes,
  /** Tool calls to names the model was never offered. */
  unknownTools,
  /** Tool arguments that are invalid JSON or break the tool's declared schema. */
  toolArguments,
  /** Argument shapes (quoted, another kind than expected, empty, more items) whose calls fail far more often than the tool's other calls. */
  argumentShapes,
  /** Identical tool calls repeated ≥ 3 times in a row, and loops of 2–3 calls. */
  repeatedCalls,
  /** Model steps whose action (code, or a failed tool call sent again unchanged) repeats one of the previous three. */
  repeatedSteps: repeatedStepsDetector,
  /** Step-count, token, cost and latency outliers per agent (median + k·MAD on log scale). */
  outliers,
  /** Error spans grouped by component and normalized message. */
  errorSignatures,
  /** Tool spans marked ok whose result is an error. */
  silentFailures,
  /** Model outputs the agent framework could not parse into an action (a format violation). */
  outputFormat,
  /** Step outputs that list a string one character per item (a string walked as a list). */
  stringAsList,
  /** Tool errors the next step neither retries nor acknowledges, in runs that end ok. */
  ignoredErrors: ignoredErrorsDetector,
  /** Calls failing ≥ 3 times with no later success; rate-limit errors recovered by a retry. */
  retries,
  /** pass^k per task (τ-bench definition) per agent, with the flaky tasks. */
  consistency
};
var CONTEXT_ONLY = /* @__PURE__ */ new Set(["failedOutcomes"]);
var steps = {
  failedOutcomes: failedOutcomeSteps,
  silentFailures: silentFailureSteps,
  unknownTools: unknownToolSteps,
  consistency: consistencySteps,
  repeatedCalls: repeatedCallSteps,
  retries: retrySteps,
  ignoredErrors: ignoredErrorSteps,
  repeatedSteps: repeatedStepSteps,
  outputFormat: outputFormatSteps,
  stringAsList: stringAsListSteps,
  toolArguments: toolArgumentSteps,
  argumentShapes: argumentShapeSteps,
  outliers: outlierSteps,
  errorSignatures: errorSignatureSteps
};
function observeRun(t, opts = {}) {
  const out = { run: summaryOf(t), obs: {} };
  for (const [name, d] of Object.entries(steps)) {
    if (CONTEXT_ONLY.has(name)) continue;
    try {
      out.obs[name] = d.perRun(t, opts.options?.[name] ?? {});
    } catch (error) {
      (out.errors ??= {})[name] = error instanceof Error ? error.message : String(error);
    }
  }
  return out;
}
function detectFromObservations(runs, traces, opts = {}) {
  const out = [];
  for (const [name, d] of Object.entries(detect)) {
    if (CONTEXT_ONLY.has(name)) continue;
    const split = steps[name];
    if (!split && !traces) continue;
    try {
      if (split) {
        const failed = runs.find((r) => r.errors?.[name] !== void 0);
        if (failed) throw new Error(failed.errors[name]);
        out.push(...split.global(runs.map((r) => ({ run: r.run, obs: r.obs[name] })), opts.options?.[name] ?? {}));
      } else {
        out.push(...d(traces, opts.options?.[name]));
      }
    } catch (error) {
      if (!opts.onError) throw new Error(`detector ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      opts.onError(name, error);
    }
  }
  return opts.keepExplainedErrors ? out : groupProviderCapacity(foldExplainedErrors(out));
}
function runDetectors(traces, opts = {}) {
  return detectFromObservations(traces.map((t) => observeRun(t, opts)), traces, opts);
}

// .dbg/sev.ts
import { readFileSync } from "node:fs";
var sets = readFileSync("tests/helpers/real-sets.ts", "utf8").match(/'[^']+'/g).map((s) => s.slice(1, -1));
for (const p of sets) {
  const name = p.replace(/^tests\/fixtures\/(real\/)?/, "").split("/")[0];
  if (name === "samples") continue;
  const found = runDetectors((await loadTraces([p])).traces);
  let final = [];
  try {
    final = JSON.parse(readFileSync(`/work/wt/out-mine/${name}/findings.json`, "utf8")).findings;
  } catch {
  }
  for (const f of found) {
    const g = final.find((x) => x.title === f.title);
    if (g && g.severity !== f.severity) console.log(name.padEnd(28), `${f.severity} -> ${g.severity}`.padEnd(18), f.detector?.padEnd?.(16) ?? "", f.title.slice(0, 90), g.impact ? `[${g.impact.failedWith}/${g.impact.runsWith} vs ${g.impact.failedWithout}/${g.impact.runsWithout}]` : "");
  }
}
