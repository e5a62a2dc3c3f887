import { HaloError } from '../errors.ts';

/** The store cannot be opened or used (locked by another run, corrupt, a bad query). */
export class StoreError extends HaloError {
  constructor(message: string) {
    super('input', message, { code: 'store.error' });
    this.name = 'StoreError';
  }
}
