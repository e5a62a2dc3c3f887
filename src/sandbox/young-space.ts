// The isolate's young generation. isolated-vm sizes it from the memory limit
// and caps it at 16 MB (semi-spaces of about 5 MB), whatever the limit: a
// window assembled, observed or verified run by run allocates hundreds of MB
// of records and spans that each live for one batch, and with semi-spaces
// that small most of a batch survives a scavenge, is copied twice and
// promoted, and the old generation is then collected over and over
// (bench/RESULTS.md, issue 21). V8's own flag, set before an isolate is made,
// overrides what isolated-vm sets through code; 0 leaves isolated-vm's size.
import { setFlagsFromString } from 'node:v8';

/** Semi-space of an isolate with this memory limit (MB): a 32nd of the limit, at most 32 MB; 0 (isolated-vm's own) below 8. */
export function semiSpaceMb(memoryLimitMb: number): number {
  const mb = Math.min(32, Math.floor(memoryLimitMb / 32));
  return mb >= 8 ? mb : 0;
}

/** Sets the semi-space of the next isolate made in this process (the flag is process-wide and read when a heap is set up). */
export function sizeYoungSpace(memoryLimitMb: number): void {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb(memoryLimitMb)}`);
}
