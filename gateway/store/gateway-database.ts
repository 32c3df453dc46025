import type { ColumnType, Generated } from "kysely";

type CreatedAt = ColumnType<Date, string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** The gateway's own tables (see gateway-migrations.ts). */
export interface GatewayDatabase {
  api_keys: {
    key_id: string;
    name: string;
    role: "viewer" | "trader" | "admin";
    key_hash: string;
    created_at: CreatedAt;
    created_by: string;
    revoked_at: Timestamp | null;
    revoked_by: string | null;
  };
  gateway_strategy_configs: {
    name: string;
    version: number;
    config: ColumnType<Record<string, unknown>, string, string>;
    checksum: string;
    active: Generated<boolean>;
    created_at: CreatedAt;
    created_by: string;
  };
}
