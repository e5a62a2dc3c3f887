// Freezes the isolate's built-ins once the traces are loaded, before any
// sandbox code runs. Verification runs in the same isolate as model-written
// code; without this, one line such as
//   String.prototype.includes = () => true
// would make every invented excerpt "verified". Trace content is untrusted
// and may try to talk a model into exactly that.
//
// Freezing a prototype has a known side effect (the "override mistake"):
// `obj.name = 'x'` fails when `name` is an inherited read-only property. The
// usual victims — name, message, constructor, toString, valueOf,
// toLocaleString, toJSON — are turned into accessors whose setter defines an
// own property on the receiver, as SES does, so ordinary code (error
// subclasses setting `this.name`, objects with their own toString) still works.

const OVERRIDABLE = new Set(['name', 'message', 'constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON', 'stack']);

const GLOBALS = [
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'WeakRef', 'FinalizationRegistry', 'Promise', 'RegExp', 'Date', 'Error', 'TypeError', 'RangeError', 'SyntaxError',
  'ReferenceError', 'EvalError', 'URIError', 'AggregateError', 'JSON', 'Math', 'Reflect', 'Proxy', 'Atomics',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array',
  'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'Intl', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURI', 'encodeURIComponent',
  'decodeURI', 'decodeURIComponent',
] as const;

function enableOverride(proto: object, key: PropertyKey): void {
  const desc = Object.getOwnPropertyDescriptor(proto, key);
  if (!desc || !('value' in desc) || !desc.configurable) return;
  const value = desc.value;
  Object.defineProperty(proto, key, {
    get() {
      return value;
    },
    set(this: object, v: unknown) {
      if (this === proto) throw new TypeError(`Cannot assign to read only property '${String(key)}' of a built-in`);
      Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
    },
    enumerable: desc.enumerable,
    configurable: false,
  });
}

/** Hidden intrinsics that no global names (iterator and generator prototypes, %TypedArray%...). */
function hiddenIntrinsics(): unknown[] {
  const out: unknown[] = [];
  const proto = Object.getPrototypeOf;
  try {
    out.push(proto(function* () {}), proto(async function () {}), proto(async function* () {}));
    out.push(proto(proto(function* () {}).prototype), proto([][Symbol.iterator]()), proto(proto([][Symbol.iterator]())));
    out.push(proto(new Map()[Symbol.iterator]()), proto(new Set()[Symbol.iterator]()), proto(''[Symbol.iterator]()));
    out.push(proto(/a/[Symbol.matchAll]('a')), proto(Int8Array), proto(async function* () {}).prototype);
    out.push(proto(proto(proto(async function* () {}).prototype)));
  } catch {
    /* an engine without one of these has nothing to freeze there */
  }
  return out;
}

export const WASM_DISABLED =
  'WebAssembly is disabled in the sandbox: its memories live outside the heap the memory limit caps ' +
  '(and grow from inside compiled code), so they cannot be held to --memory. Use plain JavaScript.';

/**
 * Takes WebAssembly out of the isolate. The isolate's memory limit caps the
 * V8 heap and ArrayBuffers, not WebAssembly memories: three memories grown to
 * 48,000 pages each held 5.5 GB under a 512 MB limit. A wrapper cannot cap
 * them either, since a module can declare its own memory and grow it with
 * the memory.grow instruction. Analysis code has no use for it.
 */
function disableWebAssembly(global: Record<string, unknown>): void {
  if (Object.getOwnPropertyDescriptor(global, 'WebAssembly')?.get) return; // done by an earlier load
  Object.defineProperty(global, 'WebAssembly', {
    get() {
      throw new ReferenceError(WASM_DISABLED);
    },
    enumerable: false,
    configurable: false,
  });
}

export function lockdown(global: Record<string, unknown>): void {
  disableWebAssembly(global);
  const roots: unknown[] = [];
  for (const name of GLOBALS) {
    const v = global[name];
    if (v === undefined) continue;
    roots.push(v);
    // `JSON = {...}` must not swap what the engine's code calls either.
    Object.defineProperty(global, name, { value: v, writable: false, configurable: false, enumerable: false });
  }
  roots.push(...hiddenIntrinsics());
  const seen = new Set<unknown>();
  const stack = roots.slice();
  while (stack.length) {
    const v = stack.pop();
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue;
    seen.add(v);
    const isPrototype = typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, 'constructor');
    for (const key of Reflect.ownKeys(v as object)) {
      if (isPrototype && typeof key === 'string' && OVERRIDABLE.has(key)) enableOverride(v as object, key);
      const desc = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in desc) stack.push(desc.value);
      else {
        stack.push(desc.get, desc.set);
      }
    }
    stack.push(Object.getPrototypeOf(v));
    Object.freeze(v);
  }
}
