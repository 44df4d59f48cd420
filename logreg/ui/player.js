// The player: a bar of buttons and a scrubber over one Plotly figure whose frames it steps through.
// The figure is drawn once per run with Plotly.react and kept in its div across reruns; every
// frame change is Plotly.animate to a named frame with redraw off, so nothing is rebuilt.
// The scrubber is the page's own range input, not Plotly's slider: that took a sixth of each redraw.
// Curves marked in data.reveal are drawn only up to the epoch on screen: the future is not shown.

const SPEEDS = [0.25, 0.5, 1, 2, 4];
const TYPING = 'input, textarea, select, button, [contenteditable="true"], [role="slider"], ' +
  '[role="combobox"], [role="listbox"], [role="spinbutton"], [role="textbox"]';
const OWN_KEYS = 'input:not([type="checkbox"]):not([type="radio"]), textarea, select, [contenteditable="true"], ' +
  '[role="slider"], [role="combobox"], [role="listbox"], [role="spinbutton"], [role="textbox"]';
const NARROW = 700;
const COLUMN_GAP = 96; // px between two columns of panels: the right one's y ticks and title
const ROW_GAP = 92; // px between two rows of panels: the upper one's x ticks and title
const LEGEND_ROW = 30; // px: the legend's row, above the chart's panels
const PANEL_TITLES = 30; // px above the panels: their names ("loss landscape", the curves' key)
const X_TITLES = 74; // px under the lowest panels: their x ticks and titles
const MIN_HEIGHT = 400; // px: the wide chart's least height (a loss panel of a third still reads) // px: below this the panels stack

function shows(trace, values) {
  // whether a trace of the chart already holds these values (arrays compared element by element)
  if (!trace) return false;
  return Object.entries(values).every(([key, v]) => {
    const held = trace[key];
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      return held != null && held.length === v.length && v.every((x, j) => Object.is(x, held[j]));
    }
    if (v !== null && typeof v === 'object') return held !== null && typeof held === 'object' && shows(held, v);
    return Object.is(held, v);
  });
}

function plotlyReady() {
  // Streamlit loads plotly.js with its first Plotly chart; the page keeps a hidden one for this.
  return new Promise((resolve) => {
    const check = () => {
      if (!window.Plotly) return setTimeout(check, 30);
      rememberArrayAttributes(window.Plotly);
      return resolve(window.Plotly);
    };
    check();
  });
}

class Player {
  constructor(root) {
    this.root = root;
    this.q = (selector) => root.querySelector(selector);
    this.gd = this.q('.lr-chart');
    this.frame = 0;
    this.playing = false;
    this.timer = null;
    this.speed = 1;
    this.id = null;
    this.width = 0;
    this.lengths = new Map(); // uid -> cumulative pixel length at each point
    this.q('.lr-play').addEventListener('click', () => this.toggle());
    this.q('.lr-back').addEventListener('click', () => this.step(-1));
    this.q('.lr-forward').addEventListener('click', () => this.step(1));
    this.q('.lr-restart').addEventListener('click', () => this.restart());
    this.q('.lr-listen').addEventListener('click', () => { this.heard = listen(this); });
    const speed = this.q('.lr-speed');
    speed.innerHTML = SPEEDS.map((s) => `<option value="${s}"${s === 1 ? ' selected' : ''}>${s}×</option>`).join('');
    speed.addEventListener('change', () => { this.speed = Number(speed.value); });
    this.scrub = this.q('.lr-scrub');
    this.scrub.addEventListener('input', () => this.scrubTo(Number(this.scrub.value)));
    this.scrub.addEventListener('change', () => this.report());
    this.eta = this.q('.lr-eta');
    this.eta.addEventListener('input', () => this.etaTo(Number(this.eta.value)));
    this.rates = this.q('.lr-rates');
    this.q('.lr-log').addEventListener('change', (e) => this.raceLog(e.target.checked));
    this.q('.lr-table').addEventListener('toggle', () => numbersTable(this));
    if (!window.__lrKeysBack) { window.__lrKeysBack = true; giveKeysBack(root); holdTabsInPlace(); }
    new ResizeObserver(() => this.resize()).observe(root);
    window.addEventListener('resize', () => this.resize(true)); // a taller or shorter window: the chart fits it
  }

  async load(data) {
    this.data = data;
    if (data.keys) foldSidebarOnce();
    if (data.keys) window.__lrPlayer = this; // the keyboard drives the page's main player
    this.q('.lr-player').classList.toggle('lr-present', Boolean(data.present));
    this.q('.lr-player').classList.toggle('lr-family', Boolean(data.family));
    const racing = Boolean(data.family && data.race);
    this.q('.lr-player').classList.toggle('lr-racing', racing);
    this.q('.lr-player').classList.toggle('lr-own', racing && Boolean(data.race.runs));
    this.q('.lr-race').hidden = this.q('.lr-lanes').hidden = !racing;
    if (data.family && data.id !== this.id) this.family = decodeFamily(data.family);
    if (data.family && data.request && data.request.token !== this.requestToken) {
      this.requestToken = data.request.token; // a link or a preset chose η; otherwise the η on screen stays
      this.rate = data.request.index;
    }
    if (!data.family) {
      this.family = null;
      if (data.keys && data.eta) document.body.dataset.eta = data.eta; // the η the page knows (no rate to switch)
    }
    if (this.family && this.pending !== undefined && this.family.runs[this.pending]) {
      this.rate = this.pending; // the rate asked of the server has arrived
      this.pending = undefined;
    }
    this.writeLink();
    playerPoints(this, data.drawn); // your points: the bar's tools, the chart's clicks, the link (points.js)
    if (data.id === this.id) { // the same run: keep the frame on screen (τ may have moved)
      if (data.decision) this.setDecision(data.decision);
      return;
    }
    this.decision = data.decision || { logit: 0, name: null };
    const id = (this.id = data.id);
    this.race = data.family && data.race ? new Race(this, data.race) : null;
    this.pause();
    // one drawing at a time: a newer run waits for this one, and this one gives way to it
    const previous = this.drawing || Promise.resolve();
    this.busy = true; // a new run is being drawn (the page's tab bar is held in place until it is)
    this.drawing = previous.then(() => this.draw(data, id));
    const drawing = this.drawing;
    await drawing.finally(() => { if (this.drawing === drawing) this.busy = false; });
  }

  async draw(data, id) {
    if (id !== this.id) return; // a newer run came in while the last one was drawn
    const Plotly = await plotlyReady();
    const figure = data.figure;
    this.width = this.root.clientWidth;
    await Plotly.react(this.gd, figure.data, this.layout(this.width), data.config);
    await this.clearFrames(this.frameCount || 0); // the previous run's
    this.frameCount = figure.frames.length;
    const P = data.roles.POINTS; // each point trace's meta names its class: the player rings those wrong at τ
    this.points = figure.data.filter((t) => t.meta && P in t.meta)
      .map((t) => ({ x: numbers(t.x), y: numbers(t.y), label: t.meta[P] }));
    if (this.family) {
      this.traceIndex = new Map(this.gd.data.map((t, i) => [t.uid, i]));
      this.eta.max = String(this.family.rates.length - 1);
      await Plotly.react(this.rates, data.rates_figure.data, data.rates_figure.layout, data.config);
      if (!this.ratesListening) {
        this.ratesListening = true;
        this.rates.on('plotly_click', (e) => {
          const p = e.points && e.points[0];
          const members = p && p.data.meta && p.data.meta.rates;
          if (members && this.race && !this.race.own) this.race.toggle(members[p.pointIndex]);
          else if (members) this.etaTo(members[p.pointIndex]);
        });
      }
      if (this.race) {
        // the optimizers' race was trained at the page's η: the η control shows it
        this.rate = this.race.own ? this.race.rateIndex : this.rate ?? data.request.index;
        if (this.race.own) this.markRate();
        this.q('.lr-race-status').textContent = ''; // a race asked of the server has arrived
        this.race.renderChips();
        await this.setLanes(false);
        if (Math.abs(this.belowChart() - (this.below ?? 0)) > 4) this.resize(true); // the bar and words now drawn
      } else {
        // the figure holds the run the page asked for: its curves are drawn already
        const rate = this.rate ?? data.request.index;
        await this.setRate(rate, false, rate !== data.request.index);
      }
    } else {
      await Plotly.addFrames(this.gd, figure.frames);
      this.names = figure.frames.map((f) => f.name);
    }
    if (!this.listening) {
      this.listening = true;
      this.gd.on('plotly_afterplot', () => { this.measure(); this.reveal(); this.fitLegend(); });
    }
    this.fitLegend(); // the first drawing's legend, measured now that it is drawn
    this.q('.lr-player').dataset.frames = String(this.names.length);
    this.scrub.max = String(Math.max(this.names.length - 1, 0));
    this.scrub.disabled = this.names.length < 2;
    this.measure();
    this.show(0); // the new figure's own data is frame 0 and its scrubber's step 0: nothing to animate
    clearTimeout(this.sayTimer); // a new run is no step of a drag: the live line speaks of it at once
    say(this, true);
    // the reader's "reduce motion": a new run waits for Play (the page says so)
    if (data.autoplay && !reducedMotion() && this.names.length > 1 && id === this.id) this.play();
    numbersTable(this);
  }

  async clearFrames(count) {
    // Plotly.deleteFrames sorts the indices it is given as text (plotly.js 3), so 100 comes before 11
    // and a single call leaves frames behind. Indices with the same number of digits sort alike
    // either way: delete them a group at a time, the longest first.
    for (let digits = String(Math.max(count - 1, 0)).length; digits >= 1 && count > 0; digits--) {
      const low = digits === 1 ? 0 : 10 ** (digits - 1);
      const high = Math.min(count, 10 ** digits);
      if (low < high) await window.Plotly.deleteFrames(this.gd, Array.from({ length: high - low }, (_, i) => low + i));
    }
  }

  layout(width) {
    // a copy: Plotly keeps the layout it is given and relayout() changes it in place, which must not
    // reach the figure's own (a phone's domains would stay when the window widens again)
    const base = structuredClone(this.data.figure.layout);
    if (this.race) base.yaxis2 = structuredClone(this.race.axis());
    if (width >= NARROW) {
      const height = this.fitHeight(width);
      // the legend in a row above the panels' own titles, so that the panels keep the height below
      base.margin = { ...base.margin, t: PANEL_TITLES + LEGEND_ROW + (this.legendRows || 0), b: X_TITLES };
      const plot = height - base.margin.t - base.margin.b;
      const scale = (base.font?.size ?? 18) / 18; // the presenter's larger type needs wider gaps
      spread(base, 'y', (ROW_GAP * scale) / plot); // rows of panels keep an x axis's ticks and title between them
      spread(base, 'x', (COLUMN_GAP * scale) / (width - base.margin.l - base.margin.r)); // columns: a y axis's
      thinTicks(base, plot);
      const legend = { ...base.legend, y: 1 + (PANEL_TITLES + 4) / plot, yanchor: 'bottom' }; // its rows grow up
      return { ...base, width, height, legend };
    }
    // a phone: every panel full width, stacked, the data and landscape panels square. Narrow margins, so
    // that the data panel keeps 300 px, and ticks at 14 px, so that the axis titles stay clear of them;
    // ticks written as powers of ten (10⁻¹), or as long as the race's 1e-13, need a wider margin still.
    const wide = (axis) => axis.exponentformat === 'power' || (axis.ticktext || []).some((t) => String(t).length > 4);
    const powers = Object.keys(base).some((k) => /^yaxis\d*$/.test(k) && wide(base[k]));
    const m = { ...base.margin, l: powers ? 70 : 54, r: 8, t: 12 };
    const small = (axis) => ({ ...axis, ticklabelstandoff: Math.min(axis.ticklabelstandoff ?? 0, 3),
      tickfont: { ...axis.tickfont, size: Math.min(axis.tickfont?.size ?? 14, 14) } });
    const plotWidth = width - m.l - m.r;
    const gap = 72; // an x axis's ticks and title
    const panels = this.data.narrow.filter(([k]) => base[`xaxis${k}`]);
    const heights = panels.map(([, h]) => (h === 'width' ? plotWidth : h));
    const total = heights.reduce((a, b) => a + b, 0) + gap * (panels.length - 1);
    const layout = { ...base, width, margin: m, height: total + m.t + m.b + 70, legend: { ...base.legend, y: -50 / total, yanchor: 'top' } };
    let top = 1;
    panels.forEach(([k], i) => {
      const bottom = top - heights[i] / total;
      layout[`xaxis${k}`] = small({ ...base[`xaxis${k}`], domain: [0, 1] });
      layout[`yaxis${k}`] = small({ ...base[`yaxis${k}`], domain: [Math.max(bottom, 0), top] });
      top = bottom - gap / total;
    });
    return layout;
  }

  belowChart() {
    // what stays in view under the chart: the verdict, or a race's bar and its lanes' words
    if (!this.race) return Math.max(this.q('.lr-verdict').offsetHeight, 40);
    return this.q('.lr-race').offsetHeight + this.q('.lr-lanes').offsetHeight;
  }

  fitHeight(width) {
    // one screen: the chart as tall as its width suits, but no taller than the window leaves under its top
    // (the page scrolled to the top) with the verdict still in view; never below MIN_HEIGHT
    const ideal = Math.round(Math.min(Math.max(width * 0.46, 560), 800));
    const main = document.querySelector('[data-testid="stMain"]');
    const top = this.root.querySelector('.lr-chart').getBoundingClientRect().top + (main ? main.scrollTop : window.scrollY);
    this.below = this.belowChart();
    return Math.max(MIN_HEIGHT, Math.min(ideal, Math.floor(window.innerHeight - top - this.below - 20)));
  }

  fitLegend() {
    // a legend that wraps (a narrower window, held-out rows' entries) takes the rows it needs above the
    // panels' titles: the panels move down rather than its second row lying on the curves' key
    const legend = this.gd._fullLayout && this.gd._fullLayout.legend;
    if (!legend || !(legend._height > 0) || this.width < NARROW) return;
    const extra = Math.max(0, Math.ceil(legend._height - LEGEND_ROW - 8));
    if (Math.abs(extra - (this.legendRows || 0)) < 4) return;
    this.legendRows = extra;
    this.resize(true);
  }

  resize(force = false) {
    const width = this.root.clientWidth;
    if (!this.names || !width || (!force && Math.abs(width - this.width) < 8)) return;
    this.width = width;
    const layout = this.layout(width);
    const changes = { width, height: layout.height, margin: layout.margin, 'legend.y': layout.legend.y };
    for (const key of Object.keys(layout)) {
      if (!/^[xy]axis\d*$/.test(key)) continue;
      changes[`${key}.domain`] = layout[key].domain;
      if (layout[key].tickvals) Object.assign(changes, { [`${key}.tickvals`]: layout[key].tickvals, [`${key}.ticktext`]: layout[key].ticktext });
      if (layout[key].tickfont) changes[`${key}.tickfont.size`] = layout[key].tickfont.size;
      if (key.startsWith('yaxis')) changes[`${key}.nticks`] = layout[key].nticks || 0; // 0: Plotly's own count
      if (layout[key].ticklabelstandoff !== undefined) changes[`${key}.ticklabelstandoff`] = layout[key].ticklabelstandoff;
    }
    window.Plotly.relayout(this.gd, changes);
    if (this.family && this.rates._fullLayout) window.Plotly.relayout(this.rates, { width });
  }

  // ---- frames
  async go(k, also = null) {
    // also: {data, traces} moved in the same step as frame k's moving traces (a new rate's curves)
    if (!this.names || !this.names.length) return;
    k = Math.max(0, Math.min(k, this.names.length - 1));
    this.show(k);
    const still = { mode: 'immediate', frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
    if (!this.family) {
      await window.Plotly.animate(this.gd, [this.names[k]], still);
      return;
    }
    const moving = this.race ? this.race.frame(Number(this.names[k])) : this.frameOf(k);
    const frame = also ? { data: also.data.concat(moving.data), traces: also.traces.concat(moving.traces) } : moving;
    await Promise.all([
      window.Plotly.animate(this.gd, this.fresh(frame), still),
      window.Plotly.animate(this.rates, this.ratesFrame(Number(this.names[k])), still),
    ]);
  }

  // ---- every learning rate: the run on screen is one of the family's, drawn from its numbers
  frameOf(k) {
    // the moving traces at frame k of the run on screen (figures._Course.updates, from numbers)
    const f = this.family;
    const run = f.runs[this.rate];
    const R = this.data.roles;
    const w1 = run.w1[k];
    const w2 = run.w2[k];
    const b = run.b[k];
    const epoch = run.epoch[k];
    const top = f.loss_top;
    const updates = new Map();
    updates.set(R.PROBABILITY, lines(w1, w2, b, f.levels, f.box));
    updates.set(R.BOUNDARY, lines(w1, w2, b, [this.decision.logit], f.box));
    updates.set(R.WRONG, wrongSide(this.points, w1, w2, b, this.decision.logit));
    const test = Boolean(run.test_loss);
    updates.set(R.LOSS_MARKER, {
      x: test ? [epoch, epoch] : [epoch],
      y: [Math.min(run.loss[k], top)].concat(test ? [Math.min(run.test_loss[k], top)] : []),
    });
    updates.set(R.ACCURACY_MARKER, {
      x: test ? [epoch, epoch] : [epoch],
      y: [run.accuracy[k]].concat(test ? [run.test_accuracy[k]] : []),
    });
    if (f.landscape_box) {
      const [x, y, inside] = pin(w1, w2, f.landscape_box);
      updates.set(R.LANDSCAPE_POINT, {
        x: [x], y: [y], text: [inside ? '' : 'off the panel'],
        marker: { symbol: [inside ? 'circle' : 'x-thin-open'] },
      });
    }
    updates.set(R.SHARPNESS_MARKER, { x: [epoch], y: [run.sharpness[k]] });
    return this.moves(updates);
  }

  moves(updates) {
    // uid -> new values, as one Plotly.animate step: the values and their traces' indices in the chart
    const traces = [];
    const data = [];
    for (const [uid, values] of updates) {
      if (!this.traceIndex.has(uid)) continue;
      traces.push(this.traceIndex.get(uid));
      data.push(values);
    }
    return { data, traces };
  }

  fresh(step) {
    // the step without the traces that already show their values (at epoch 0 every rate has the same line
    // and the same points on its wrong side: restyling those hundreds of rings was 13 ms of an η key press)
    const keep = step.traces.map((i, j) => !shows(this.gd.data[i], step.data[j]));
    return { data: step.data.filter((_, j) => keep[j]), traces: step.traces.filter((_, j) => keep[j]) };
  }

  ratesFrame(epoch) {
    // every rate's loss at this epoch (a run that ended earlier keeps its last), within the chart's range
    const f = this.family;
    const [low, high] = f.rates_range.map((v) => 10 ** v);
    const at = (i) => {
      const run = f.runs[i];
      if (!run) return null;
      const k = frameAt(run.epoch, epoch);
      return Math.min(Math.max(run.loss[k], low), high);
    };
    const data = [];
    const traces = [];
    this.rates.data.forEach((trace, i) => {
      if (trace.meta && trace.meta.rates) {
        traces.push(i);
        data.push({ y: trace.meta.rates.map(at) });
      } else if (trace.uid === this.data.roles.RATE_SELECTED) {
        traces.push(i); // the race rings every rate it shows
        const shown = this.race && !this.race.own ? this.race.chosen : [this.rate];
        data.push({ x: shown.map((r) => f.rates[r]), y: shown.map(at) });
      }
    });
    return { data, traces };
  }

  etaTo(r) {
    // a drag sends many inputs: every rate it passes is drawn, the latest once per animation frame
    if (!this.family || !this.traceIndex) return; // the runs are still being drawn
    // the first input is drawn at once (a key press waits for no frame); the rest of a drag at the next one
    this.wantedRate = r;
    if (this.etaFrame) return;
    this.etaFrame = requestAnimationFrame(() => {
      this.etaFrame = null;
      if (this.wantedRate !== this.rate && this.wantedRate !== this.pending) this.setRate(this.wantedRate, true);
    });
    if (r !== this.rate && r !== this.pending) this.setRate(r, true);
  }

  async setRate(r, keepEpoch, withCurves = true) {
    // show rate r's run at the epoch on screen (or at frame 0); playing goes on from there. withCurves: false
    // when the figure already holds that run's curves (a new run drawn for the rate on screen)
    const f = this.family;
    const epoch = keepEpoch && this.names ? Number(this.names[this.frame]) : 0;
    r = Math.max(0, Math.min(r, f.rates.length - 1));
    const own = this.race && this.race.own;
    if (!f.runs[r] || (own && r !== this.race.rateIndex)) {
      // the page's budget trained no other rate, or the optimizers race at one η: the server trains this one,
      // as for any other setting
      this.eta.value = String(r);
      this.q(own ? '.lr-race-status' : '.lr-words').textContent = own
        ? `Racing the methods at η = ${f.labels[r]} on the server…` : `Training η = ${f.labels[r]} on the server…`;
      this.pending = r;
      this.send('ask', { lr: f.labels[r], n: (this.asked = (this.asked || 0) + 1) });
      return;
    }
    this.rate = r;
    const run = f.runs[this.rate];
    const R = this.data.roles;
    this.names = Array.from(run.epoch, String);
    const last = Math.max(run.epoch[run.epoch.length - 1], 1);
    const edge = 2 / f.rates[this.rate];
    const curves = [
      [R.LOSS_CURVE, { x: run.epoch, y: run.loss }],
      [R.TEST_LOSS_CURVE, { x: run.test_loss ? run.epoch : [], y: run.test_loss || [] }],
      [R.ACCURACY_CURVE, { x: run.epoch, y: run.accuracy }],
      [R.TEST_ACCURACY_CURVE, { x: run.test_accuracy ? run.epoch : [], y: run.test_accuracy || [] }],
      [R.PATH, { x: run.w1, y: run.w2 }],
      [R.SHARPNESS_CURVE, { x: run.epoch, y: run.sharpness }],
      [R.RATE_EDGE, { x: [0, last], y: [edge, edge] }],
      [R.RATE_EDGE_LABEL, { x: [last], y: [edge], text: [`2/η = ${general3(edge)}`] }],
    ].filter(([uid]) => this.traceIndex.has(uid));
    // the run's curves move in the same step as its moving traces (axes fixed, nothing redrawn): a
    // Plotly.update of them recalculated and redrew the whole figure, 150-230 ms a switch
    const also = {
      data: curves.map(([, v]) => ({ ...v, x: Array.from(v.x), y: Array.from(v.y) })),
      traces: curves.map(([uid]) => this.traceIndex.get(uid)),
    };
    this.curveRuns = new Map(curves.filter(([uid]) => uid !== R.RATE_EDGE && uid !== R.RATE_EDGE_LABEL).map(([uid]) => [uid, run]));
    this.scrub.max = String(Math.max(this.names.length - 1, 0));
    this.scrub.disabled = this.names.length < 2;
    this.q('.lr-player').dataset.frames = String(this.names.length);
    this.q('.lr-verdict').dataset.verdict = `${run.badge}: ${run.headline} ${run.details}`; // for the tests
    this.shownVerdict = null;
    this.markRate();
    const k = frameAt(run.epoch, epoch);
    // a new figure drawn for this very rate already shows its frame 0 (both charts): nothing to move
    if (withCurves || k !== 0) await this.go(k, withCurves ? also : null);
    else this.show(0);
    this.measure(); // the new curves' lengths, then the part of them up to the epoch on screen
    this.reveal();
    numbersTable(this);
  }

  markRate() {
    // the η control, the link and the page's marks show the rate on screen
    const f = this.family;
    this.q('.lr-player').dataset.rate = String(f.rates[this.rate]);
    this.eta.value = String(this.rate);
    this.eta.setAttribute('aria-valuetext', `learning rate η = ${f.labels[this.rate]}`);
    this.q('.lr-eta-value').textContent = f.labels[this.rate];
    this.writeLink();
    window.__lrEta = f.labels[this.rate];
    document.body.dataset.eta = f.labels[this.rate].replace('.', '_'); // a preset's sentence shows at its own η
    window.dispatchEvent(new CustomEvent('lr-eta', { detail: { label: f.labels[this.rate] } }));
  }

  async setLanes(keepEpoch) {
    // the race's lanes as chosen, at the epoch on screen (or at frame 0); playing goes on from there
    const epoch = keepEpoch && this.names ? Number(this.names[this.frame]) : 0;
    const longest = this.race.longest() || this.family.runs[this.rate];
    this.names = Array.from(longest.epoch, String);
    this.scrub.max = String(Math.max(this.names.length - 1, 0));
    this.scrub.disabled = this.names.length < 2;
    this.q('.lr-player').dataset.frames = String(this.names.length);
    this.q('.lr-player').dataset.lanes = this.race.chosen.map((i) => this.race.field.labels[i])
      .join(this.race.own ? '; ' : ' '); // a method's name has spaces
    const { data, traces, runs } = this.race.curves();
    this.curveRuns = runs;
    await this.go(frameAt(longest.epoch, epoch), { data, traces });
    this.measure();
    this.reveal();
    numbersTable(this);
  }

  async raceLog(on) {
    // L − L* on a log scale, or the loss: the axis and the lanes' loss curves change together
    if (!this.race) return;
    this.race.log = on && Boolean(this.race.gap);
    await window.Plotly.relayout(this.gd, { yaxis2: structuredClone(this.race.axis()) });
    await this.setLanes(true);
  }

  writeLink() {
    if (!this.data.link) return;
    const link = { ...this.data.link };
    if (this.family && !this.race) link.lr = this.rate === this.family.default_index ? null : this.family.labels[this.rate];
    writeLink(link);
  }

  scrubTo(k) {
    // a drag sends many inputs: the chart follows the latest, once per animation frame
    this.pause();
    this.show(k);
    if (this.scrubbing) return;
    this.scrubbing = requestAnimationFrame(() => {
      this.scrubbing = null;
      this.go(this.frame);
    });
  }

  show(k) {
    this.frame = k;
    const epoch = this.names[k];
    this.scrub.value = String(k);
    this.scrub.setAttribute('aria-valuetext', `epoch ${epoch}`);
    this.q('.lr-epoch').textContent = epoch;
    this.q('.lr-last').textContent = this.names[this.names.length - 1];
    if (this.race) this.race.words(Number(epoch));
    this.q('.lr-readout').textContent = this.race ? ''
      : this.family ? readoutLine(this.family.runs[this.rate], k, this.family.box)
        : (this.data.readouts[k] || '');
    this.q('.lr-player').dataset.frame = String(k);
    this.reveal();
    this.verdict(k);
    this.sayLater();
  }

  verdict(k) {
    // nothing from the future: the verdict on the whole run shows once the run on screen has reached its end;
    // before that, where it will appear. A headline a student reads in one breath, starting with its badge;
    // the exact numbers folded under it.
    if (!this.family || this.race) return;
    const run = this.family.runs[this.rate];
    const ended = k >= run.epoch.length - 1;
    const key = `${this.rate}:${ended}`;
    if (this.shownVerdict === key) return;
    this.shownVerdict = key;
    const words = this.q('.lr-words');
    const badge = document.createElement('b');
    const last = run.epoch[run.epoch.length - 1];
    badge.textContent = ended ? `${run.badge}:` : 'Watch:';
    words.replaceChildren(badge, ended ? ` ${run.headline}` : ` the verdict on this run appears at epoch ${last}.`);
    this.q('.lr-details').textContent = ended ? run.details || '' : '';
    this.q('.lr-more').hidden = !ended || !run.details;
    this.q('.lr-verdict').dataset.kind = ended ? run.kind : 'playing';
  }

  setDecision(decision) {
    // τ moved (the Predictions tab): the line p = τ and the ringed points follow, on the frame on screen
    if (this.decision && this.decision.logit === decision.logit) return;
    this.decision = decision;
    if (!this.traceIndex || !this.names) return;
    const uid = this.data.roles.BOUNDARY;
    const i = this.traceIndex.get(uid);
    if (i !== undefined && decision.name) {
      // the legend's words only: a Plotly.restyle of the name redrew the whole chart (150 ms and more)
      this.gd.data[i].name = decision.name;
      const key = [...this.gd.querySelectorAll('.legend .traces')]
        .find((g) => g.__data__ && g.__data__[0] && g.__data__[0].trace && g.__data__[0].trace.uid === uid);
      const text = key && key.querySelector('.legendtext');
      if (text) text.textContent = decision.name;
      else window.Plotly.restyle(this.gd, { name: decision.name }, [i]);
    }
    this.go(this.frame);
  }

  sayLater() {
    // the live line: while playing, every few seconds; at rest, once the viewer stops stepping or dragging
    clearTimeout(this.sayTimer);
    if (this.playing) say(this, false);
    else this.sayTimer = setTimeout(() => say(this, true), 250);
  }

  play() {
    if (this.playing) return;
    if (this.frame >= this.names.length - 1) this.frame = -1; // at the end: play from the start
    this.playing = true;
    this.label();
    const tick = async () => {
      if (!this.playing) return;
      if (this.frame >= this.names.length - 1) { this.pause(); this.report(); return; }
      await this.go(this.frame + 1);
      this.timer = setTimeout(tick, this.data.frame_ms / this.speed);
    };
    tick();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.label();
  }

  toggle() {
    if (this.playing) { this.pause(); this.report(); this.sayLater(); } else this.play();
  }

  step(delta) {
    this.pause();
    this.go(this.frame + delta);
    this.report();
  }

  restart() {
    this.pause();
    this.go(0).then(() => this.play());
  }

  label() {
    const button = this.q('.lr-play');
    button.innerHTML = this.playing ? '❚❚<span class="lr-long"> Pause</span>' : '▶<span class="lr-long"> Play</span>';
    button.setAttribute('aria-label', this.playing ? 'Pause' : 'Play');
    this.q('.lr-player').dataset.playing = String(this.playing);
  }

  report() {
    // the epoch on screen, for the math tab; sent once the player rests, not on every frame
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      if (!this.playing && this.names) this.send('epoch', Number(this.names[this.frame]));
    }, 350);
  }

  // ---- the curves up to the epoch on screen
  lineOf(uid) {
    for (const g of this.gd.querySelectorAll('g.trace.scatter')) {
      const d = g.__data__;
      if (d && d[0] && d[0].trace && d[0].trace.uid === uid) return { g, trace: d[0].trace };
    }
    return null;
  }

  measure() {
    this.lengths.clear();
    const full = this.gd._fullLayout;
    if (!full) return;
    for (const uid of this.data.reveal) {
      const found = this.lineOf(uid);
      if (!found) continue;
      const { trace } = found;
      const xa = full[trace.xaxis.replace('x', 'xaxis')];
      const ya = full[trace.yaxis.replace('y', 'yaxis')];
      const xs = trace._x || trace.x;
      const ys = trace._y || trace.y;
      const cum = new Float64Array(xs.length);
      let px = xa.c2p(xs[0]);
      let py = ya.c2p(ys[0]);
      for (let i = 1; i < xs.length; i++) {
        const qx = xa.c2p(xs[i]);
        const qy = ya.c2p(ys[i]);
        const step = Math.hypot(qx - px, qy - py);
        cum[i] = cum[i - 1] + (Number.isFinite(step) ? step : 0);
        px = qx; py = qy;
      }
      this.lengths.set(uid, cum);
    }
  }

  reveal() {
    if (!this.names) return;
    const epoch = Number(this.names[this.frame]);
    for (const [uid, cum] of this.lengths) {
      const found = this.lineOf(uid);
      const path = found && found.g.querySelector('path.js-line');
      if (!path) continue;
      // the curve's points are one per epoch, except the sharpness's, one per frame; with every rate's
      // numbers, one per frame of the run the curve shows
      const run = this.curveRuns && this.curveRuns.get(uid);
      const index = run ? frameAt(run.epoch, epoch)
        : uid === this.data.roles.SHARPNESS_CURVE ? this.frame : Math.min(epoch, cum.length - 1);
      const shown = cum[Math.max(index, 0)] + 0.01;
      path.style.strokeDasharray = `${shown}px ${cum[cum.length - 1] + 1e4}px`;
    }
  }
}

function spread(layout, axis, gap) {
  // widen the gaps between the panels along one direction (axis 'x' or 'y') to at least `gap` of the
  // plot's size, each panel shrunk in proportion: a gap must hold an axis's tick labels and title
  const keys = Object.keys(layout).filter((k) => new RegExp(`^${axis}axis\\d*$`).test(k) && layout[k].domain);
  const all = keys.map((k) => layout[k].domain);
  // a panel that spans others (the data panel's full height, the race's accuracy across two columns) moves
  // with them but sets no gap of its own
  const spans = all.filter((d) => !all.some((e) => e[0] > d[0] + 1e-9 && e[0] < d[1] - 1e-9)).sort((a, b) => a[0] - b[0]);
  const covered = [];
  for (const [a, b] of spans) {
    const last = covered[covered.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b); else covered.push([a, b]);
  }
  if (covered.length < 2) return;
  const gaps = covered.slice(1).map(([a], i) => Math.max(a - covered[i][1], gap));
  const width = covered.reduce((t, [a, b]) => t + b - a, 0);
  const scale = (1 - covered[0][0] - gaps.reduce((t, g) => t + g, 0) - (1 - covered[covered.length - 1][1])) / width;
  if (scale >= 1) return; // every gap is wide enough already
  let at = covered[0][0];
  const starts = covered.map(([a, b], i) => { const start = at; at += (b - a) * scale + (gaps[i] || 0); return start; });
  const map = (v) => {
    const i = covered.findIndex(([a, b]) => v >= a - 1e-9 && v <= b + 1e-9);
    return i < 0 ? v : starts[i] + (v - covered[i][0]) * scale;
  };
  for (const k of keys) layout[k] = { ...layout[k], domain: layout[k].domain.map(map) };
}

function thinTicks(layout, plot) {
  // a short panel with listed ticks (the sharpness's powers of ten) keeps every k-th, so that they never touch;
  // a short one with Plotly's own ticks gets at most as many as fit
  for (const k of Object.keys(layout).filter((key) => /^yaxis\d*$/.test(key))) {
    const axis = layout[k];
    if (!axis.domain) continue;
    const room = (axis.domain[1] - axis.domain[0]) * plot;
    const fits = Math.max(2, Math.floor(room / ((axis.tickfont?.size ?? 16) * 1.5)));
    if (!axis.tickvals) {
      if (fits < 6) layout[k] = { ...axis, nticks: fits }; // else Plotly's own count (4 to 10, by length)
      continue;
    }
    const step = Math.ceil(axis.tickvals.length / fits);
    if (step <= 1) continue;
    layout[k] = { ...axis, tickvals: axis.tickvals.filter((_, i) => i % step === 0),
      ticktext: axis.ticktext && axis.ticktext.filter((_, i) => i % step === 0) };
  }
}

function frameAt(epochs, epoch) {
  // the last frame at or before `epoch` (a run that ended earlier rests on its last frame)
  let k = 0;
  while (k + 1 < epochs.length && epochs[k + 1] <= epoch) k++;
  return k;
}

function decodeFamily(family) {
  // the family's columns as typed arrays, decoded once per run of the page
  const runs = family.runs.map((run) => {
    if (!run) return null;
    const out = { ...run };
    for (const key of ['epoch', 'w1', 'w2', 'b', 'loss', 'accuracy', 'sharpness', 'test_loss', 'test_accuracy']) {
      if (run[key]) out[key] = decode(run[key]);
    }
    return out;
  });
  return { ...family, runs };
}

function writeLink(link) {
  // the share link: the settings that differ from their defaults, in the address bar; the other
  // parameters (present, autoplay, view) stay. Replaced, not pushed: Back leaves the page.
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(link)) {
    if (value === null) params.delete(key); else params.set(key, value);
  }
  const search = params.toString();
  if (search === window.location.search.replace(/^\?/, '')) return;
  const url = window.location.pathname + (search ? `?${search}` : '') + window.location.hash;
  window.history.replaceState(window.history.state, '', url);
}

function focusableScrolls() {
  // a formula wider than its column scrolls: the keyboard must reach it to scroll it (WCAG 2.1.1)
  const mark = () => {
    document.querySelectorAll('.katex-display:not([tabindex])').forEach((el) => {
      el.tabIndex = 0;
      el.setAttribute('role', 'group');
      el.setAttribute('aria-label', 'formula');
    });
    // the tabs' charts: their names, what they show now, from the page (chart.name_chart)
    document.querySelectorAll('.lr-chart-name[data-for]').forEach((name) => {
      const chart = document.querySelector(`.st-key-${CSS.escape(name.dataset.for)}`);
      if (!chart) return;
      chart.setAttribute('role', 'group');
      chart.setAttribute('aria-label', name.textContent);
    });
  };
  let pending = null;
  mark();
  new MutationObserver(() => {
    if (!pending) pending = setTimeout(() => { pending = null; mark(); }, 300); // once per burst of changes
  }).observe(document.body, { childList: true, subtree: true });
}

function onKey(e) {
  const player = window.__lrPlayer;
  if (!player || !player.root.isConnected || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  const target = e.composedPath ? e.composedPath()[0] : e.target;
  const control = target && target.closest && target.closest(TYPING);
  // a control keeps the keys it uses; on a button or a check box the arrows and Home are the player's
  if (control && (e.key === ' ' || control.matches(OWN_KEYS))) return;
  if (e.key === ' ') player.toggle();
  else if (e.key === 'ArrowRight') player.step(1);
  else if (e.key === 'ArrowLeft') player.step(-1);
  else if (e.key === 'Home') player.restart();
  else return;
  e.preventDefault();
}

export default function (component) {
  const { parentElement, data, setStateValue, setTriggerValue } = component;
  const player = parentElement.__lrPlayer || (parentElement.__lrPlayer = new Player(parentElement));
  player.send = setStateValue;
  player.trigger = setTriggerValue;
  if (!window.__lrKeys) {
    window.__lrKeys = true;
    document.addEventListener('keydown', onKey);
    focusableScrolls();
  }
  player.load(data);
}
