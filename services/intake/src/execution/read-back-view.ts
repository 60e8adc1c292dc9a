import { canonicalDecimal } from '@tradewarden/mt-change';

const isDecimal = (value: string) => /^[+-]?\d+(\.\d+)?$/.test(value.trim());

/**
 * What an applied item shows as its after-state: the gateway's read-back, written in the form the approver saw where
 * the number is the same ("1100" read back for "1100.00" planned stays "1100.00"), so only real differences show as
 * differences; anything else is the read-back as it is.
 */
export function readBackView(planned: Readonly<Record<string, string>>, readBack: Readonly<Record<string, string>>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [field, value] of Object.entries(readBack)) {
    const expected = planned[field];
    shown[field] = expected !== undefined && isDecimal(expected) && isDecimal(value) && canonicalDecimal(expected) === canonicalDecimal(value) ? expected : value;
  }
  return shown;
}
