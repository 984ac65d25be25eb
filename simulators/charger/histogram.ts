// Latency histogram with logarithmic buckets: a fixed ~8 KB whatever the number of
// samples, so a fleet can record millions of round-trips. Each bucket is 2% wider
// than the previous one, so percentiles are exact to within ~1%.

const MIN_MS = 0.001; // 1 µs: anything faster lands in the first bucket
const MAX_MS = 1_000_000; // 1000 s: anything slower lands in the last bucket
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 1;

export interface HistogramSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Records one sample, in milliseconds. */
  record(ms: number): void {
    if (!(ms >= 0)) return; // NaN and negatives are measurement bugs, not latencies
    this.counts[bucketOf(ms)]++;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Value (ms) below which p percent of samples fall; p in [0, 100]. NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    // The extremes are known exactly; no need for a bucket's approximation.
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return clamp(midpointOf(i), this.min, this.max);
    }
    return this.max;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  summary(): HistogramSummary {
    const empty = this.count === 0;
    return {
      count: this.count,
      min: empty ? NaN : round(this.min),
      mean: empty ? NaN : round(this.sum / this.count),
      p50: round(this.percentile(50)),
      p90: round(this.percentile(90)),
      p99: round(this.percentile(99)),
      max: empty ? NaN : round(this.max),
    };
  }
}

function bucketOf(ms: number): number {
  if (ms <= MIN_MS) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

// Geometric middle of bucket i, i.e. the value with the smallest worst-case relative error.
function midpointOf(i: number): number {
  return MIN_MS * Math.pow(GROWTH, i + 0.5);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Three significant decimals are plenty for milliseconds and keep JSON readable. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
