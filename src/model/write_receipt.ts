/**
 * Where a write landed.
 *
 * @module
 */

/** Where a write landed: the session, the log file, and the turn time the events carry. */
export interface WriteReceipt {
  id: string;
  file: string;
  at: string;
}
