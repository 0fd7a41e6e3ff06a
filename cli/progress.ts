// A progress bar on stderr for long runs: redrawn in place on a terminal (at most 10 times a second),
// silent when stderr is not a terminal (logs and CI get only the final summary).
export class Progress {
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    stream: NodeJS.WriteStream = process.stderr,
    private readonly out = stream,
  ) {
    this.tty = stream.isTTY === true && process.env.QUOIN_NO_PROGRESS === undefined;
  }

  update(done: number, extra = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && done < this.total) return;
    this.last = now;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    this.out.write(`\r${this.label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${extra}\x1b[K`);
  }

  done(): void {
    if (this.tty) this.out.write('\r\x1b[K');
  }
}
