import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { testPostgresUrl } from "../testing/read-model-databases.ts";
import { generateSchemaTypes, schemaTypesFile } from "./generate-schema-types.ts";

it("the committed table types match what kysely-codegen generates from the migrations", async () => {
  let generated: string;
  try {
    generated = await generateSchemaTypes(testPostgresUrl);
  } catch (error) {
    throw new Error(
      `codegen against Postgres at ${testPostgresUrl} failed (is Postgres running?): ${(error as Error).message}`,
    );
  }
  expect(generated, "run `npm run db:codegen` and commit projections/schema/database.ts").toBe(
    await readFile(schemaTypesFile, "utf8"),
  );
});
