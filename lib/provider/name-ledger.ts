/**
 * What one provider process learned about token names since its first list: the list is a snapshot,
 * and the ledger is what keeps it true while the process creates and deletes tokens. Each provider
 * configuration's API access owns one (a ledger shared by two configurations would mix projects).
 */

/** What one provider process learned about names, per provider configuration. */
export interface NameLedger {
  /** Names this process created: a conflict on one is a second resource with the same name. */
  readonly created: Set<string>;
  /** Names this process deleted: the first list's entry of that name is gone. */
  readonly deleted: Set<string>;
  /** Names the state holds (seen in a refresh or a plan), with the ids it holds them with (null: not known yet). */
  readonly held: Map<string, Set<string | null>>;
}

/** An empty ledger, for a new provider configuration's API access. */
export function newNameLedger(): NameLedger {
  return { created: new Set(), deleted: new Set(), held: new Map() };
}
