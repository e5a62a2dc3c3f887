// How the isolate runtime is bundled. Code inside isolated-vm has no module
// system, no Node and no packages: the isolate side is sandbox/**, plus the
// pure modules of src/ it imports (ingest normalizers, verification, report
// data), compiled in. The guard below makes that a build error rather than a
// comment: an isolate module that reaches for a package or a Node built-in
// fails the build, naming the file.
export const isolateGuard = {
  name: 'isolate-guard',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return {
        errors: [
          {
            text: `${args.importer} imports "${args.path}", and it is bundled into the isolate, where there are no packages or Node built-ins: move that code to the host side (src/sandbox/rpc.ts serves host calls) or keep the module pure`,
          },
        ],
      };
    });
  },
};

export const isolateBundle = {
  entryPoints: ['sandbox/runtime.ts'],
  bundle: true,
  platform: 'neutral',
  format: 'iife',
  target: 'es2022',
  logLevel: 'warning',
  plugins: [isolateGuard],
};
