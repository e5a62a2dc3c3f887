// The sandbox's host-call handler is fixed when the sandbox is created, but
// the analysis that serves those calls starts later. A router is the seam:
// create it first, pass `router.onHostCall` in SandboxOptions, and hand the
// router to runRecursiveAnalysis, which attaches its handler for the run.

export type HostCallHandler = (name: string, args: unknown[]) => Promise<unknown>;

export interface HostRouter {
  readonly onHostCall: HostCallHandler;
  attach(handler: HostCallHandler): void;
  detach(): void;
}

export function createHostRouter(): HostRouter {
  let current: HostCallHandler | null = null;
  return {
    onHostCall: (name, args) => {
      if (!current) {
        return Promise.reject(
          new Error(`${name}() is only available in a model-driven analysis (halo analyze with a model configured)`),
        );
      }
      return current(name, args);
    },
    attach(handler) {
      current = handler;
    },
    detach() {
      current = null;
    },
  };
}
