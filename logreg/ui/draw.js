// Numbers into marks: where a line w1·x1 + w2·x2 + b = level crosses a panel, where a point leaves one,
// and numbers written as the page writes them (logreg/formatting.py's number()). Every number drawn here
// comes from the Python core; nothing is trained or computed beyond turning it into pixels and text.

const LARGE = 1e6; // as formatting.LARGE: from here on a number is written in scientific notation

function clipLine(w1, w2, b, level, box) {
  // The segment of w·x + b = level inside box [x0, x1, y0, y1], or null (geometry.clip_lines, one line).
  const norm = Math.hypot(w1, w2);
  if (!(norm > 0)) return null;
  const n = [w1 / norm, w2 / norm];
  const c = (level - b) / norm;
  const p = [c * n[0], c * n[1]];
  const d = [-n[1], n[0]];
  let lo = -Infinity;
  let hi = Infinity;
  for (let axis = 0; axis < 2; axis++) {
    const low = box[2 * axis];
    const high = box[2 * axis + 1];
    if (Math.abs(d[axis]) > 1e-15) {
      const a = (low - p[axis]) / d[axis];
      const e = (high - p[axis]) / d[axis];
      lo = Math.max(lo, Math.min(a, e));
      hi = Math.min(hi, Math.max(a, e));
    } else if (!(p[axis] >= low && p[axis] <= high)) {
      hi = -Infinity;
    }
  }
  if (!(lo < hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  return [p[0] + lo * d[0], p[1] + lo * d[1], p[0] + hi * d[0], p[1] + hi * d[1]];
}

function round5(v) {
  return Math.round(v * 1e5) / 1e5;
}

function lines(w1, w2, b, levels, box) {
  // the segments of several levels as one trace's x and y: each segment, then a gap (null)
  const x = [];
  const y = [];
  for (const level of levels) {
    const s = clipLine(w1, w2, b, level, box);
    if (s) { x.push(round5(s[0]), round5(s[2]), null); y.push(round5(s[1]), round5(s[3]), null); }
    else { x.push(null, null, null); y.push(null, null, null); }
  }
  return { x, y };
}

function numbers(v) {
  // a trace's array as the page sends it: a list, or plotly.js's typed-array form {dtype, bdata}
  if (!v) return [];
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v;
  const bytes = Uint8Array.from(atob(v.bdata), (c) => c.charCodeAt(0));
  const kinds = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u1: Uint8Array };
  return new kinds[v.dtype](bytes.buffer);
}

function wrongSide(sets, w1, w2, b, level) {
  // the drawn points on the wrong side of the line w·x + b = level (level = logit τ, from the page): a point is
  // called 1 on or above it, as p ≥ τ calls it; each set is one class's points {x, y, label}
  const x = [];
  const y = [];
  for (const set of sets || []) {
    for (let i = 0; i < set.x.length; i++) {
      if ((w1 * set.x[i] + w2 * set.y[i] + b >= level ? 1 : 0) !== set.label) { x.push(set.x[i]); y.push(set.y[i]); }
    }
  }
  return { x, y };
}

function pin(w1, w2, box) {
  // (w1, w2) inside the panel, or the point on its edge towards it (figures._pin): [x, y, inside]
  const [x0, x1, y0, y1] = box;
  if (w1 >= x0 && w1 <= x1 && w2 >= y0 && w2 <= y1) return [w1, w2, true];
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const dx = w1 - cx;
  const dy = w2 - cy;
  const t = Math.min(dx ? (x1 - cx) / Math.abs(dx) : Infinity, dy ? (y1 - cy) / Math.abs(dy) : Infinity);
  return [cx + t * dx, cy + t * dy, false];
}

function fixedEven(x, digits) {
  // x with `digits` decimals, an exact tie rounded to even as Python does (toFixed rounds it up)
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && floor % 2 === 0) return (floor / 10 ** digits).toFixed(digits);
  return x.toFixed(digits);
}

function exponent(x, digits, plus) {
  // Python's format(x, '.3e'): two exponent digits at least
  const [m, e] = x.toExponential(digits).split('e');
  const power = Number(e);
  const sign = x >= 0 && plus ? '+' : '';
  return `${sign}${m}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

function fixed(x, digits, plus = false) {
  // number(x, '.Nf') or number(x, '+.Nf')
  if (Math.abs(x) >= LARGE) return exponent(x, 3, plus);
  const text = fixedEven(x, digits);
  return plus && !text.startsWith('-') ? `+${text}` : text;
}

function trimZeros(text) {
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text[end - 1] === '0') end--;
  if (text[end - 1] === '.') end--;
  return text.slice(0, end);
}

function general3(x) {
  // number(x, '.3g'): three significant digits, Python's choice of notation
  if (Math.abs(x) >= LARGE) return exponent(x, 3, false);
  if (x === 0) return '0';
  const power = Number(x.toExponential(2).split('e')[1]);
  if (power < -4 || power >= 3) {
    const [m, e] = x.toExponential(2).split('e');
    const p = Number(e);
    return `${trimZeros(m)}e${p < 0 ? '-' : '+'}${String(Math.abs(p)).padStart(2, '0')}`;
  }
  return trimZeros(fixedEven(x, 2 - power));
}

function percent1(x) {
  return `${fixedEven(x * 100, 1)}%`;
}

function boundaryWords(w1, w2, b, inside) {
  // plot_parts.boundary_status
  if (w1 === 0 && w2 === 0) return 'no boundary yet (w = 0)';
  if (!inside) return 'boundary outside the view';
  if (w2 === 0) return `vertical boundary x1 = ${general3(-b / w1)}`;
  return `x2 = ${general3(-w1 / w2)}·x1 ${-b / w2 >= 0 ? '+' : '−'} ${general3(Math.abs(b / w2))}`;
}

function readoutLine(run, k, box) {
  // figures.readout: the line of numbers for frame k of a run
  const w1 = run.w1[k];
  const w2 = run.w2[k];
  const b = run.b[k];
  let text = `epoch ${run.epoch[k]} · w1 ${fixed(w1, 3, true)} w2 ${fixed(w2, 3, true)} b ${fixed(b, 3, true)}` +
    ` · loss ${fixed(run.loss[k], 4)} · accuracy ${percent1(run.accuracy[k])}`;
  if (run.test_loss) {
    text += ` · test loss ${fixed(run.test_loss[k], 4)} · test accuracy ${percent1(run.test_accuracy[k])}`;
  }
  return `${text} · ${boundaryWords(w1, w2, b, clipLine(w1, w2, b, 0, box) !== null)}`;
}

function decode(value) {
  // plotly's binary form {dtype, bdata} (plot_parts.to_browser), or a plain list, as an array
  if (!value || Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  const bytes = Uint8Array.from(atob(value.bdata), (ch) => ch.charCodeAt(0));
  const types = { f8: Float64Array, f4: Float32Array, i4: Int32Array, u1: Uint8Array, i1: Int8Array, i2: Int16Array, u2: Uint16Array, u4: Uint32Array };
  return new types[value.dtype](bytes.buffer);
}
