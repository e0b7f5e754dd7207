/**
 * Telling a damaged index from other failures. The index is derived from the
 * markdown: damage is healed (moved aside, rebuilt), never shown to a user as
 * a dead end. Damage is what the storage itself reports (`index_damaged`: a
 * chunk or segment it lists is missing), or what the embedded engine says
 * when its files are corrupt or unreadable.
 *
 * @module
 */

/** Engine messages that mean the files on disk are damaged, not that a request was wrong. */
const ENGINE_DAMAGE = /corrupt|checksum mismatch|bad magic|bad block|truncated (block|record|file)|IO error:/i;

/** Engine messages about the machine, not the files: the same operation works once the cause is gone. */
const NOT_DAMAGE = /no space left|ENOSPC|disk quota|EDQUOT|permission denied|EACCES|read-only file system|EROFS/i;

/** Whether `error` (or one of its causes) says the index's files are damaged. */
export function isIndexDamage(error: unknown): boolean {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === "index_damaged") return true;
    // A file system error of the store (a log gone, a folder removed) is not the engine's damage.
    if ((e as { syscall?: unknown }).syscall !== undefined) return false;
    const message = e instanceof Error ? e.message : String(e);
    // A full disk or a lack of rights is the machine's state, not damage: moving the index aside would not help.
    if (NOT_DAMAGE.test(message)) return false;
    if (ENGINE_DAMAGE.test(message)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
