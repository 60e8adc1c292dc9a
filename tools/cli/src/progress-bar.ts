/** "[########------------]  40% 40,000/100,000 rows": one line, redrawn in place. */
export function progressLine(done: number, total: number, unit: string, width = 30): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
}

/** A progress bar on a terminal; on anything else (a pipe, a CI log) it stays silent. */
export class ProgressBar {
  private lastDrawn = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  update(done: number): void {
    if (!this.enabled) return;
    // Redrawing for every chunk would flood a slow terminal; ten times a second is enough to look alive.
    const now = Date.now();
    if (done < this.total && now - this.lastDrawn < 100) return;
    this.lastDrawn = now;
    this.write(`\r${progressLine(done, this.total, this.unit)}`);
  }

  finish(): void {
    if (this.enabled) this.write('\n');
  }
}
