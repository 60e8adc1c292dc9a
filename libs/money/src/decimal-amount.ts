export class DecimalFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalFormatError';
  }
}

const DECIMAL = /^(-)?(\d{1,30})(?:\.(\d{1,18}))?$/;

/**
 * An exact decimal amount (money, prices): an integer number of units at a fixed scale, never a float. Parsing
 * refuses more fraction digits than allowed instead of rounding them away.
 */
export class DecimalAmount {
  private constructor(
    /** The amount times 10^scale. */
    readonly units: bigint,
    readonly scale: number,
  ) {}

  /** Parses "1234.56"; fails on exponents, spaces, separators or more than maxScale fraction digits. */
  static parse(text: string, maxScale: number): DecimalAmount {
    const match = DECIMAL.exec(text);
    if (!match) throw new DecimalFormatError(`"${text}" is not a decimal number (expected digits with an optional "." fraction)`);
    const fraction = (match[3] ?? '').replace(/0+$/, '');
    if (fraction.length > maxScale) {
      throw new DecimalFormatError(`"${text}" has more than ${maxScale} digit${maxScale === 1 ? '' : 's'} after the point`);
    }
    const units = BigInt(match[2]! + fraction.padEnd(maxScale, '0'));
    return new DecimalAmount(match[1] ? -units : units, maxScale);
  }

  static fromUnits(units: bigint, scale: number): DecimalAmount {
    return new DecimalAmount(units, scale);
  }

  static zero(scale: number): DecimalAmount {
    return new DecimalAmount(0n, scale);
  }

  /** The same amount at a larger scale (exact); a smaller scale must not drop non-zero digits. */
  rescale(scale: number): DecimalAmount {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new DecimalAmount(this.units * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    if (this.units % divisor !== 0n) throw new DecimalFormatError(`${this.toString()} cannot be represented with ${scale} digits`);
    return new DecimalAmount(this.units / divisor, scale);
  }

  plus(other: DecimalAmount): DecimalAmount {
    const scale = Math.max(this.scale, other.scale);
    return new DecimalAmount(this.rescale(scale).units + other.rescale(scale).units, scale);
  }

  minus(other: DecimalAmount): DecimalAmount {
    return this.plus(other.negated());
  }

  negated(): DecimalAmount {
    return new DecimalAmount(-this.units, this.scale);
  }

  compare(other: DecimalAmount): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescale(scale).units;
    const b = other.rescale(scale).units;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  /** For display: exactly `digits` fraction digits when that loses nothing, otherwise every digit it has. */
  format(digits: number): string {
    try {
      return this.rescale(digits).toString();
    } catch {
      return this.toString();
    }
  }

  toString(): string {
    const negative = this.units < 0n;
    const digits = (negative ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${whole}${this.scale > 0 ? `.${fraction}` : ''}`;
  }
}
