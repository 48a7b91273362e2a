/**
 * `npm run migrate`: applies prisma/migrations to DATABASE_URL and exits (Heroku's release phase,
 * before new dynos start). Every process also migrates at start under the same advisory lock, so
 * this is the early, visible failure, not the only path.
 */
import pg from "pg";

import { migrate } from "../lib/db/migrate.ts";

const url = process.env.DATABASE_URL;
if (url === undefined || url === "") {
  console.error("DATABASE_URL is not set");
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: 1, application_name: "hot-pot-spot migrate" });
try {
  const { applied } = await migrate(pool);
  console.log(applied.length === 0 ? "no migrations to apply" : `applied migrations: ${applied.join(", ")}`);
} finally {
  await pool.end();
}
