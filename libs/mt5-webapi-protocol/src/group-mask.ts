/**
 * MT5 group masks as the Web API takes them: comma-separated patterns where `*` matches any run of characters and a
 * leading `!` excludes (e.g. `real\*,!real\test*`). A group matches when some inclusion matches and no exclusion does.
 */
export function matchesGroupMask(mask: string, group: string): boolean {
  const patterns = mask.split(',').map((pattern) => pattern.trim()).filter(Boolean);
  const toRegex = (pattern: string) =>
    new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  const includes = patterns.filter((pattern) => !pattern.startsWith('!')).map(toRegex);
  const excludes = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => toRegex(pattern.slice(1)));
  return includes.some((regex) => regex.test(group)) && !excludes.some((regex) => regex.test(group));
}
