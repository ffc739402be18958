/** The UtilscopeError that `fn` throws (any other throw propagates; no throw fails the test). */
import { isUtilscopeError, type UtilscopeError } from '../../src/core/errors.js';

export function errorOf(fn: () => unknown): UtilscopeError {
  try {
    fn();
  } catch (error) {
    if (isUtilscopeError(error)) return error;
    throw error;
  }
  throw new Error('expected a UtilscopeError, but nothing was thrown');
}
