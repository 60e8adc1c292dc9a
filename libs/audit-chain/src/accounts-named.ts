/**
 * The MT account logins an event's details name: every value of a member called `login`, at any depth (items of a
 * submission or plan page, an execution command's or result's target, an opened account). The audit trail indexes them
 * so that compliance can ask for everything that touched one account; PostgreSQL's backfill in the migration that added
 * the column uses the same rule (jsonpath `lax $.**.login`).
 */
export function accountsNamedIn(details: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, member] of Object.entries(value)) {
      if (key === 'login' && (typeof member === 'string' || typeof member === 'number') && String(member) !== '' && String(member) !== '0') found.add(String(member));
      else visit(member);
    }
  };
  visit(details);
  return [...found].sort();
}
