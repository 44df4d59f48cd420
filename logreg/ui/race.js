// The race: up to four runs on the run's chart, each a lane with its own colour, dash and marker: the
// family's rates (the learning rates tab), or the race's own runs, one per method (the optimizers tab, at the
// page's η). The viewer chooses the lanes in the player's bar; nothing is trained or asked of the server.
// The lanes' trace uids come from Python (family_view.race_payload), as every role does.

class Race {
  constructor(player, race) {
    this.player = player;
    this.own = Boolean(race.runs); // the optimizers tab: the race's own runs, not the family's rates
    this.field = this.own ? decodeFamily({ runs: race.runs, labels: race.labels }) : player.family;
    this.rateIndex = race.rate ?? null; // the η control's index of the η the own runs were trained at
    this.title = race.title;
    this.lanes = race.lanes; // per lane: role name -> uid
    this.colors = race.colors;
    this.roles = race.roles; // per rate: its role in the lesson, or null
    this.gap = race.gap ? race.gap.map((g) => (g ? decode(g) : null)) : null; // per rate: L − L* per frame
    this.gapAxis = race.gap_axis;
    this.log = Boolean(race.gap);
    this.slots = Array.from({ length: race.count }, (_, k) => (race.chosen[k] ?? null)); // lane -> rate index
  }

  get chosen() {
    return this.slots.filter((i) => i !== null);
  }

  // ---- the bar: a toggle per rate, at most four pressed
  renderChips() {
    const f = this.field;
    const box = this.player.q('.lr-race-rates');
    this.player.q('.lr-race-title').textContent = this.title;
    box.innerHTML = '';
    f.labels.forEach((label, i) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'lr-chip';
      const lane = this.slots.indexOf(i);
      button.setAttribute('aria-pressed', String(lane >= 0));
      button.disabled = !f.runs[i];
      button.textContent = label;
      button.setAttribute('aria-label', this.own ? label : `learning rate η = ${label}` + (this.roles[i] ? ` (${this.roles[i]})` : ''));
      if (lane >= 0) button.style.setProperty('--lane', this.colors[lane]);
      button.addEventListener('click', () => this.toggle(i));
      box.appendChild(button);
    });
    this.player.q('.lr-log').disabled = !this.gap;
    this.player.q('.lr-log').checked = this.log;
  }

  toggle(i) {
    const lane = this.slots.indexOf(i);
    const status = this.player.q('.lr-race-status');
    status.textContent = '';
    if (lane >= 0) this.slots[lane] = null;
    else {
      const free = this.slots.indexOf(null);
      if (free < 0) { status.textContent = `At most four ${this.own ? 'methods' : 'rates'} race at once: take one out first.`; return; }
      this.slots[free] = i;
    }
    this.renderChips();
    const chip = this.player.q('.lr-race-rates').children[i];
    if (chip) chip.focus(); // the list was rebuilt: the focus stays on the rate just pressed
    this.player.setLanes(true);
  }

  // ---- numbers of a lane
  lossOf(i) {
    const run = this.field.runs[i];
    return this.log && this.gap ? this.gap[i] : run.loss;
  }

  curves() {
    // every lane's curves (empty for a free lane), as one animate step's data and trace indices
    const p = this.player;
    const data = [];
    const traces = [];
    const runs = new Map();
    this.slots.forEach((i, k) => {
      const run = i === null ? null : this.field.runs[i];
      const L = this.lanes[k];
      for (const [uid, x, y] of [
        [L.LANE_LOSS, run && run.epoch, run && this.lossOf(i)],
        [L.LANE_ACCURACY, run && run.epoch, run && run.accuracy],
        [L.LANE_PATH, run && run.w1, run && run.w2],
      ]) {
        if (!p.traceIndex.has(uid)) continue;
        traces.push(p.traceIndex.get(uid));
        data.push({ x: run ? Array.from(x) : [], y: run ? Array.from(y) : [] });
        if (run) runs.set(uid, run);
      }
    });
    return { data, traces, runs };
  }

  frame(epoch) {
    // every lane's moving traces at this epoch (a run that ended earlier rests on its last frame)
    const p = this.player;
    const f = p.family;
    const out = new Map();
    this.slots.forEach((i, k) => {
      const L = this.lanes[k];
      const run = i === null ? null : this.field.runs[i];
      const none = { x: [], y: [] };
      if (!run) {
        for (const role of ['LANE_BOUNDARY', 'LANE_LOSS_MARKER', 'LANE_ACCURACY_MARKER', 'LANE_POINT']) out.set(L[role], none);
        return;
      }
      const j = frameAt(run.epoch, epoch);
      const [w1, w2, b, e] = [run.w1[j], run.w2[j], run.b[j], run.epoch[j]];
      const loss = this.lossOf(i)[j];
      out.set(L.LANE_BOUNDARY, lines(w1, w2, b, [0], f.box));
      out.set(L.LANE_LOSS_MARKER, { x: [e], y: [this.log && this.gap ? loss : Math.min(loss, f.loss_top)] });
      out.set(L.LANE_ACCURACY_MARKER, { x: [e], y: [run.accuracy[j]] });
      if (f.landscape_box) {
        const [x, y] = pin(w1, w2, f.landscape_box);
        out.set(L.LANE_POINT, { x: [x], y: [y] });
      }
    });
    return p.moves(out);
  }

  longest() {
    // the chosen run with the most frames: the race plays as long as its longest lane
    const f = this.field;
    let best = null;
    for (const i of this.chosen) if (f.runs[i] && (!best || f.runs[i].epoch.length > best.epoch.length)) best = f.runs[i];
    return best;
  }

  // ---- the words: each lane's rate, role, numbers at the epoch on screen, and its verdict
  words(epoch) {
    const p = this.player;
    const f = this.field;
    const list = p.q('.lr-lanes');
    const items = [];
    this.slots.forEach((i, k) => {
      if (i === null || !f.runs[i]) return;
      const run = f.runs[i];
      const j = frameAt(run.epoch, epoch);
      const role = this.roles[i] ? ` (${this.roles[i]})` : '';
      const swatch = `<svg width="34" height="12" aria-hidden="true"><line x1="1" y1="6" x2="33" y2="6" stroke="${this.colors[k]}"` +
        ` stroke-width="4" stroke-dasharray="${['', '8 4', '2 4', '8 4 2 4'][k]}"/></svg>`;
      const numbers = `epoch ${run.epoch[j]} · loss ${fixed(run.loss[j], 4)} · accuracy ${percent1(run.accuracy[j])}`;
      const li = document.createElement('li');
      li.innerHTML = `${swatch} <b></b> <span class="lr-lane-numbers"></span> <span class="lr-lane-verdict"></span>`;
      li.querySelector('b').textContent = this.own ? f.labels[i] : `η = ${f.labels[i]}${role}`;
      li.querySelector('.lr-lane-numbers').textContent = numbers;
      // the verdict's headline (its exact numbers are the run's own, under η when it is on screen)
      const ended = j >= run.epoch.length - 1; // nothing from the future: the verdict once the lane has ended
      li.querySelector('.lr-lane-verdict').textContent = !ended ? ''
        : run.words ?? `${run.badge}: ${run.headline}`;
      items.push(li);
    });
    list.replaceChildren(...items);
    if (!items.length) {
      const li = document.createElement('li');
      li.textContent = `Choose at least one ${this.own ? 'method' : 'learning rate'} in the bar above the chart.`;
      list.replaceChildren(li);
    }
  }

  axis() {
    // the loss panel's y axis: L − L* on a log scale, or the loss as the run's chart has it
    const base = this.player.data.figure.layout.yaxis2;
    return this.log && this.gapAxis ? { ...base, ...this.gapAxis, title: { ...base.title, ...this.gapAxis.title } } : base;
  }
}
