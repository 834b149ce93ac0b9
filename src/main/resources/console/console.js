// The Tributary console: a hash-routed page over /console/api. Hand-written, no build step.
'use strict';

const api = {
  async get(path) {
    const response = await fetch(`api/${path}`, { credentials: 'same-origin', cache: 'no-store' });
    const body = await response.json();
    if (!response.ok) throw Object.assign(new Error(body.message || response.statusText), { type: body.__type });
    return body;
  },
  /** Runs a Kinesis operation through the console; fails with the API's error type and message. */
  async action(operation, stream, input) {
    const response = await fetch(`api/actions/${operation}`, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: stream.account, region: stream.region, input })
    });
    const body = await response.json();
    if (!response.ok) throw Object.assign(new Error(body.message || ''), { type: body.__type || `HTTP ${response.status}` });
    return body;
  }
};

// ---- DOM and formatting ----------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const fmt = {
  rate(v) { return v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2); },
  bytes(v) {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
  },
  millis(v) {
    if (v < 1000) return `${Math.round(v)} ms`;
    if (v < 120000) return `${(v / 1000).toFixed(v < 10000 ? 1 : 0)} s`;
    return `${(v / 60000).toFixed(1)} min`;
  },
  time(ms) { return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'); },
  retention(hours) { return hours % 24 === 0 ? `${hours / 24} d (${hours} h)` : `${hours} h`; },
  shortShard(id) { return id.replace(/^shardId-0*(?=\d)/, '#'); }
};

function badge(text, kind) { return h('span', { class: `badge ${kind || text}` }, text); }
function streamPath(s) { return `${encodeURIComponent(s.account)}/${encodeURIComponent(s.region)}/${encodeURIComponent(s.name)}`; }

// ---- dialogs --------------------------------------------------------------------------------------------

/**
 * Opens the dialog with the fields; submit(values) runs the action and closes it on success, or shows the
 * API's error in the dialog.
 */
function openDialog({ title, fields, submitLabel, danger, submit }) {
  const dialog = document.getElementById('dialog');
  document.getElementById('dialog-title').textContent = title;
  const body = document.getElementById('dialog-body');
  body.textContent = '';
  body.append(...fields);
  const error = document.getElementById('dialog-error');
  error.hidden = true;
  const button = document.getElementById('dialog-submit');
  button.textContent = submitLabel || 'OK';
  button.className = `button ${danger ? 'danger' : 'primary'}`;
  button.disabled = false;
  const form = document.getElementById('dialog-form');
  form.onsubmit = async event => {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    try {
      await submit(Object.fromEntries(new FormData(form).entries()));
      dialog.close();
      render();
    } catch (failure) {
      error.textContent = '';
      error.append(h('b', {}, failure.type || 'Error'), failure.message || '');
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  };
  document.getElementById('dialog-cancel').onclick = () => dialog.close();
  dialog.showModal();
  const first = body.querySelector('input, select');
  if (first) first.focus();
}

function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
}

function select(name, options, value) {
  return h('select', { name, id: `field-${name}` },
    options.map(o => h('option', { value: o.value ?? o, selected: (o.value ?? o) === value }, o.label ?? o)));
}

// ---- pages ----------------------------------------------------------------------------------------------

let timer = null;
let tail = null;
let server = { defaultAccount: '000000000000', defaultRegion: 'us-east-1' };
/** Per-shard rate and per-reader age history of the stream page, kept while the page is open. */
let history = { key: null, rates: new Map(), ages: new Map() };

const view = () => document.getElementById('view');

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'stream' && parts.length >= 4) return { page: 'stream', account: parts[1], region: parts[2], name: parts[3] };
  if (parts[0] === 'tail' && parts.length >= 5) return { page: 'tail', account: parts[1], region: parts[2], name: parts[3], shardId: parts[4] };
  return { page: 'streams' };
}

function render() {
  clearTimeout(timer);
  const r = route();
  if (r.page !== 'tail' && tail) { tail.close(); tail = null; }
  if (r.page === 'stream') return streamPage(r);
  if (r.page === 'tail') return tailPage(r);
  return streamsPage();
}

function refreshIn(millis, again) {
  clearTimeout(timer);
  timer = setTimeout(again, millis);
}

function showError(failure) {
  view().replaceChildren(h('div', { class: 'panel' }, h('div', { class: 'panel-body error-page' },
    h('b', {}, failure.type || 'Error'), ' ', failure.message)));
}

// The list of streams, of every account and region.
async function streamsPage() {
  let data;
  try { data = await api.get('streams'); } catch (failure) { return showError(failure); }
  if (route().page !== 'streams') return;
  server = data;
  document.getElementById('server-note').textContent = `default account ${data.defaultAccount} · ${data.defaultRegion}`;
  const rows = data.streams.map(s => h('tr', { 'data-stream': s.name },
    h('td', {}, h('a', { href: `#/stream/${streamPath(s)}` }, h('b', {}, s.name))),
    h('td', { class: 'mono' }, s.account),
    h('td', {}, s.region),
    h('td', {}, badge(s.status)),
    h('td', {}, s.mode === 'ON_DEMAND' ? 'On-demand' : 'Provisioned'),
    h('td', { class: 'num' }, fmt.retention(s.retentionHours)),
    h('td', { class: 'num' }, String(s.openShards)),
    h('td', { class: 'num' }, String(s.consumers)),
    h('td', { class: 'num' }, `${fmt.rate(s.incomingRecordsPerSecond)} rec/s`),
    h('td', { class: 'num' }, `${fmt.bytes(s.incomingBytesPerSecond)}/s`)));
  view().replaceChildren(
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', {}, 'Data streams'), h('div', { class: 'sub' }, 'Every stream of every account and region on this server')),
      h('div', { class: 'actions' }, h('button', { class: 'button primary', id: 'action-create', onclick: createStreamDialog }, 'Create data stream'))),
    h('section', { class: 'panel' },
      h('h2', {}, 'Streams ', h('span', { class: 'count' }, `(${data.streams.length})`), h('span', { class: 'hint' }, 'live, every 2 s')),
      data.streams.length === 0 ? h('div', { class: 'empty' }, 'No streams yet.') :
        h('table', { id: 'streams' },
          h('thead', {}, h('tr', {}, ['Name', 'Account', 'Region', 'Status', 'Capacity mode', 'Retention', 'Open shards',
            'Consumers', 'Incoming records', 'Incoming bytes'].map((t, i) => h('th', { class: i >= 5 ? 'num' : null }, t))))
          , h('tbody', {}, rows))));
  refreshIn(2000, streamsPage);
}

function createStreamDialog() {
  const mode = select('mode', [{ value: 'PROVISIONED', label: 'Provisioned' }, { value: 'ON_DEMAND', label: 'On-demand' }], 'PROVISIONED');
  const count = h('input', { name: 'shards', id: 'field-shards', type: 'number', min: 1, value: 2 });
  mode.addEventListener('change', () => { count.disabled = mode.value === 'ON_DEMAND'; });
  openDialog({
    title: 'Create data stream',
    submitLabel: 'Create',
    fields: [
      field('Stream name', h('input', { name: 'name', id: 'field-name', required: true, autocomplete: 'off' }),
        '1–128 characters: letters, digits, _ . -'),
      h('div', { class: 'grid2' },
        field('Account', h('input', { name: 'account', id: 'field-account', value: server.defaultAccount })),
        field('Region', h('input', { name: 'region', id: 'field-region', value: server.defaultRegion }))),
      field('Capacity mode', mode),
      field('Shards', count, 'Provisioned streams only')
    ],
    submit: values => api.action('CreateStream', values, values.mode === 'ON_DEMAND'
      ? { StreamName: values.name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }
      : { StreamName: values.name, ShardCount: Number(values.shards), StreamModeDetails: { StreamMode: 'PROVISIONED' } })
  });
}

// One stream: facts, actions, lineage, charts, shards, consumers, mirrors.
async function streamPage(r) {
  let s;
  try { s = await api.get(`streams/${streamPath(r)}`); } catch (failure) { return showError(failure); }
  const current = route();
  if (current.page !== 'stream' || current.name !== r.name || current.account !== r.account || current.region !== r.region) return;
  remember(s);
  const open = s.shardList.filter(x => x.open);
  view().replaceChildren(
    h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Data streams'), ' / ', s.name),
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { id: 'stream-name' }, s.name, ' ', badge(s.status)), h('div', { class: 'sub mono' }, s.arn)),
      h('div', { class: 'actions' },
        h('button', { class: 'button', id: 'action-split', onclick: () => splitDialog(s) }, 'Split shard'),
        h('button', { class: 'button', id: 'action-merge', onclick: () => mergeDialog(s) }, 'Merge shards'),
        h('button', { class: 'button', id: 'action-scale', onclick: () => scaleDialog(s) }, 'Update shard count'),
        h('button', { class: 'button', id: 'action-retention', onclick: () => retentionDialog(s) }, 'Retention'),
        h('button', { class: 'button danger', id: 'action-delete', onclick: () => deleteDialog(s) }, 'Delete'))),
    h('section', { class: 'panel facts' },
      fact('Account', s.account), fact('Region', s.region), fact('Capacity mode', s.mode === 'ON_DEMAND' ? 'On-demand' : 'Provisioned'),
      fact('Open shards', String(s.openShards)), fact('Retention', fmt.retention(s.retentionHours)),
      fact('Incoming records', `${fmt.rate(s.incomingRecordsPerSecond)}/s`), fact('Incoming bytes', `${fmt.bytes(s.incomingBytesPerSecond)}/s`)),
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', {}, 'Incoming records per shard', h('span', { class: 'hint' }, 'IncomingRecords / s')),
        h('div', { class: 'chart', id: 'chart-incoming' })),
      h('section', { class: 'panel' }, h('h2', {}, 'Iterator age per reader and shard', h('span', { class: 'hint' }, 'ms behind the tip')),
        h('div', { class: 'chart', id: 'chart-age' }))),
    h('section', { class: 'panel' },
      h('h2', {}, 'Shard lineage ', h('span', { class: 'count' }, `(${s.shardList.length} shards, ${open.length} open)`),
        h('span', { class: 'hint' }, 'vertical: hash key range · click a shard to tail it')),
      h('div', { class: 'panel-body lineage', id: 'lineage' })),
    h('section', { class: 'panel' }, h('h2', {}, 'Shards'),
      h('table', { id: 'shards' },
        h('thead', {}, h('tr', {}, ['Shard', 'State', 'Parent', 'Hash key range', 'Incoming', '', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, s.shardList.map(x => h('tr', { 'data-shard': x.shardId },
          h('td', { class: 'mono' }, x.shardId),
          h('td', {}, badge(x.open ? 'open' : 'closed')),
          h('td', { class: 'mono' }, [x.parentShardId, x.adjacentParentShardId].filter(Boolean).map(fmt.shortShard).join(' + ') || '—'),
          h('td', { class: 'mono' }, `${(Charts.hashFraction(x.startingHashKey) * 100).toFixed(2)}% – ${(Charts.hashFraction(x.endingHashKey) * 100).toFixed(2)}%`),
          h('td', {}, x.open ? `${fmt.rate(x.incomingRecordsPerSecond)} rec/s · ${fmt.bytes(x.incomingBytesPerSecond)}/s` : '—'),
          h('td', {}, h('a', { class: 'button small', href: `#/tail/${streamPath(s)}/${encodeURIComponent(x.shardId)}` }, 'Live tail')),
          h('td', {}, x.open ? h('button', { class: 'button small', onclick: () => splitDialog(s, x.shardId) }, 'Split') : null)))))),
    h('div', { class: 'grid2' },
      h('section', { class: 'panel' }, h('h2', {}, 'Consumers ', h('span', { class: 'count' }, `(${s.consumerList.length})`)),
        s.consumerList.length === 0 ? h('div', { class: 'empty' }, 'No enhanced fan-out consumers.') :
          h('table', { id: 'consumers' }, h('thead', {}, h('tr', {}, ['Consumer', 'Status', 'Subscriptions'].map(t => h('th', {}, t)))),
            h('tbody', {}, s.consumerList.map(c => h('tr', {},
              h('td', {}, h('b', {}, c.name)), h('td', {}, badge(c.status)),
              h('td', {}, c.subscriptions.length === 0 ? '—' : c.subscriptions.map(x =>
                h('div', { class: 'mono' }, `${fmt.shortShard(x.shardId)} · ${x.millisBehindLatest == null ? 'starting' : fmt.millis(x.millisBehindLatest) + ' behind'}`)))))))),
      h('section', { class: 'panel' }, h('h2', {}, 'Kafka mirrors ', h('span', { class: 'count' }, `(${s.mirrors.length})`)),
        s.mirrors.length === 0 ? h('div', { class: 'empty' }, 'No Kafka mirror of this stream.') :
          h('table', { id: 'mirrors' }, h('thead', {}, h('tr', {}, ['Mirror', 'Direction', 'State', 'Lag'].map(t => h('th', {}, t)))),
            h('tbody', {}, s.mirrors.map(m => h('tr', {},
              h('td', {}, h('b', {}, m.name), h('div', { class: 'mono' }, m.topic)),
              h('td', {}, m.direction === 'STREAM_TO_TOPIC' ? 'stream → topic' : 'topic → stream'),
              h('td', {}, badge(m.state), m.lastError ? h('div', { class: 'warning' }, m.lastError) : null),
              h('td', { class: 'num' }, `${m.lagRecords ?? 0} records · ${fmt.millis(m.lagMillis ?? 0)}`))))))));
  Charts.lineage(document.getElementById('lineage'), s.shardList,
    shard => { location.hash = `#/tail/${streamPath(s)}/${encodeURIComponent(shard.shardId)}`; });
  drawCharts(s);
  refreshIn(2000, () => streamPage(r));
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

/** Adds the page's figures to the history the charts draw (the last minute). */
function remember(s) {
  const key = s.arn;
  if (history.key !== key) history = { key, rates: new Map(), ages: new Map() };
  const now = Date.now();
  const keep = points => { while (points.length && now - points[0][0] > 65000) points.shift(); };
  for (const shard of s.shardList.filter(x => x.open)) {
    const points = history.rates.get(shard.shardId) || [];
    points.push([now, shard.incomingRecordsPerSecond]);
    keep(points);
    history.rates.set(shard.shardId, points);
  }
  for (const age of s.iteratorAges) {
    const name = `${age.reader} ${fmt.shortShard(age.shardId)}`;
    const points = history.ages.get(name) || [];
    points.push([now, age.iteratorAgeMillis]);
    keep(points);
    history.ages.set(name, points);
  }
}

function drawCharts(s) {
  const open = new Set(s.shardList.filter(x => x.open).map(x => x.shardId));
  Charts.lineChart(document.getElementById('chart-incoming'),
    [...history.rates].filter(([id]) => open.has(id)).map(([id, points]) => ({ name: fmt.shortShard(id), points })),
    { format: fmt.rate, label: 'incoming records per second per shard' });
  Charts.lineChart(document.getElementById('chart-age'),
    [...history.ages].map(([name, points]) => ({ name, points })),
    { format: fmt.millis, floor: 1000, label: 'iterator age', empty: 'No reader with a position: enhanced fan-out subscriptions and Kafka mirrors show here' });
}

// ---- actions: each runs the Kinesis operation itself, so its checks and errors are the API's ------------

function openShardOptions(s) {
  return s.shardList.filter(x => x.open).map(x => ({ value: x.shardId, label: `${x.shardId} (${(Charts.hashFraction(x.startingHashKey) * 100).toFixed(1)}% – ${(Charts.hashFraction(x.endingHashKey) * 100).toFixed(1)}%)` }));
}

function midpoint(shard) {
  return ((BigInt(shard.startingHashKey) + BigInt(shard.endingHashKey) + 1n) / 2n).toString();
}

function splitDialog(s, shardId) {
  const options = openShardOptions(s);
  const chosen = shardId || (options[0] && options[0].value);
  const shardSelect = select('shard', options, chosen);
  const key = h('input', { name: 'key', id: 'field-key', class: 'mono', value: chosen ? midpoint(s.shardList.find(x => x.shardId === chosen)) : '' });
  shardSelect.addEventListener('change', () => { key.value = midpoint(s.shardList.find(x => x.shardId === shardSelect.value)); });
  openDialog({
    title: `Split a shard of ${s.name}`, submitLabel: 'Split',
    fields: [field('Shard to split', shardSelect), field('New starting hash key', key, 'Decimal; the middle of the range by default. The children divide the range here.')],
    submit: values => api.action('SplitShard', s, { StreamName: s.name, ShardToSplit: values.shard, NewStartingHashKey: values.key.trim() })
  });
}

function mergeDialog(s) {
  const open = s.shardList.filter(x => x.open).sort((a, b) => (BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? -1 : 1));
  const pairs = [];
  for (let i = 0; i + 1 < open.length; i++) {
    pairs.push({ value: `${open[i].shardId} ${open[i + 1].shardId}`, label: `${open[i].shardId} + ${fmt.shortShard(open[i + 1].shardId)}` });
  }
  openDialog({
    title: `Merge two adjacent shards of ${s.name}`, submitLabel: 'Merge',
    fields: [field('Shards', select('pair', pairs), 'Shards whose hash key ranges touch')],
    submit: values => {
      const [shard, adjacent] = (values.pair || ' ').split(' ');
      return api.action('MergeShards', s, { StreamName: s.name, ShardToMerge: shard, AdjacentShardToMerge: adjacent });
    }
  });
}

function scaleDialog(s) {
  openDialog({
    title: `Update the shard count of ${s.name}`, submitLabel: 'Update',
    fields: [field('Target shard count', h('input', { name: 'target', id: 'field-target', type: 'number', value: s.openShards * 2 }),
      'UNIFORM_SCALING: at most double and at least half the open shards')],
    submit: values => api.action('UpdateShardCount', s, { StreamName: s.name, TargetShardCount: Number(values.target), ScalingType: 'UNIFORM_SCALING' })
  });
}

function retentionDialog(s) {
  openDialog({
    title: `Data retention of ${s.name}`, submitLabel: 'Save',
    fields: [field('Retention period (hours)', h('input', { name: 'hours', id: 'field-hours', type: 'number', value: s.retentionHours }),
      `Now ${s.retentionHours} h; from 24 h to 8760 h (365 days)`)],
    submit: values => {
      const hours = Number(values.hours);
      return hours >= s.retentionHours
        ? api.action('IncreaseStreamRetentionPeriod', s, { StreamName: s.name, RetentionPeriodHours: hours })
        : api.action('DecreaseStreamRetentionPeriod', s, { StreamName: s.name, RetentionPeriodHours: hours });
    }
  });
}

function deleteDialog(s) {
  openDialog({
    title: `Delete ${s.name}?`, submitLabel: 'Delete', danger: true,
    fields: [
      h('p', { class: 'warning' }, 'The stream and every record in it are deleted. This cannot be undone.'),
      field(`Type the stream name (${s.name}) to confirm`, h('input', { name: 'confirm', id: 'field-confirm', autocomplete: 'off' })),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'force', id: 'field-force' }), 'Also deregister its consumers (EnforceConsumerDeletion)')
    ],
    submit: async values => {
      if (values.confirm !== s.name) throw Object.assign(new Error(`Type ${s.name} to confirm.`), { type: 'Not confirmed' });
      await api.action('DeleteStream', s, { StreamName: s.name, EnforceConsumerDeletion: values.force === 'on' });
      location.hash = '#/';
    }
  });
}

// ---- live tail ------------------------------------------------------------------------------------------

const TAIL_KEEP = 500;

function tailPage(r) {
  if (tail) { tail.close(); tail = null; }
  const from = select('from', ['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP'], 'LATEST');
  const at = h('input', { type: 'datetime-local', id: 'field-timestamp', step: 1, disabled: true });
  from.addEventListener('change', () => { at.disabled = from.value !== 'AT_TIMESTAMP'; });
  const state = h('span', { class: 'tail-state', id: 'tail-state' }, 'stopped');
  const count = h('span', { class: 'count', id: 'tail-count' }, '(0)');
  const list = h('div', { class: 'records', id: 'records' }, h('div', { class: 'notice' }, 'Start the tail to see records as they arrive.'));
  const start = h('button', { class: 'button primary', id: 'tail-start', onclick: () => begin() }, 'Start');
  const stop = h('button', { class: 'button', id: 'tail-stop', onclick: () => { if (tail) tail.close(); tail = null; state.className = 'tail-state'; state.textContent = 'stopped'; } }, 'Stop');
  view().replaceChildren(
    h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Data streams'), ' / ', h('a', { href: `#/stream/${streamPath(r)}` }, r.name), ' / ', r.shardId),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Live tail'), h('div', { class: 'sub mono' }, `${r.name} · ${r.shardId} · ${r.account} · ${r.region}`))),
    h('section', { class: 'panel' }, h('div', { class: 'panel-body tail-controls' },
      field('Start from', from), field('Timestamp (UTC)', at), start, stop, state)),
    h('section', { class: 'panel' }, h('h2', {}, 'Records ', count, h('span', { class: 'hint' }, 'JSON and text decoded as UTF-8, anything else in hex')), list));
  let shown = 0;

  function begin() {
    if (tail) tail.close();
    let query = `from=${from.value}`;
    if (from.value === 'AT_TIMESTAMP') {
      const millis = Date.parse(`${at.value}Z`);
      if (Number.isNaN(millis)) { state.textContent = 'choose a timestamp'; return; }
      query += `&timestamp=${millis}`;
    }
    list.replaceChildren();
    shown = 0;
    count.textContent = '(0)';
    const source = new EventSource(`api/streams/${streamPath(r)}/shards/${encodeURIComponent(r.shardId)}/tail?${query}`);
    tail = source;
    state.className = 'tail-state';
    state.textContent = 'connecting…';
    source.addEventListener('start', e => {
      const info = JSON.parse(e.data);
      state.className = 'tail-state live';
      state.textContent = `live from ${info.from}`;
      list.replaceChildren(h('div', { class: 'notice', id: 'tail-waiting' }, 'Waiting for records…'));
    });
    source.addEventListener('records', e => {
      const waiting = document.getElementById('tail-waiting');
      if (waiting) waiting.remove();
      const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
      for (const rec of JSON.parse(e.data).records) {
        list.appendChild(h('div', { class: 'record', 'data-sequence': rec.sequenceNumber },
          h('div', { class: 'meta' },
            h('div', { class: 'key', title: rec.partitionKey }, rec.partitionKey || '(no partition key)'),
            h('div', {}, fmt.time(rec.arrival)),
            h('div', {}, badge(rec.kind), ' ', fmt.bytes(rec.size)),
            h('div', { class: 'mono', title: rec.sequenceNumber }, `…${rec.sequenceNumber.slice(-12)}`)),
          h('pre', { class: 'record-data' }, rec.text + (rec.cut ? '\n…' : ''))));
        shown++;
      }
      while (list.children.length > TAIL_KEEP) list.removeChild(list.firstChild);
      count.textContent = `(${shown})`;
      if (stick) list.scrollTop = list.scrollHeight;
    });
    source.addEventListener('end', e => {
      source.close();
      state.className = 'tail-state';
      state.textContent = JSON.parse(e.data).reason;
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { state.className = 'tail-state'; state.textContent = 'disconnected'; }
    };
  }
  begin();
}

window.addEventListener('hashchange', render);
render();
