/** A number as the benchmark tables print it: thousands separated, `d` decimals. */
export const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The middle value (the lower of the two middle ones for an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The range of round-by-round ratios, as `1.06–1.72×`. */
export const ratioRange = (ratios: number[]) => `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×`;

/** Round-by-round ratios as `median 1.16×, 1.06–1.72×`. */
export const ratioSpread = (ratios: number[]) => `median ${fmt(median(ratios), 2)}×, ${ratioRange(ratios)}`;
