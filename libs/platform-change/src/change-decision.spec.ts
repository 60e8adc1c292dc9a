import { applyPlatformChange, decideChange, type PlatformChangeSteps } from './change-decision';
import { grantState } from './grant-state';

const absent = grantState(undefined);
const limited = grantState([{ currency: 'USD', maxPerItem: '5000' }]);
const wider = grantState([{ currency: 'USD', maxPerItem: '9000' }]);

describe('decideChange', () => {
  it('applies when the state is still the approved before-state', () => {
    expect(decideChange(absent, absent, limited)).toBe('apply');
    expect(decideChange(limited, limited, absent)).toBe('apply');
    expect(decideChange(limited, limited, wider)).toBe('apply');
  });

  it('sees a state that already is the requested one as applied, before any drift check', () => {
    expect(decideChange(limited, absent, limited)).toBe('already-applied');
    expect(decideChange(absent, limited, absent)).toBe('already-applied');
    // A no-op change (before == after) is applied by definition.
    expect(decideChange(limited, limited, limited)).toBe('already-applied');
  });

  it('refuses a state that is neither the approved before nor the requested after', () => {
    expect(decideChange(wider, absent, limited)).toBe('drifted');
    expect(decideChange(absent, limited, wider)).toBe('drifted');
    expect(decideChange({ grant: 'present', limits: 'none' }, limited, absent)).toBe('drifted');
  });

  it('compares states by every key, in either direction', () => {
    expect(decideChange({ grant: 'present' }, { grant: 'present', limits: 'none' }, absent)).toBe('drifted');
    expect(decideChange({ grant: 'present', limits: 'none', extra: 'x' }, { grant: 'present', limits: 'none' }, absent)).toBe('drifted');
  });
});

/**
 * The flow over a state held in a variable: what the services do against their tables, minus the tables. `atomically`
 * restores the variable when fn throws, as a savepoint restores rows.
 */
function steps(initial: Record<string, string>, write: (state: Record<string, string>) => Record<string, string>): PlatformChangeSteps & { state: () => Record<string, string>; writes: () => number } {
  let state = initial;
  let writes = 0;
  return {
    state: () => state,
    writes: () => writes,
    read: () => Promise.resolve({ ...state }),
    write: () => {
      writes += 1;
      state = write(state);
      return Promise.resolve();
    },
    atomically: async (fn) => {
      const saved = state;
      try {
        return await fn();
      } catch (error) {
        state = saved;
        throw error;
      }
    },
    refusal: (error) => (error instanceof RangeError ? error.message : undefined),
  };
}

describe('applyPlatformChange', () => {
  const item = { before: absent, after: limited };

  it('writes, reads back and reports the change', async () => {
    const target = steps(absent, () => limited);
    await expect(applyPlatformChange(item, target)).resolves.toEqual({ status: 'APPLIED', before: absent, after: limited, errorCode: '', errorMessage: '' });
    expect(target.writes()).toBe(1);
  });

  it('writes nothing for a change already applied (a redelivery)', async () => {
    const target = steps(limited, () => wider);
    await expect(applyPlatformChange(item, target)).resolves.toMatchObject({ status: 'APPLIED', before: absent, after: limited });
    expect(target.writes()).toBe(0);
  });

  it('writes nothing when the state drifted, and reports the state found', async () => {
    const target = steps(wider, () => limited);
    await expect(applyPlatformChange(item, target)).resolves.toEqual({
      status: 'DRIFTED',
      before: wider,
      after: {},
      errorCode: 'BEFORE_STATE_DRIFTED',
      errorMessage: 'the state is grant=present, limits=USD 9000 per item, not the approved grant=absent',
    });
    expect(target.writes()).toBe(0);
  });

  it('undoes a write whose read-back is not the requested state', async () => {
    const target = steps(absent, () => wider);
    const outcome = await applyPlatformChange(item, target);
    expect(outcome).toMatchObject({ status: 'FAILED', before: absent, after: {}, errorCode: 'VERIFICATION_MISMATCH' });
    expect(outcome.errorMessage).toContain('read back grant=present, limits=USD 9000 per item');
    expect(target.state()).toEqual(absent);
  });

  it('reports a refused write as FAILED with the refusal, and lets other errors fail the transaction', async () => {
    const refused = steps(absent, () => {
      throw new RangeError('violates check constraint "grant_limits_currency_check"');
    });
    await expect(applyPlatformChange(item, refused)).resolves.toEqual({ status: 'FAILED', before: absent, after: {}, errorCode: 'REFUSED', errorMessage: 'violates check constraint "grant_limits_currency_check"' });
    const broken = steps(absent, () => {
      throw new Error('connection terminated');
    });
    await expect(applyPlatformChange(item, broken)).rejects.toThrow('connection terminated');
  });
});
