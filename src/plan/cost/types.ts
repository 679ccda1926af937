/**
 * Cost: the price table (data, prices/*.json) and the figures computed from it. These shapes are
 * part of the JSON that `plan --format json` and `audit --format json` print
 * (schemas/plan.schema.json describes the plan's `cost`).
 */

/** One price of the table, as the file holds it. */
export interface Price {
  description: string;
  /** Currency units per `unit`. */
  price: number;
  /** e.g. `GiB-day`, `1,000 calls`. */
  unit: string;
  /** Storage prices: bytes in one unit of size (1 GiB = 1073741824). */
  unit_bytes?: number;
  /** Storage prices: bytes free of charge, and for whom. */
  free_allowance?: { bytes: number; per: 'account'; description: string } | null;
  /** true: plan and audit compute figures from it; false: kept for reference. */
  estimated: boolean;
  /** Where the price is published. */
  source: string;
  /** Where it was read, and what those pages say. */
  read_in?: string[];
  read_at: string;
}

/** A storage price: one with `unit_bytes`. */
export interface StoragePrice extends Price {
  unit_bytes: number;
  free_allowance: { bytes: number; per: 'account'; description: string } | null;
}

export interface PriceTable {
  name: string;
  title: string;
  currency: string;
  /** The date the table's figures were collected (YYYY-MM-DD). */
  read_at: string;
  /** Days in the month the per-month figures use. */
  month_days: number;
  notes?: string[];
  prices: {
    vector_store_storage: StoragePrice;
    file_storage: StoragePrice;
    [other: string]: Price;
  };
}

/** Which table a figure came from: printed with every figure. */
export interface PricesRef {
  /** The file as the user named it, or `prices/openai.json (built in)`. */
  file: string;
  name: string;
  title: string;
  currency: string;
  read_at: string;
  month_days: number;
}

/** The storage price a set of figures used. */
export interface RateRef {
  price: number;
  unit: string;
  unit_bytes: number;
  /** 0 when the table grants none. */
  free_bytes: number;
  /** `account` when the allowance is shared by every resource of the account. */
  free_per: 'account' | null;
  source: string;
  read_at: string;
}

/** A size and what it costs to keep. */
export interface Figures {
  bytes: number;
  per_day: number;
  per_month: number;
}

export type StoreChange = 'create' | 'update' | 'replace' | 'delete' | 'none';

/** One vector store of the deployment, before and after the plan (no free allowance applied). */
export interface StoreCost {
  address: string;
  key: string;
  /** The live id; null for a store the plan creates. */
  id: string | null;
  change: StoreChange;
  before: Figures;
  after: Figures;
  delta: Figures;
  /** How `after.bytes` is made up: live usage_bytes kept, and local sizes of the files to attach. */
  after_from: { live_bytes: number; local_bytes: number };
}

export interface BeforeAfter {
  before: Figures;
  after: Figures;
  delta: Figures;
}

/**
 * The account's whole vector storage (every store the key can list), with the free allowance
 * applied: the figures are for the billable bytes, `total_*_bytes` for all of them.
 */
export interface AccountStorage extends BeforeAfter {
  total_before_bytes: number;
  total_after_bytes: number;
  /** Vector storage of stores that are not this deployment's. */
  other_bytes: number;
  free_bytes: number;
}

/** The `cost` of a Plan. */
export interface PlanCost {
  prices: PricesRef;
  vector_storage: {
    rate: RateRef;
    stores: StoreCost[];
    /** This deployment's stores together, before the free allowance. */
    deployment: BeforeAfter;
    /** null when the account's total was not read. */
    account: AccountStorage | null;
  };
  file_storage: {
    rate: RateRef;
    /** The files this deployment uploaded (uploads added, deletions removed). */
    deployment: BeforeAfter;
  };
  /** What the figures leave out. */
  not_included: string[];
}
