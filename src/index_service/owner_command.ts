/**
 * The hidden command that runs an index owner (`cru __index-owner --dir STORE`):
 * clients start it, people never type it.
 *
 * @module
 */
export const OWNER_COMMAND = "__index-owner";
