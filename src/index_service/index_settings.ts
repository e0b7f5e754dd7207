/**
 * Which index a store uses: embedded by default, or a SurrealDB server from
 * `--db URL`, `CRU_DB_URL`, or `index:` in `.crucible/config.yaml`.
 *
 * @module
 */
import { InvalidInputError } from "../model/errors.ts";
import { readStoreConfig } from "../store/store_config.ts";
import { env } from "../runtime/process.ts";

/** How to reach the index; `url` undefined means the embedded one under `.crucible/index/`. */
export interface IndexConnection {
  url?: string;
  namespace?: string;
  database?: string;
  username?: string;
  password?: string;
  token?: string;
}

/**
 * Reads the connection: explicit `url` first, then the environment
 * (`CRU_DB_URL`, `CRU_DB_USER`, `CRU_DB_PASS`, `CRU_DB_TOKEN`, `CRU_DB_NS`,
 * `CRU_DB_DATABASE`), then `index:` in `config.yaml`.
 */
export function indexConnection(root: string, url?: string): IndexConnection {
  const config = readConfigIndex(root);
  const connection: IndexConnection = {
    url: url ?? env("CRU_DB_URL") ?? config.url,
    namespace: env("CRU_DB_NS") ?? config.namespace,
    database: env("CRU_DB_DATABASE") ?? config.database,
    username: env("CRU_DB_USER") ?? config.username,
    password: env("CRU_DB_PASS"),
    token: env("CRU_DB_TOKEN"),
  };
  if (connection.url !== undefined && !/^(wss?|https?|rocksdb|mem):\/\//.test(connection.url)) {
    throw new InvalidInputError(
      "--db",
      connection.url,
      "a URL like ws://host:8000, http://host:8000 or rocksdb:///path",
    );
  }
  return Object.fromEntries(Object.entries(connection).filter(([, v]) => v !== undefined)) as IndexConnection;
}

function readConfigIndex(root: string): Record<string, string | undefined> {
  return readStoreConfig(root).index;
}
