// SVG drawing for the console: time-series line charts and the shard lineage tree. No libraries.
'use strict';

const Charts = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const PALETTE = ['#0a7c86', '#d9480f', '#5b3cc4', '#2b8a3e', '#c2255c', '#1971c2', '#e67700', '#495057',
    '#0c8599', '#9c36b5', '#5c940d', '#a61e4d'];

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  function color(i) { return PALETTE[i % PALETTE.length]; }

  /** A round upper bound for an axis: 1, 2 or 5 times a power of ten. */
  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
    return 10 * power;
  }

  /**
   * Draws series of [timeMillis, value] points over the last windowMillis into container (an element),
   * with a legend; format(value) labels the vertical axis, which reaches at least options.floor.
   */
  function lineChart(container, series, options) {
    const width = 640, height = 220, left = 62, right = 12, top = 12, bottom = 26;
    const now = options.now || Date.now();
    const windowMillis = options.windowMillis || 60000;
    let max = 0;
    for (const s of series) for (const [, v] of s.points) max = Math.max(max, v);
    max = niceMax(Math.max(max, options.floor || 0));
    container.textContent = '';
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img',
      'aria-label': options.label || 'chart' }, container);
    const x = t => left + (width - left - right) * (1 - (now - t) / windowMillis);
    const y = v => top + (height - top - bottom) * (1 - v / max);
    for (let i = 0; i <= 4; i++) {
      const value = max * i / 4;
      el('line', { class: i === 0 ? 'axis' : 'grid', x1: left, x2: width - right, y1: y(value), y2: y(value) }, svg);
      el('text', { class: 'tick', x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, svg).textContent = options.format(value);
    }
    for (let s = 0; s <= windowMillis / 1000; s += 15) {
      const t = now - s * 1000;
      el('text', { class: 'tick', x: x(t), y: height - 8, 'text-anchor': s === 0 ? 'end' : 'middle' }, svg)
        .textContent = s === 0 ? 'now' : `-${s}s`;
    }
    series.forEach((s, i) => {
      const points = s.points.filter(([t]) => now - t <= windowMillis);
      if (points.length === 0) return;
      const d = points.map(([t, v], j) => `${j ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      el('path', { d, fill: 'none', stroke: color(i), 'stroke-width': 2, 'stroke-linejoin': 'round' }, svg);
    });
    const legend = document.createElement('div');
    legend.className = 'legend';
    series.forEach((s, i) => {
      const item = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = color(i);
      item.append(swatch, `${s.name}: ${options.format(s.points.length ? s.points[s.points.length - 1][1] : 0)}`);
      legend.appendChild(item);
    });
    if (series.length === 0) {
      const none = document.createElement('span');
      none.textContent = options.empty || 'No data yet';
      legend.appendChild(none);
    }
    container.appendChild(legend);
  }

  const HASH_SPACE = 1n << 128n;

  /** A hash key (decimal string) as a fraction of the key space, to four decimal places. */
  function hashFraction(key) {
    return Number(BigInt(key) * 10000n / HASH_SPACE) / 10000;
  }

  /**
   * The lineage tree: one column per generation, each shard a box spanning its hash key range vertically,
   * with an edge from each parent to its children. onShard(shard) is called when a box is clicked.
   */
  function lineage(container, shards, onShard) {
    const byId = new Map(shards.map(s => [s.shardId, s]));
    const depth = new Map();
    const depthOf = s => {
      if (depth.has(s.shardId)) return depth.get(s.shardId);
      let d = 0;
      for (const p of [s.parentShardId, s.adjacentParentShardId]) {
        if (p && byId.has(p)) d = Math.max(d, depthOf(byId.get(p)) + 1);
      }
      depth.set(s.shardId, d);
      return d;
    };
    shards.forEach(depthOf);
    const columns = Math.max(1, ...[...depth.values()].map(d => d + 1));
    const boxWidth = 168, gap = 64, left = 70, top = 10, height = Math.max(260, Math.min(520, 70 * shards.filter(s => s.open).length));
    const width = left + columns * boxWidth + (columns - 1) * gap + 12;
    container.textContent = '';
    const svg = el('svg', { viewBox: `0 0 ${width} ${height + top * 2}`, role: 'img', 'aria-label': 'shard lineage' }, container);
    svg.style.maxWidth = `${width}px`;
    const yOf = key => top + hashFraction(key) * height;
    for (const [label, f] of [['0', 0], ['2¹²⁷', 0.5], ['2¹²⁸−1', 1]]) {
      el('text', { class: 'axis-label', x: left - 10, y: top + f * height + 4, 'text-anchor': 'end' }, svg).textContent = label;
    }
    const boxes = new Map();
    for (const s of shards) {
      const x = left + depth.get(s.shardId) * (boxWidth + gap);
      const y1 = yOf(s.startingHashKey), y2 = yOf(s.endingHashKey);
      boxes.set(s.shardId, { x, y1, y2 });
    }
    for (const s of shards) {
      const child = boxes.get(s.shardId);
      for (const p of [s.parentShardId, s.adjacentParentShardId]) {
        const parent = p && boxes.get(p);
        if (!parent) continue;
        const fromY = (Math.max(parent.y1, child.y1) + Math.min(parent.y2, child.y2)) / 2;
        const x1 = parent.x + boxWidth, x2 = child.x, mid = (x1 + x2) / 2;
        el('path', { class: 'edge', d: `M${x1},${fromY} C${mid},${fromY} ${mid},${(child.y1 + child.y2) / 2} ${x2},${(child.y1 + child.y2) / 2}` }, svg);
      }
    }
    for (const s of shards) {
      const { x, y1, y2 } = boxes.get(s.shardId);
      const g = el('g', { class: `shard ${s.open ? 'open' : 'closed'}`, 'data-shard': s.shardId }, svg);
      g.style.cursor = 'pointer';
      el('rect', { x, y: y1 + 1.5, width: boxWidth, height: Math.max(3, y2 - y1 - 3) }, g);
      const tall = y2 - y1 > 34;
      const title = el('text', { x: x + 10, y: (y1 + y2) / 2 + (tall ? -3 : 4) }, g);
      title.textContent = `${s.shardId.replace('shardId-', '#').replace(/#0+(?=\d)/, '#')}  ${s.open ? 'open' : 'closed'}`;
      if (tall) {
        el('text', { class: 'range', x: x + 10, y: (y1 + y2) / 2 + 13 }, g).textContent =
          `${(hashFraction(s.startingHashKey) * 100).toFixed(1)}% – ${(hashFraction(s.endingHashKey) * 100).toFixed(1)}%`;
      }
      el('title', {}, g).textContent = `${s.shardId}\n${s.startingHashKey}\n… ${s.endingHashKey}`;
      g.addEventListener('click', () => onShard && onShard(s));
    }
  }

  return { lineChart, lineage, hashFraction, color };
})();
