import { createDatabase, type Database } from "./client.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded.ts";
import { migrate } from "./migrate.ts";

export interface OpenDatabaseOptions {
  /** An existing server's database. Without it, the embedded Postgres is started. */
  readonly url?: string;
  /** The embedded cluster's data directory (unused with `url`). */
  readonly dataDir: string;
  /** The embedded server's port on 127.0.0.1 (unused with `url`). */
  readonly port: number;
  /** The embedded server's database, created when missing (unused with `url`). */
  readonly database?: string;
  readonly log?: (message: string) => void;
}

export const DEFAULT_EMBEDDED_DATABASE = "hotpot";

/**
 * The mirror database, migrated: the server at `url`, or else an embedded Postgres of our own.
 * close() also stops the embedded server.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database & { embedded: boolean }> {
  const log = options.log ?? (() => undefined);
  let server: EmbeddedPostgres | undefined;
  let url = options.url;
  if (url === undefined || url === "") {
    server = await startEmbeddedPostgres({
      dataDir: options.dataDir,
      port: options.port,
      database: options.database ?? DEFAULT_EMBEDDED_DATABASE,
      log,
    });
    url = server.url;
  }

  const database = createDatabase(url);
  const close = async (): Promise<void> => {
    try {
      await database.close();
    } finally {
      await server?.stop();
    }
  };
  try {
    const { applied } = await migrate(database.pool);
    if (applied.length > 0) log(`applied migrations: ${applied.join(", ")}`);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, pool: database.pool, prisma: database.prisma, close, embedded: server !== undefined };
}
