// For every viewer: the words a screen reader hears as the run plays, the run's numbers as a table, the
// reader's "reduce motion" setting, and the keys given back to the player after a drag or a click.
// Every number is the Python core's, written as the page writes it (draw.js).

const FOLD_BELOW = 1400; // px: a laptop's window; the chart needs the width more than the sidebar does
const SAY_EVERY_MS = 3000; // while playing, one sentence at most this often: a screen reader keeps up
const HAND_SCROLL = ['wheel', 'touchmove', 'keydown']; // a reader scrolling by hand
const SCROLL_KEYS = new Set(['PageUp', 'PageDown', 'Home', 'End', 'ArrowUp', 'ArrowDown', ' ']);
const TAB_KEYS = new Set(['Enter', ' ', 'ArrowLeft', 'ArrowRight', 'Home', 'End']); // keys that open a tab

function reducedMotion() {
  return Boolean(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}

function sayRun(run, k, before) {
  // "Epoch 40 of 100: loss 0.3215 (0.3301 at epoch 30), accuracy 98.0%."
  const last = run.epoch[run.epoch.length - 1];
  const was = before !== null && before !== k ? ` (${fixed(run.loss[before], 4)} at epoch ${run.epoch[before]})` : '';
  const test = run.test_loss ? `; test loss ${fixed(run.test_loss[k], 4)}` : '';
  return `Epoch ${run.epoch[k]} of ${last}: loss ${fixed(run.loss[k], 4)}${was}, accuracy ${percent1(run.accuracy[k])}${test}.`;
}

function sayRace(player, epoch) {
  const f = player.family;
  const parts = player.race.chosen.filter((i) => f.runs[i]).map((i) => {
    const run = f.runs[i];
    const j = frameAt(run.epoch, epoch);
    return `η = ${f.labels[i]}: loss ${fixed(run.loss[j], 4)}`;
  });
  return `Epoch ${epoch}. ` + (parts.length ? parts.join('; ') + '.' : 'No learning rate chosen.');
}

function say(player, now) {
  // the live line: at once when the viewer paused or stepped (now), else at most every SAY_EVERY_MS
  const t = performance.now();
  if (!now && t - (player.saidAt || 0) < SAY_EVERY_MS) return;
  const k = player.frame;
  const epoch = Number(player.names[k]);
  let text;
  if (player.race) text = sayRace(player, epoch);
  else if (player.family) {
    const key = player.rate;
    const before = player.saidRate === key ? player.saidFrame ?? null : null;
    text = sayRun(player.family.runs[key], k, before);
    player.saidRate = key;
  } else text = player.data.readouts[k] || `Epoch ${epoch}.`;
  player.saidAt = t;
  player.saidFrame = k;
  player.q('.lr-now').textContent = text;
}

function numbersTable(player) {
  // the run on screen's numbers at every frame (the race: each lane's loss), built when the fold is open
  const body = player.q('.lr-table-body');
  if (!player.q('.lr-table').open || !player.family) return;
  const f = player.family;
  let head;
  let rows;
  if (player.race) {
    const lanes = player.race.chosen.filter((i) => f.runs[i]);
    const longest = player.race.longest();
    head = ['epoch', ...lanes.map((i) => `loss at η = ${f.labels[i]}`)];
    rows = longest ? Array.from(longest.epoch, (e) => [String(e), ...lanes.map((i) => {
      const run = f.runs[i];
      return fixed(run.loss[frameAt(run.epoch, e)], 4);
    })]) : [];
  } else {
    const run = f.runs[player.rate];
    const test = Boolean(run.test_loss);
    head = ['epoch', 'w1', 'w2', 'b', 'loss', 'accuracy', ...(test ? ['test loss', 'test accuracy'] : [])];
    rows = Array.from(run.epoch, (e, k) => [String(e), fixed(run.w1[k], 3, true), fixed(run.w2[k], 3, true),
      fixed(run.b[k], 3, true), fixed(run.loss[k], 4), percent1(run.accuracy[k]),
      ...(test ? [fixed(run.test_loss[k], 4), percent1(run.test_accuracy[k])] : [])]);
  }
  const table = document.createElement('table');
  const caption = table.createCaption();
  caption.textContent = player.race ? 'The race: each rate\'s loss at every frame'
    : `η = ${f.labels[player.rate]}: the run's numbers at every frame`;
  const tr = table.createTHead().insertRow();
  for (const h of head) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.appendChild(th); }
  const tbody = table.createTBody();
  for (const row of rows) {
    const r = tbody.insertRow();
    row.forEach((cell, c) => {
      const td = c === 0 ? document.createElement('th') : document.createElement('td');
      if (c === 0) td.scope = 'row';
      td.textContent = cell;
      r.appendChild(td);
    });
  }
  body.replaceChildren(table);
}

function giveKeysBack(root) {
  // after a pointer drags a slider or clicks a button of the player, the keys are the player's again: a
  // slider keeps its arrows while the keyboard adjusts it (Escape gives them back), a button its Enter
  const release = (e) => {
    const el = document.activeElement;
    if (!el || el === document.body) return;
    const slider = el.matches('input[type="range"], [role="slider"]');
    const ours = root.contains(el) && el.matches('button');
    if (e.type === 'keydown' ? e.key === 'Escape' && slider : slider || ours) el.blur();
  };
  document.addEventListener('pointerup', (e) => setTimeout(() => release(e), 0), true);
  document.addEventListener('keydown', release, true);
}

function foldSidebarOnce() {
  // a window narrower than FOLD_BELOW opens with the sidebar folded (its controls one click away), once per
  // tab: what the viewer opens again stays open
  if (window.innerWidth >= FOLD_BELOW || sessionStorage.getItem('lr-sidebar-folded')) return;
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (!button) return;
  sessionStorage.setItem('lr-sidebar-folded', '1');
  if (button.getAttribute('aria-expanded') === 'true') button.click();
}

const LISTEN_S = 2.5; // the whole loss curve up to the epoch on screen, heard in this long
const LOW_HZ = 220;
const HIGH_HZ = 880; // two octaves: the highest loss of the run is the highest note

function listen(player) {
  // the loss curve up to the epoch on screen as pitch: a falling loss is a falling tone, a rate that is too
  // large a tone that jumps up and down. The pitches are the run's own losses, on a log scale.
  const f = player.family;
  if (!f || player.race) return null;
  const run = f.runs[player.rate];
  const losses = Array.from(run.loss.slice(0, player.frame + 1), (v) => Math.max(v, 1e-12));
  const logs = losses.map(Math.log);
  const all = Array.from(run.loss, (v) => Math.log(Math.max(v, 1e-12)));
  const low = Math.min(...all);
  const high = Math.max(...all);
  const pitch = logs.map((v) => LOW_HZ * (HIGH_HZ / LOW_HZ) ** (high > low ? (v - low) / (high - low) : 0.5));
  const Audio = window.AudioContext || window.webkitAudioContext;
  if (Audio) {
    const context = player.audio || (player.audio = new Audio());
    const tone = context.createOscillator();
    const gain = context.createGain();
    const step = LISTEN_S / Math.max(pitch.length, 1);
    const t0 = context.currentTime + 0.05;
    pitch.forEach((hz, i) => tone.frequency.setValueAtTime(hz, t0 + i * step));
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.2, t0 + 0.05);
    gain.gain.setValueAtTime(0.2, t0 + LISTEN_S - 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + LISTEN_S);
    tone.connect(gain).connect(context.destination);
    tone.start(t0);
    tone.stop(t0 + LISTEN_S + 0.05);
  }
  const heard = { hz: pitch, seconds: LISTEN_S, epochs: run.epoch[player.frame] };
  player.q('.lr-now').textContent = `Listening: the loss from epoch 0 to epoch ${heard.epochs} as pitch, ` +
    'high for a high loss, low for a low one.';
  return heard;
}

function holdTabsInPlace() {
  // opening a tab reruns the page, and what is above the tab bar changes (the race's bar and words, the
  // captions), sometimes after the run has ended (the player draws them when its figures are ready): from
  // the press until the run has ended, the player has drawn it and nothing has changed size for a second, the
  // page scrolls by as much, so the bar stays under the pointer. A reader who scrolls takes the page back.
  // A tab opens on the pointer going down (the click that follows lands on whatever is there by then), or on
  // a key pressed on it.
  let holding = null;
  const start = (e) => {
    const tab = e.target.closest && e.target.closest('[data-testid="stTabs"] [role="tab"]');
    const main = document.querySelector('[data-testid="stMain"]');
    if (!tab || !main || (e.type === 'keydown' && !TAB_KEYS.has(e.key))) return;
    if (holding) holding();
    holding = holdBar(main, () => { holding = null; });
  };
  document.addEventListener('pointerdown', start, true);
  document.addEventListener('keydown', start, true);
}

function holdBar(main, done) {
  // keep the tab bar where it is now until the page has settled; returns what stops the holding
  const bar = () => document.querySelector('[data-testid="stTabs"]');
  const before = bar().getBoundingClientRect().top;
  const started = performance.now();
  let changed = started;
  const settle = () => {
    const el = bar();
    const by = el ? el.getBoundingClientRect().top - before : 0;
    if (Math.abs(by) >= 1) { main.scrollTop += by; changed = performance.now(); }
  };
  const watch = new ResizeObserver(() => { changed = performance.now(); settle(); });
  watch.observe(document.querySelector('[data-testid="stMainBlockContainer"]') || main);
  const app = document.querySelector('[data-testid="stApp"]');
  const stop = () => {
    clearInterval(poll); watch.disconnect(); done();
    HAND_SCROLL.forEach((kind) => window.removeEventListener(kind, byHand, true));
  };
  const byHand = (ev) => { if (ev.type !== 'keydown' || SCROLL_KEYS.has(ev.key)) stop(); };
  HAND_SCROLL.forEach((kind) => window.addEventListener(kind, byHand, true));
  const poll = setInterval(() => {
    settle();
    const now = performance.now();
    // the run has ended and the player has drawn what it sent (that may come a while after the run ends)
    const drawn = !(window.__lrPlayer && window.__lrPlayer.busy);
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning' && drawn;
    if ((idle && now - started > 300 && now - changed > 1000) || now - started > 20000) stop();
  }, 100);
  return stop;
}
