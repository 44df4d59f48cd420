// Your own points: a click (or a tap) on the data panel adds a point of the class chosen in the bar, a click on
// a point you added removes it, and a click on the landscape chooses where the descent starts. The click becomes
// data coordinates through Plotly's own axis mapping (p2d) and goes to the server, which adds, removes or starts
// (one rerun per click); the server sends the points back and draws them.

const NEAR_PX = 12; // a click this close to a point you added removes it
const CLASS_MARKS = ['●', '▲']; // each class's marker on the data panel (plot_parts.CLASS_SYMBOLS: circle, triangle-up)

function panelClick(gd, e, k) {
  // the click's data coordinates on panel k ('' the data, '4' the landscape), or null outside it
  const layout = gd._fullLayout;
  const xa = layout && layout[`xaxis${k}`];
  const ya = layout && layout[`yaxis${k}`];
  const svg = gd.querySelector('.main-svg');
  if (!xa || !ya || !svg) return null;
  const box = svg.getBoundingClientRect();
  const px = e.clientX - box.left - xa._offset;
  const py = e.clientY - box.top - ya._offset;
  if (px < 0 || px > xa._length || py < 0 || py > ya._length) return null;
  return { x: xa.p2d(px), y: ya.p2d(py), px, py, xa, ya };
}

function nearestAdded(points, at) {
  // the index of the point you added under the click, or -1
  let best = -1;
  let bestDistance = NEAR_PX;
  points.forEach(([x1, x2], i) => {
    const d = Math.hypot(at.xa.d2p(x1) - at.px, at.ya.d2p(x2) - at.py);
    if (d <= bestDistance) { best = i; bestDistance = d; }
  });
  return best;
}

function addingClass() {
  return window.__lrAddClass === 1 ? 1 : 0;
}

function pointTools(holder, before, send) {
  // the class to add ("add ● 0" / "add ▲ 1"), Undo and Clear: buttons, so the keyboard reaches them (Enter, Space)
  const group = document.createElement('span');
  group.className = 'lr-points';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Your points: click the data panel to add one');
  group.innerHTML = '<button type="button" class="lr-class"></button>' +
    '<button type="button" class="lr-undo" title="Take back the last change to your points">Undo</button>' +
    '<button type="button" class="lr-clear" title="Remove every point you added">Clear</button>';
  holder.insertBefore(group, before);
  const chooser = group.querySelector('.lr-class');
  chooser.addEventListener('click', () => { window.__lrAddClass = 1 - addingClass(); nameChooser(chooser); });
  group.querySelector('.lr-undo').addEventListener('click', () => send({ kind: 'undo' }));
  group.querySelector('.lr-clear').addEventListener('click', () => send({ kind: 'clear' }));
  nameChooser(chooser);
  return group;
}

function nameChooser(chooser) {
  // the class button's words for the class being added: short, so the bar keeps one row for it and the epoch
  const c = addingClass();
  chooser.textContent = `add ${CLASS_MARKS[c]} ${c}`;
  chooser.dataset.class = String(c);
  // the name holds the visible words (WCAG 2.5.3, label in name), then what they mean
  chooser.setAttribute('aria-label', `add ${CLASS_MARKS[c]} ${c}: adding class ${c}. Press to add class ${1 - c} instead`);
  chooser.title = `A click on the data panel adds a point of class ${c}; press to switch to class ${1 - c}`;
}

function showPointTools(group, drawn) {
  group.hidden = !drawn;
  if (!drawn) return;
  nameChooser(group.querySelector('.lr-class'));
  group.querySelector('.lr-undo').disabled = !drawn.undo;
  group.querySelector('.lr-clear').disabled = !drawn.points.length;
}

function listenForClicks(gd, drawnNow, send) {
  // drawnNow(): the server's latest {points, landscape} (the points you added, whether the landscape is there)
  let sent = 0;
  gd.addEventListener('click', (e) => {
    const drawn = drawnNow();
    if (!drawn || e.detail > 1 || performance.now() - sent < 250) return; // a double click resets Plotly's zoom
    const onData = panelClick(gd, e, '');
    if (onData) {
      const near = nearestAdded(drawn.points, onData);
      sent = performance.now();
      if (near >= 0) send({ kind: 'remove', index: near, n: sent });
      else send({ kind: 'add', x1: onData.x, x2: onData.y, c: addingClass(), n: sent });
      return;
    }
    const onLandscape = drawn.landscape ? panelClick(gd, e, '4') : null;
    if (onLandscape) {
      sent = performance.now();
      send({ kind: 'start', w1: onLandscape.x, w2: onLandscape.y, n: sent });
    }
  });
}

function writeParams(link) {
  // the share link's parameters in the address bar (null: removed); the others stay. Replaced, not pushed.
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(link || {})) {
    if (value === null) params.delete(key); else params.set(key, value);
  }
  const search = params.toString();
  if (search === window.location.search.replace(/^\?/, '')) return;
  window.history.replaceState(window.history.state, '', window.location.pathname + (search ? `?${search}` : '') + window.location.hash);
}

function playerPoints(player, drawn) {
  // the player's part: the tools in its bar, the clicks on its chart, the points in the link
  player.drawn = drawn;
  if (!player.pointTools && drawn) {
    const bar = player.q('.lr-bar');
    player.pointTools = pointTools(bar, player.q('.lr-counter'), (v) => player.trigger('click', v));
    listenForClicks(player.gd, () => player.drawn, (v) => player.trigger('click', v));
  }
  if (player.pointTools) showPointTools(player.pointTools, drawn);
  if (drawn) writeParams(drawn.link);
}
